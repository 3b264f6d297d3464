"""The web application: create_app() is the web process's composition root."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request

from app import health
from app.background import celery_init_app
from app.config import Config
from app.logs import configure_logging, new_request_id
from events.store import SqlEventStore, create_store_engine

log = logging.getLogger(__name__)


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask app, its store and its Celery binding from `config`."""
    config = config or Config.from_env()
    if not config.testing:
        configure_logging(config.log_level, config.log_format)
    config.instance_dir.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(config.instance_dir))
    app.config.update(SECRET_KEY=config.secret_key, TESTING=config.testing)
    app.extensions["bieb_config"] = config
    app.extensions["store"] = SqlEventStore(create_store_engine(config.database_url))
    celery_init_app(app, config)

    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_blueprint(health.bp)
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
