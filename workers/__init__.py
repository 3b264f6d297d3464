"""Background work: Celery tasks, projections, reports and the scheduler."""
