"""Effort notes and figures from before the register."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "efforts",
    __name__,
    url_prefix="",
    description="Effort notes and figures from before the register",
)
