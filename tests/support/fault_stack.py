"""The whole production stack on loopback, for the fault suite (tests/faults/).

A private PostgreSQL (initdb/pg_ctl in a temporary folder), a private Redis,
gunicorn serving `app:create_app()` with two workers, a Celery worker, the
scheduler and an SMTP server: each its own process (the SMTP server a thread),
so a test can stop, freeze or SIGKILL one of them. The shared servers are never
touched. `heal()` restarts whatever a fault left down, so the tests of one
session share one stack and pay its start-up once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select

import migrations
from app.accounts import Account, create_account
from events.store import create_store_engine
from events.store.read_models import projection_checkpoints
from events.store.tables import events
from tests.support.private_postgres import PrivatePostgres
from tests.support.processes import (
    ROOT,
    RedisServer,
    Worker,
    children_of,
    free_port,
    wait_for,
)
from tests.support.smtp import MailServer

PROJECTIONS = ("goal_figures",)  # workers.projections.projections: their names
RECIPIENTS = ("wethouder@heemstede.nl", "beleid@heemstede.nl")
GUNICORN_WORKERS = 2
# What the stack's processes import, compiled before they start.
WARM_UP = ("import app, app.serving, gunicorn.app.wsgiapp, celery.bin.celery, "
           "workers.tasks, workers.scheduler, workers.reports.produce")  # fmt: skip


class Gunicorn:
    """`gunicorn app:create_app()` as `bieb up` starts it, on a spare port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, "BIEB_LOG_FORMAT": "text", **env}
        self.log = log
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:app.serving",
                 "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(GUNICORN_WORKERS), "--graceful-timeout", "5",
                 "app:create_app()"],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
        wait_for(self.ready, 60, "gunicorn and its workers to answer")
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def workers(self) -> list[int]:
        return children_of(self.proc.pid) if self.running() else []

    def ready(self) -> bool:
        if len(self.workers()) < GUNICORN_WORKERS:
            return False
        try:
            return httpx.get(f"{self.url}/healthz", timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the OOM killer would; the master forks another."""
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


class Scheduler:
    """`bieb scheduler` in its own process, which a fault may SIGKILL.

    (tests/e2e/test_scheduled_report.py has one without `kill`; importing it
    would load the report renderer into every fault test's process.)
    """

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, "BIEB_LOG_FORMAT": "text", **env}
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Scheduler:
        bieb = Path(sys.executable).parent / "bieb"
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [str(bieb), "scheduler"], env=self.env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class FaultStack:
    """Every process of a production install, each on loopback and private."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.postgres = PrivatePostgres()
        self.redis = RedisServer(folder)
        self.mail = MailServer()
        self.env: dict[str, str] = {}
        self.engine: Engine | None = None

    def start(self) -> FaultStack:
        started = time.monotonic()
        # Every process of the stack (and each restart a fault makes) reads its
        # modules compiled once, here, into the stack's folder; where bytecode
        # is not written (PYTHONDONTWRITEBYTECODE), each would compile them all.
        bytecode = {"PYTHONDONTWRITEBYTECODE": "",
                    "PYTHONPYCACHEPREFIX": str(self.folder / "pycache")}  # fmt: skip
        warm = subprocess.Popen([sys.executable, "-c", WARM_UP], cwd=ROOT,
                                env={**os.environ, **bytecode})  # fmt: skip
        self.postgres.start()
        url = self.postgres.create_database("bieb")
        migrations.upgrade(url)
        self.redis.start()
        self.mail.start()
        self.env = {
            **bytecode,
            "BIEB_DATABASE_URL": url,
            "BIEB_BROKER_URL": self.redis.url,
            "BIEB_INSTANCE_DIR": str(self.folder / "instance"),
            "BIEB_SECRET_KEY": uuid.uuid4().hex,
            "BIEB_SMTP_HOST": self.mail.host,
            "BIEB_SMTP_PORT": str(self.mail.port),
            "BIEB_REPORT_RECIPIENTS": "heemstede=" + ",".join(RECIPIENTS),
            "BIEB_CATCH_UP_SECONDS": "2",
        }
        # The checks' own engine: pre-pinged whatever the app's default, so a
        # restarted server never fails a check.
        self.engine = create_store_engine(url, pool_pre_ping=True)
        self.staff, self.staff_token = self.account("fault-staff", "staff")
        warm.wait(timeout=300)
        self.api = Gunicorn(self.env, self.folder / "gunicorn.log").start()
        self.worker = Worker(self.env, self.folder / "worker.log").start()
        self.scheduler = Scheduler(self.env, self.folder / "scheduler.log")
        self.scheduler.start()
        self.started_in = round(time.monotonic() - started, 1)
        return self

    def account(self, name: str, role: str) -> tuple[Account, str]:
        """A new account of heemstede (a tablet at its branch) and its token."""
        branch = "heemstede" if role == "tablet" else None
        return create_account(self.engine, name, role, "heemstede", branch)

    def heal(self) -> None:
        """Bring back whatever a fault (or a failed test) left down."""
        self.postgres.thaw()
        if not self.postgres.answers():
            self.postgres.start()
        if self.redis.proc is None or self.redis.proc.poll() is not None:
            self.redis.start()
        if self.mail.controller is None:
            self.mail.start()
        if not self.api.running():
            self.api.start()
        wait_for(self.api.ready, 120, "gunicorn's workers to answer")  # after a kill
        if self.worker.proc is None or self.worker.proc.poll() is not None:
            self.worker.start()
        if not self.scheduler.running():
            self.scheduler.start()

    def head(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(events.c.position))).scalar() or 0

    def checkpoints(self) -> dict[str, int]:
        query = select(projection_checkpoints.c.name, projection_checkpoints.c.position)
        with self.engine.connect() as conn:
            return dict(conn.execute(query).all())

    def caught_up(self) -> bool:
        """Every projection has read the whole log."""
        head, found = self.head(), self.checkpoints()
        return all(found.get(name) == head for name in PROJECTIONS)

    def stop(self) -> None:
        # In this order, and what a failed start never made is skipped.
        for name in ("scheduler", "worker", "api", "mail", "redis"):
            if (process := getattr(self, name, None)) is not None:
                process.stop()
        if self.engine is not None:
            self.engine.dispose()
        self.postgres.remove()
