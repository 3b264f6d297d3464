"""The worker's composition root: `celery -A workers.main worker`."""

from __future__ import annotations

from app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
