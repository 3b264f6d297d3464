"""Celery tasks: thin wrappers that name the work; the work lives beside them."""

from __future__ import annotations

import logging

from celery import shared_task

from workers.projections import PROJECTIONS

log = logging.getLogger(__name__)


@shared_task(name="workers.tasks.run_projections", acks_late=True)
def run_projections() -> int:
    """Bring every projection up to the head of the log; return events applied."""
    applied = sum(projection.catch_up() for projection in PROJECTIONS)
    log.info("projections caught up", extra={"applied": applied})
    return applied
