"""Schools, partners, communities, communication."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "outreach",
    __name__,
    url_prefix="",
    description="Schools, partners, communities, communication",
)
