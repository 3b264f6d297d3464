"""Sessions and check-ins."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "sessions", __name__, url_prefix="/sessions", description="Sessions and check-ins"
)
