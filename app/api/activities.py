"""Activities and their sessions."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "activities",
    __name__,
    url_prefix="/activities",
    description="Activities and their sessions",
)
