"""Visitor and workplace samples."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "samples",
    __name__,
    url_prefix="/samples",
    description="Visitor and workplace samples",
)
