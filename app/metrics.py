"""GET /metrics in Prometheus text format, read from the database at scrape time.

The figures come from the log and the checkpoints themselves, not from counters
in one process: gunicorn runs several, and the database is the same for all.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, current_app, g
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import (
    CollectorRegistry,
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from sqlalchemy import func, select

from app.auth import SCRAPER
from app.errors import problem
from events.store.read_models import projection_checkpoints, task_failures
from events.store.tables import events

bp = Blueprint("metrics", __name__)


class StoreCollector:
    """Events appended by type, each read model's position and lag, task failures."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        appended = GaugeMetricFamily(
            "bieb_events_appended", "Events in the log, by type", labels=["type"]
        )
        position = GaugeMetricFamily(
            "bieb_projection_position", "Last position applied", labels=["projection"]
        )
        lag = GaugeMetricFamily(
            "bieb_projection_lag", "Events not yet applied", labels=["projection"]
        )
        with self.engine.connect() as conn:
            by_type = select(events.c.event_type, func.count()).group_by(
                events.c.event_type
            )
            for type_name, count in conn.execute(by_type):
                appended.add_metric([type_name], count)
            head = conn.execute(select(func.max(events.c.position))).scalar() or 0
            table = projection_checkpoints
            for name, at in conn.execute(select(table.c.name, table.c.position)):
                position.add_metric([name], at)
                lag.add_metric([name], head - at)
            failed = CounterMetricFamily(
                "bieb_task_failures", "Background tasks that failed", labels=["task"]
            )
            by_task = select(task_failures.c.task, func.count()).group_by(
                task_failures.c.task
            )
            for task, count in conn.execute(by_task):
                failed.add_metric([task], count)
        head_metric = GaugeMetricFamily("bieb_log_head", "Last position in the log")
        head_metric.add_metric([], head)
        yield from (appended, head_metric, position, lag, failed)


def _allowed() -> bool:
    account = g.get("account")
    scraper = g.get("signed_in_by") == SCRAPER  # BIEB_METRICS_TOKEN (app/auth.py)
    return scraper or (account is not None and account.role == "admin")


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus metrics: the log, the read models and failed tasks.

    For a scraper with BIEB_METRICS_TOKEN, or a signed-in admin: the figures
    tell how busy the library is, which is no one else's business.
    """
    if not _allowed():
        detail = "Send the metrics token or an admin's as 'Authorization: Bearer'."
        challenge = {"WWW-Authenticate": 'Bearer realm="metrics"'}
        return problem(401, "Unauthorized", detail, headers=challenge)
    registry = CollectorRegistry()
    registry.register(StoreCollector(current_app.extensions["store"].engine))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
