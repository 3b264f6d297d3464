"""The scheduler keeps its jobs in the database and can be checked from outside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import redis as redis_client
from apscheduler.schedulers.background import BackgroundScheduler

from app.background import REDIS_TIMEOUTS, RUN_PROJECTIONS, celery_settings
from app.config import Config
from tests.support.processes import RedisServer
from workers.scheduler import (
    CATCH_UP_JOB,
    SCHEDULED_REPORT,
    build_scheduler,
    check,
    producer,
)


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


JOBS = """
import gc, json, sys
from flask import Flask
from workers.scheduler import enqueue_catch_up, enqueue_reports
enqueue_catch_up()
enqueue_reports("half-year")
print(json.dumps({
    "flask_apps": sum(isinstance(o, Flask) for o in gc.get_objects()),
    "worker_root_imported": "workers.main" in sys.modules,
}))
"""


def test_the_jobs_send_with_the_workers_settings_and_build_no_flask_app(
    tmp_path, database_url
):
    """The scheduler's jobs are producers: the worker's Celery settings, no app."""
    redis = RedisServer(tmp_path).start()
    try:
        env = {
            **os.environ,
            "BIEB_INSTANCE_DIR": str(tmp_path),
            "BIEB_DATABASE_URL": database_url,
            "BIEB_BROKER_URL": redis.url,
        }
        out = subprocess.run([sys.executable, "-c", JOBS], env=env, check=True,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        queued = redis_client.Redis.from_url(redis.url).lrange("celery", 0, -1)
    finally:
        redis.stop()
    assert json.loads(out.stdout.splitlines()[-1]) == {
        "flask_apps": 0, "worker_root_imported": False,
    }  # fmt: skip
    asked = [json.loads(m)["headers"]["task"] for m in queued]
    assert sorted(asked) == [RUN_PROJECTIONS, SCHEDULED_REPORT]
    config = Config.from_env(env)
    settings = producer(config).conf
    assert {name: settings[name] for name in celery_settings(config)} == (
        celery_settings(config)
    )
    assert settings.broker_transport_options == REDIS_TIMEOUTS
