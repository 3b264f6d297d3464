"""Celery, bound to the Flask app as the Flask docs describe.

The web process never imports the workers: it names tasks by string, and the
worker loads `workers.tasks` itself (DESIGN: the app sits below the workers).
"""

from __future__ import annotations

import logging
import threading
import time

from celery import Celery, Task
from flask import Flask

from app.config import Config

TASK_MODULES = ["workers.tasks"]
RUN_PROJECTIONS = "workers.tasks.run_projections"
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}

log = logging.getLogger(__name__)


def celery_settings(config: Config) -> dict[str, object]:
    return {
        "broker_url": config.broker_url,
        "broker_connection_retry_on_startup": True,
        # Nudges only: the event store is the source of truth, so no results.
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "timezone": config.time_zone,
        "enable_utc": True,
        "include": TASK_MODULES,
        "worker_hijack_root_logger": False,
        # A dead broker must not hold a nudge (or a scheduler tick) for long.
        "broker_connection_timeout": 2,
        "broker_transport_options": REDIS_TIMEOUTS
        if config.broker_url.startswith(("redis", "rediss"))
        else {},
    }


def celery_app_for(
    config: Config, name: str = "bieb", task_cls: type[Task] = Task
) -> Celery:
    """A Celery app with the settings every process shares; on its own, a producer.

    The scheduler sends with one as it is (no Flask app built); the API and the
    worker bind theirs to the Flask app (`celery_init_app`).
    """
    celery_app = Celery(name, task_cls=task_cls)
    celery_app.config_from_object(celery_settings(config))
    return celery_app


def flask_app_of(celery_app: Celery) -> Flask:
    """The Flask app a Celery app was bound to by `celery_init_app`."""
    return celery_app.flask_app


def celery_init_app(app: Flask, config: Config) -> Celery:
    """A Celery app whose tasks run inside the Flask app's context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = celery_app_for(config, app.name, FlaskTask)
    celery_app.set_default()
    # Celery sends its signals (task_failure) outside any Flask app context:
    # handlers reach the app through the task's Celery app instead.
    celery_app.flask_app = app
    app.extensions["celery"] = celery_app
    app.extensions["nudge"] = Nudger(celery_app)
    return celery_app


class Nudger:
    """Tells the workers, best effort, that the log has grown.

    Appends never wait for it and never fail because of it: a thread sends at most
    one nudge per `every` seconds (50 ms) and one more after the last request, so
    a burst of appends costs a few messages. With the broker down the nudge is lost
    and the scheduler's catch-up tick picks the events up (DESIGN invariant 2).
    """

    def __init__(self, celery_app: Celery, every: float = 0.05) -> None:
        self.celery_app = celery_app
        self.every = every
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def __call__(self) -> None:
        self._wanted.set()
        if self._thread is None or not self._thread.is_alive():
            with self._start:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._run, name="nudger", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                self.celery_app.send_task(RUN_PROJECTIONS, retry=False)
            except Exception as error:  # the broker's failure is not the writer's
                log.warning("nudge not sent: %s", error)
            time.sleep(self.every)
