"""The web application: create_app() is the web process's composition root."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, has_request_context, request

from app import (
    agreements,
    api,
    api_docs,
    auth,
    health,
    hygiene,
    idempotency,
    limits,
    metrics,
    pages,
    throttle,
)
from app.api import ids
from app.background import celery_init_app
from app.commands import Services
from app.config import Config
from app.errors import register_domain_errors
from app.extensions import api as rest_api
from app.logs import configure_logging, new_request_id
from events.store import SqlEventStore, create_store_engine

OPENAPI = {
    "API_TITLE": "Bibliotheek prestatieregister",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": api_docs.ASSETS,  # served by this app, not a CDN
    "API_SPEC_OPTIONS": {
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearer": []}],
    },
}

log = logging.getLogger(__name__)


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask app, its store and its Celery binding from `config`."""
    config = config or Config.from_env()
    if not config.testing:
        configure_logging(config.log_level, config.log_format)
    config.instance_dir.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(config.instance_dir))
    app.config.update(SECRET_KEY=config.secret_key, TESTING=config.testing, **OPENAPI)
    app.extensions["bieb_config"] = config
    # Requests may not wait long on the database; the workers and commands
    # this app also serves may (long reports, rebuilds, migrations).
    limit = config.db_timeout_seconds or None
    engine = create_store_engine(
        config.database_url,
        limit=lambda: limit if has_request_context() else None,
    )
    app.extensions["store"] = SqlEventStore(engine)
    app.extensions["agreements"] = agreements.load_all()
    celery_init_app(app, config)
    throttle.init_app(app, config)
    app.extensions["services"] = Services(
        store=app.extensions["store"],
        agreements=app.extensions["agreements"],
        zone=config.zone,
        nudge=app.extensions["nudge"],
    )

    # Order matters: the request id first, then who is asking, then whether
    # this is a retry of a write already answered.
    app.before_request(_start_request)
    limits.init_app(app)  # size, depth and characters, before any lookup
    app.before_request(auth.load_account)
    app.before_request(auth.protect_cookie_writes)
    app.before_request(idempotency.replay_or_continue)
    app.after_request(idempotency.remember)
    app.after_request(_finish_request)
    hygiene.init_app(app)  # security headers on every answer

    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(api_docs.bp)
    ids.register(app, rest_api)  # <id:...> in the routes below
    rest_api.init_app(app)
    api.register(rest_api)
    register_domain_errors(app)
    auth.init_app(app)
    pages.register(app)
    return app


def _start_request() -> None:
    g.request_id = new_request_id(request.headers.get("X-Request-ID"))


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
        },
    )
    return response
