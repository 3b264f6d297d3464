"""The scheduler keeps its jobs in the database and can be checked from outside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from app.config import Config
from workers.scheduler import CATCH_UP_JOB, build_scheduler, check


def config_for(tmp_path, database_url: str) -> Config:
    return Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path),
            "BIEB_DATABASE_URL": database_url,
            "BIEB_CATCH_UP_SECONDS": "10",
        }
    )


def test_the_tick_is_stored_and_the_check_sees_when_it_is_overdue(
    tmp_path, database_url
):
    config = config_for(tmp_path, database_url)
    assert "never started" in check(config)
    scheduler = build_scheduler(config, BackgroundScheduler)
    scheduler.start(paused=True)  # writes the job to the job store
    try:
        job = scheduler.get_job(CATCH_UP_JOB)
        assert job.trigger.interval == timedelta(seconds=10)
        next_run = job.next_run_time
    finally:
        scheduler.shutdown(wait=False)
    assert check(config, now=next_run.astimezone(UTC)) is None
    stale = next_run.astimezone(UTC) + timedelta(minutes=5)
    assert "overdue" in check(config, now=stale)
    assert check(config, now=datetime.now(UTC)) is None
