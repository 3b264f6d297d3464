"""GET /metrics: what the log holds and how far each read model lags."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from events.store.read_models import task_failures
from tests.integration.test_projections import ZONE, record_questions
from tests.support.failing_tasks import FAIL
from tests.support.processes import Worker, wait_for
from workers.projections import projections
from workers.projections.base import catch_up


def samples(app) -> dict[tuple, float]:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_events_and_show_projection_lag(app):
    store = app.extensions["store"]
    record_questions(store, seed=9, count=10, retract_every=5)
    projection = projections(store, ZONE)[0]
    catch_up(projection, store)
    record_questions(store, seed=10, count=3, retract_every=0)
    found = samples(app)
    assert found[("bieb_events_appended", (("type", "IdoQuestionLogged"),))] == 13
    assert found[("bieb_events_appended", (("type", "RecordRetracted"),))] == 2
    assert found[("bieb_log_head", ())] == 15
    assert found[("bieb_projection_lag", (("projection", "goal_figures"),))] == 3
    assert found[("bieb_projection_position", (("projection", "goal_figures"),))] == 12


def test_failed_tasks_are_recorded_and_counted(app):
    """A task that raises is kept in the database and shows in /metrics."""
    from workers.tasks import run_projections

    store = app.extensions["store"]
    celery_app = app.extensions["celery"]
    celery_app.conf.task_always_eager = True  # run here, signals and all
    real = store.read_all

    def broken(*_args, **_kwargs):
        raise RuntimeError("the log is unreadable")

    # No app context around the call: the task opens its own, and Celery sends
    # task_failure outside it, as in a worker.
    store.read_all = broken
    try:
        result = run_projections.apply()
    finally:
        store.read_all = real
        celery_app.conf.task_always_eager = False
    assert result.failed()
    found = samples(app)
    task = (("task", "workers.tasks.run_projections"),)
    assert found[("bieb_task_failures_total", task)] == 1


def failures(app) -> list[tuple[str, str]]:
    with app.extensions["store"].engine.connect() as conn:
        return conn.execute(select(task_failures.c.task, task_failures.c.error)).all()


@pytest.mark.slow
def test_a_task_failing_in_a_real_worker_is_recorded_and_counted(app, tmp_path):
    """Celery's worker sends task_failure outside any app context: still kept."""
    config = app.extensions["bieb_config"]
    env = {"BIEB_DATABASE_URL": config.database_url,
           "BIEB_INSTANCE_DIR": str(config.instance_dir)}  # fmt: skip
    worker = Worker(
        env, tmp_path / "worker.log", include=("tests.support.failing_tasks",)
    )
    worker.start()
    try:
        app.extensions["celery"].send_task(FAIL)
        [(task, error)] = wait_for(lambda: failures(app), 60, "the failure row")
    finally:
        worker.stop()
    assert task == FAIL
    assert "this task fails on purpose" in error
    assert samples(app)[("bieb_task_failures_total", (("task", FAIL),))] == 1
