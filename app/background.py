"""Celery, bound to the Flask app as the Flask docs describe.

The web process never imports the workers: it names tasks by string, and the
worker loads `workers.tasks` itself (DESIGN: the app sits below the workers).
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from app.config import Config

TASK_MODULES = ["workers.tasks"]


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
    }


def celery_init_app(app: Flask, config: Config) -> Celery:
    """A Celery app whose tasks run inside the Flask app's context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_settings(config))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
