"""Celery tasks: thin wrappers that name the work; the work lives beside them."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from workers.projections import projections
from workers.projections.base import catch_up

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
