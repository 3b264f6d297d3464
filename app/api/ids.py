"""Record ids in paths: `<id:activity_id>` matches only what an id can be.

Every id the register makes (a UUID's hex or text, a tablet's session id) is
1-64 characters of A-Z a-z 0-9 - _. Anything else in that place of a path (a
NUL byte, a slash, a kilobyte of text) matches no route: a 404 problem+json,
before any view or database sees it.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter

PATTERN = r"[A-Za-z0-9_-]{1,64}"


class IdConverter(BaseConverter):
    regex = PATTERN


def _schema(_converter: BaseConverter) -> dict[str, object]:
    return {"type": "string", "pattern": f"^{PATTERN}$", "maxLength": 64}


def register(app: Flask, api: Api) -> None:
    """Before the blueprints: their routes name the converter."""
    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, _schema)
