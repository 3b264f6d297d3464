"""The scheduler process: APScheduler with its jobs kept in the database.

Jobs only enqueue Celery tasks; workers do the work. `python -m workers.scheduler`
(or `bieb scheduler`) runs it.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler

from app.config import Config
from app.logs import configure_logging
from events.store import normalise_url

log = logging.getLogger(__name__)

CATCH_UP_JOB = "projections-catch-up"


def enqueue_catch_up() -> None:
    """Nudge the workers to bring every projection up to date."""
    from workers.main import celery_app

    celery_app.send_task("workers.tasks.run_projections")


def build_scheduler(config: Config) -> BlockingScheduler:
    """A scheduler in the agreement's time zone with the catch-up tick."""
    scheduler = BlockingScheduler(
        timezone=ZoneInfo(config.time_zone),
        jobstores={
            "default": SQLAlchemyJobStore(url=normalise_url(config.database_url))
        },
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    scheduler.add_job(
        enqueue_catch_up,
        "interval",
        seconds=config.catch_up_seconds,
        id=CATCH_UP_JOB,
        replace_existing=True,
    )
    return scheduler


def main() -> None:
    config = Config.from_env()
    configure_logging(config.log_level, config.log_format)
    log.info("scheduler starting", extra={"time_zone": config.time_zone})
    build_scheduler(config).start()


if __name__ == "__main__":
    main()
