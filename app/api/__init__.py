"""The JSON API under /api/v1: one flask-smorest Blueprint per resource."""

from __future__ import annotations

from flask_smorest import Api

from app.api import (
    activities,
    counts,
    efforts,
    feed,
    goals,
    ido,
    outreach,
    reports,
    samples,
    sessions,
    sync,
)

BLUEPRINTS = [
    activities.blp,
    sessions.blp,
    samples.blp,
    sync.blp,
    ido.blp,
    outreach.blp,
    counts.blp,
    efforts.blp,
    feed.blp,
    goals.blp,
    reports.blp,
]


def register(api: Api) -> None:
    for blueprint in BLUEPRINTS:
        prefix = f"/api/v1{blueprint.url_prefix or ''}"
        api.register_blueprint(blueprint, url_prefix=prefix)
