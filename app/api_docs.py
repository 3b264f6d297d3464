"""Swagger UI's files, served from the swagger-ui-bundle package.

`/api/docs` (flask-smorest) loads its script and style from here rather than a
CDN, so the API's documentation works offline and the page's CSP names no
other site.
"""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/api/docs/assets/"

bp = Blueprint("api_docs_assets", __name__)


@bp.get(f"{ASSETS}<path:name>")
def asset(name: str) -> Response:
    """One of Swagger UI's files (script, style, icons)."""
    return send_from_directory(str(swagger_ui_path), name, max_age=86_400)
