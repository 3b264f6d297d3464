"""The event feed for integrations."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "feed",
    __name__,
    url_prefix="/events",
    description="The event feed for integrations",
)
