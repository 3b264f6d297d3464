"""The scheduler process: APScheduler with its jobs kept in the database.

Jobs only enqueue Celery tasks; workers do the work. `python -m workers.scheduler`
(or `bieb scheduler`) runs it.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime, timedelta
from functools import cache

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from celery import Celery

from app.background import RUN_PROJECTIONS, celery_app_for
from app.config import Config
from app.logs import configure_logging
from events.catalogue import available_agreements, load_agreement
from events.periods import parse_period
from events.store import normalise_url

log = logging.getLogger(__name__)

MODULE = "workers.scheduler"
CATCH_UP_JOB = "projections-catch-up"
REPORT_JOBS = {"half-year": "report-half-year", "year": "report-annual"}
SCHEDULED_REPORT = "workers.tasks.scheduled_report"


def report_period(kind: str, now: datetime) -> str:
    """The period a report run is for: the half year or the year just ended.

    Reckoned from when the run happens, so a run missed on 1 July and made on
    3 July (the scheduler was down) still reports the first half year.
    """
    if kind == "half-year":
        # The first half of the year whose 1 July came last.
        return f"{now.year if now.month >= 7 else now.year - 1}-H1"
    return str(now.year - 1)


def enqueue_reports(kind: str) -> list[tuple[str, str]]:
    """Ask the workers for every municipality's report of the period just ended."""
    config = Config.from_env()
    period = parse_period(report_period(kind, datetime.now(config.zone)))
    asked = []
    for name in available_agreements():
        agreement = load_agreement(name)
        owes = any(r.period == kind for r in agreement.reports)
        if owes and agreement.covers(period.start, period.end):
            asked.append((agreement.municipality.code, period.label))
    for municipality, label in asked:
        producer(config).send_task(SCHEDULED_REPORT, args=[municipality, label])
        log.info("report asked", extra={"municipality": municipality, "period": label})
    return asked


def enqueue_catch_up() -> None:
    """Nudge the workers to bring every projection up to date."""
    producer(Config.from_env()).send_task(RUN_PROJECTIONS)


@cache  # one per configuration: its broker connections are kept between runs
def producer(config: Config) -> Celery:
    """The Celery app the jobs send with: the worker's settings, no Flask app."""
    return celery_app_for(config)


def build_scheduler(
    config: Config, kind: type[BaseScheduler] = BlockingScheduler
) -> BaseScheduler:
    """A scheduler in the configured time zone with the catch-up tick."""
    jobs = SQLAlchemyJobStore(url=normalise_url(config.database_url))
    scheduler = kind(
        timezone=config.zone,
        jobstores={"default": jobs},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    # Jobs name their function by module path, not by object: run as
    # `python -m workers.scheduler` the objects live in `__main__`, which no
    # other process could load from the job store.
    scheduler.add_job(
        f"{MODULE}:enqueue_catch_up",
        "interval",
        seconds=config.catch_up_seconds,
        id=CATCH_UP_JOB,
        replace_existing=True,
    )
    # The report runs keep their stored next run time across restarts: a run
    # missed while the scheduler was down is made once when it comes back
    # (misfire_grace_time None, coalesce).
    stored = _stored_runs(config)
    for kind, at in (("half-year", config.half_year_report_at),
                     ("year", config.annual_report_at)):  # fmt: skip
        month, day, hour, minute = _when(at)
        trigger = CronTrigger(month=month, day=day, hour=hour, minute=minute,
                              timezone=config.zone)  # fmt: skip
        due = stored.get(REPORT_JOBS[kind])
        options = {"next_run_time": due} if due is not None else {}
        scheduler.add_job(f"{MODULE}:enqueue_reports", trigger, args=[kind],
                          id=REPORT_JOBS[kind], replace_existing=True,
                          **options)  # fmt: skip
    return scheduler


def _stored_runs(config: Config) -> dict[str, datetime]:
    """The next run time each report job has in the job store, if it is there."""
    jobs = SQLAlchemyJobStore(url=normalise_url(config.database_url))
    jobs.start(None, "default")  # type: ignore[arg-type]  # only to read the table
    try:
        found = (jobs.lookup_job(job_id) for job_id in REPORT_JOBS.values())
        return {job.id: job.next_run_time for job in found if job is not None}
    finally:
        jobs.shutdown()


def _when(text: str) -> tuple[int, int, int, int]:
    """'07-01 07:00' as (month, day, hour, minute)."""
    try:
        moment = datetime.strptime(text.strip(), "%m-%d %H:%M")
    except ValueError:
        raise ValueError(f"a report time is like '07-01 07:00', not {text!r}") from None
    return moment.month, moment.day, moment.hour, moment.minute


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
