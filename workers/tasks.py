"""Celery tasks: thin wrappers that name the work; the work lives beside them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from celery import shared_task
from celery.signals import task_failure
from flask import current_app
from sqlalchemy import insert
from sqlalchemy.exc import OperationalError

from app.background import flask_app_of
from events.store.read_models import task_failures
from workers.projections import projections
from workers.projections.base import catch_up
from workers.reports.delivery import DeliveryIncomplete

log = logging.getLogger(__name__)


@shared_task(
    name="workers.tasks.run_projections",
    acks_late=True,
    # A database that is away for a moment: try again, waiting longer each time.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def run_projections() -> int:
    """Bring every projection up to the head of the log; return events applied."""
    store = current_app.extensions["store"]
    zone = current_app.extensions["bieb_config"].zone
    applied = sum(catch_up(p, store) for p in projections(store, zone))
    log.info("projections caught up", extra={"applied": applied})
    return applied


# The mail server or the database away for a while: try again, later each time
# (30 s doubling, up to an hour). A report is made once (its schedule key) and
# each recipient is sent it once (the delivery rows), so a retry repeats neither.
REPORT_RETRIES = {
    "acks_late": True,
    "autoretry_for": (DeliveryIncomplete, OSError, OperationalError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 20,
}


@shared_task(name="workers.tasks.scheduled_report", **REPORT_RETRIES)
def scheduled_report(municipality: str, period: str) -> str:
    """Compile the period's report once, then email it to every recipient once."""
    # Imported here: WeasyPrint and matplotlib are heavy, and a worker that only
    # runs projections (or `bieb projections rebuild`) need not carry them.
    from workers.reports.produce import (
        AlreadyReported,
        agreement_for_period,
        produce,
        send,
    )

    store = current_app.extensions["store"]
    config = current_app.extensions["bieb_config"]
    for projection in projections(store, config.zone):
        catch_up(projection, store)
    agreement = agreement_for_period(municipality, period)
    report_id = produce(
        store, config, agreement, period, requested_by="scheduler", scheduled=True
    )
    try:
        send(store, config, report_id)
    except AlreadyReported as refused:  # one report per period: not again
        log.warning("period already reported", extra={
            "report_id": report_id, "earlier": refused.earlier.id})  # fmt: skip
    return report_id


@shared_task(name="workers.tasks.send_report", **REPORT_RETRIES)
def send_report(report_id: str, round: int | None = None) -> str:
    """Email a stored report; `round` names a deliberate resend."""
    from workers.reports.produce import send

    store = current_app.extensions["store"]
    send(store, current_app.extensions["bieb_config"], report_id, round=round)
    return report_id


@task_failure.connect
def record_failure(sender=None, exception=None, **_) -> None:
    """Keep each failed task in the database, where /metrics counts them."""
    try:
        # No app context here: Celery sends this signal outside the task's call.
        store = flask_app_of(sender.app).extensions["store"]
        row = {
            "task": getattr(sender, "name", str(sender)),
            "failed_at": datetime.now(UTC),
            "error": repr(exception)[:500],
        }
        with store.engine.begin() as conn:
            conn.execute(insert(task_failures), row)
    except Exception:  # the database may be what failed; the log still has it
        log.exception("could not record a task failure")
