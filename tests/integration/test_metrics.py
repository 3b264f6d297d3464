"""GET /metrics: what the log holds and how far each read model lags."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from app import create_app
from app.accounts import create_account
from app.config import Config
from events.store.read_models import task_failures
from tests.integration.test_projections import ZONE, record_questions
from tests.support import databases
from tests.support.failing_tasks import FAIL
from tests.support.processes import Worker, wait_for
from workers.projections import projections
from workers.projections.base import catch_up


def admin_token(app) -> str:
    name = f"metrics-admin-{uuid.uuid4().hex[:8]}"
    return create_account(app.extensions["store"].engine, name, "admin")[1]


def samples(app) -> dict[tuple, float]:
    headers = {"Authorization": f"Bearer {admin_token(app)}"}
    response = app.test_client().get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


SCRAPER_TOKEN = "scrape-7f3a9c2e1b"


def sqlite_app(tmp_path, **env: str):
    config = Config.from_env({
        "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
        "BIEB_DATABASE_URL": databases.sqlite_url(tmp_path),
        "BIEB_TESTING": "1",
        **env,
    })  # fmt: skip
    return create_app(config)


@pytest.fixture
def scraped_app(tmp_path):
    """An app on SQLite with BIEB_METRICS_TOKEN set."""
    app = sqlite_app(tmp_path, BIEB_METRICS_TOKEN=SCRAPER_TOKEN)
    yield app
    app.extensions["store"].engine.dispose()


def get_metrics(app, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().get("/metrics", headers=headers)


class TestWhoMayScrape:
    def test_the_scraper_token_reads_the_metrics(self, scraped_app):
        response = get_metrics(scraped_app, SCRAPER_TOKEN)
        assert response.status_code == 200
        assert "bieb_log_head" in response.get_data(as_text=True)

    def test_an_admin_reads_the_metrics(self, scraped_app):
        assert get_metrics(scraped_app, admin_token(scraped_app)).status_code == 200

    @pytest.mark.parametrize("who", ["nobody", "staff", "viewer", "wrong token"])
    def test_anyone_else_is_refused_with_a_challenge(self, scraped_app, who):
        engine = scraped_app.extensions["store"].engine
        token = {
            "nobody": None,
            "wrong token": SCRAPER_TOKEN[:-1] + "x",
            "staff": create_account(engine, "s", "staff", "heemstede")[1],
            "viewer": create_account(engine, "v", "viewer", "heemstede")[1],
        }[who]
        response = get_metrics(scraped_app, token)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "bieb_" not in response.get_data(as_text=True)

    def test_without_a_configured_token_an_empty_bearer_opens_nothing(self, tmp_path):
        app = sqlite_app(tmp_path)  # BIEB_METRICS_TOKEN unset
        assert get_metrics(app, " ").status_code == 401
        assert get_metrics(app, "").status_code == 401
        app.extensions["store"].engine.dispose()


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
