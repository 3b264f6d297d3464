"""A task that always fails, for tests only: a test worker loads it with --include."""

from __future__ import annotations

from celery import shared_task

FAIL = "tests.support.failing_tasks.fail"


@shared_task(name=FAIL)
def fail() -> None:
    """Raise, as a task whose work went wrong does."""
    raise RuntimeError("this task fails on purpose")
