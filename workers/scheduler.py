"""The scheduler process: APScheduler with its jobs kept in the database.

Jobs only enqueue Celery tasks; workers do the work. `python -m workers.scheduler`
(or `bieb scheduler`) runs it.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.background import RUN_PROJECTIONS
from app.config import Config
from app.logs import configure_logging
from events.store import normalise_url

log = logging.getLogger(__name__)

CATCH_UP_JOB = "projections-catch-up"


def enqueue_catch_up() -> None:
    """Nudge the workers to bring every projection up to date."""
    from workers.main import celery_app

    celery_app.send_task(RUN_PROJECTIONS)


def build_scheduler(
    config: Config, kind: type[BaseScheduler] = BlockingScheduler
) -> BaseScheduler:
    """A scheduler in the agreement's time zone with the catch-up tick."""
    jobs = SQLAlchemyJobStore(url=normalise_url(config.database_url))
    scheduler = kind(
        timezone=ZoneInfo(config.time_zone),
        jobstores={"default": jobs},
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


def check(config: Config, now: datetime | None = None) -> str | None:
    """None if a scheduler is keeping its tick; else what is wrong (healthcheck)."""
    job = SQLAlchemyJobStore(url=normalise_url(config.database_url))
    job.start(None, "default")  # type: ignore[arg-type]  # only to read the table
    tick = job.lookup_job(CATCH_UP_JOB)
    if tick is None:
        return "no catch-up job: the scheduler never started"
    late = (now or datetime.now(UTC)) - tick.next_run_time
    if late > timedelta(seconds=3 * config.catch_up_seconds):
        return f"the catch-up tick is {late.total_seconds():.0f} s overdue"
    return None


def main(argv: list[str]) -> int:
    config = Config.from_env()
    configure_logging(config.log_level, config.log_format)
    if argv[1:] == ["--check"]:
        problem = check(config)
        print(problem or "scheduler ok")
        return 1 if problem else 0
    log.info("scheduler starting", extra={"time_zone": config.time_zone})
    build_scheduler(config).start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
