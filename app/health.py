"""GET /healthz: is the database there, is the broker there."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from flask import Blueprint, current_app
from sqlalchemy import Engine, text

from app.errors import DATABASE_RETRY_AFTER

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def database_health(engine: Engine) -> dict[str, Any]:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not healthy", reported as such
        # The driver's text (host, user, database) goes to the log, not the body.
        log.warning("database unhealthy: %s", error.__class__.__name__, exc_info=error)
        return {"ok": False, "backend": engine.dialect.name, "error": "unavailable"}
    return {"ok": True, "backend": engine.dialect.name}


def broker_health(celery_app: Celery) -> dict[str, Any]:
    transport = celery_app.conf.broker_url.split(":", 1)[0]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:  # as above: the answer is the report
        return {"ok": False, "transport": transport, "error": str(error)[:200]}
    return {"ok": True, "transport": transport}


@bp.get("/livez")
def livez() -> dict[str, str]:
    """Liveness: the process answers; touches nothing (the benchmarks' baseline)."""
    return {"status": "alive"}


@bp.get("/healthz")
def healthz() -> tuple[Any, ...]:
    """Database and broker status; 503 only when the database is down.

    A dead broker degrades the service but loses nothing: writes still commit and
    the projections catch up once it is back (DESIGN invariant 2).
    """
    database = database_health(current_app.extensions["store"].engine)
    broker = broker_health(current_app.extensions["celery"])
    if not database["ok"]:
        status = "down"
    elif not broker["ok"]:
        status = "degraded"
    else:
        status = "ok"
    body = {"status": status, "database": database, "broker": broker}
    if status == "down":
        return body, 503, {"Retry-After": DATABASE_RETRY_AFTER}
    return body, 200
