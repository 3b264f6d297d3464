"""Offline tablet sync."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("sync", __name__, url_prefix="/sync", description="Offline tablet sync")
