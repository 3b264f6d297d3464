"""Loans, memberships and service hours."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "counts",
    __name__,
    url_prefix="",
    description="Loans, memberships and service hours",
)
