"""The JSON API under /api/v1: one flask-smorest Blueprint per resource."""

from __future__ import annotations

from flask_smorest import Api

from app.api import ido

BLUEPRINTS = [ido.blp]


def register(api: Api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix}")
