"""A real Celery worker on Redis keeps the figures exact, through kills and outages."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select

from events.store.read_models import projection_checkpoints
from tests.integration.test_projections import figures, record_questions
from tests.support.api import ApiClient
from tests.support.processes import Worker, wait_for
from workers.projections.base import PAUSE_FILE

pytestmark = pytest.mark.slow

RUN = "workers.tasks.run_projections"


@pytest.fixture
def setup(make_stack):
    stack = make_stack()
    return stack.app, stack.redis, stack.worker


def position(app) -> int:
    query = select(projection_checkpoints.c.position).where(
        projection_checkpoints.c.name == "goal_figures"
    )
    with app.extensions["store"].engine.connect() as conn:
        return conn.execute(query).scalar() or 0


def caught_up(app) -> bool:
    return position(app) == app.extensions["store"].head()


def post_questions(api: ApiClient, seed: int, count: int) -> Counter:
    """Questions through the API; the tally of what the figures must say."""
    rng = random.Random(seed)
    tally: Counter = Counter()
    for _ in range(count):
        day = rng.randint(1, 28)
        month = rng.randint(1, 6)
        body = {
            "themes": rng.sample(["digid", "toeslagen", "uwv"], rng.randint(1, 2)),
            "help_kind": rng.choice(["information", "hands_on", "referral"]),
            "occurred_at": f"2025-{month:02d}-{day:02d}T11:00:00+01:00",
        }
        assert api.post("/ido/questions", body).status_code == 201
        label = f"2025-{month:02d}"
        tally[("", label)] += 1
        tally[(f"help_kind:{body['help_kind']}", label)] += 1
        for theme in body["themes"]:
            tally[(f"themes:{theme}", label)] += 1
    return tally


def test_a_half_year_through_the_api_equals_the_tally(setup):
    app, _, worker = setup
    tally = post_questions(ApiClient(app), seed=11, count=150)
    worker.start()
    app.extensions["celery"].send_task(RUN)
    wait_for(lambda: caught_up(app), 60, "the worker to catch up")
    assert figures(app.extensions["store"].engine) == tally


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(make_stack, tmp_path):
    """Invariant 5 with a real SIGKILL, landing inside a batch's transaction."""
    stack = make_stack()
    app, store = stack.app, stack.app.extensions["store"]
    tally = Counter()
    for seed in range(2):
        tally += record_questions(store, seed=seed, count=4000, retract_every=9)
    stack.worker.start()
    app.extensions["celery"].send_task(RUN)
    wait_for(lambda: caught_up(app), 120, "the first batches to be applied")
    stack.worker.stop()
    committed = position(app)
    for seed in range(2, 6):
        tally += record_questions(store, seed=seed, count=4000, retract_every=9)
    # The next worker holds its first batch written but not committed (the
    # runner's test hook) while the gate file exists; it is killed right there.
    gate = tmp_path / "batch-gate"
    gate.touch()
    inside = tmp_path / "batch-gate.inside"
    held = Worker({**stack.env, PAUSE_FILE: str(gate)}, tmp_path / "held.log")
    try:
        held.start()
        app.extensions["celery"].send_task(RUN)
        wait_for(inside.exists, 120, "a batch to be held before its commit", 0.01)
        held.kill()
    finally:
        held.stop()
    assert position(app) == committed  # the killed batch left nothing behind
    gate.unlink()
    stack.worker.start()
    app.extensions["celery"].send_task(RUN)
    wait_for(lambda: caught_up(app), 180, "the restarted worker to catch up")
    assert figures(store.engine) == tally


def test_writes_succeed_while_redis_is_down_and_figures_catch_up(setup):
    """Invariant 2: the broker is only for nudges."""
    app, redis, worker = setup
    redis.stop()
    api = ApiClient(app)
    tally = post_questions(api, seed=12, count=20)
    assert app.extensions["store"].head() == 20
    redis.start()
    worker.start()
    app.extensions["celery"].send_task(RUN)
    wait_for(lambda: caught_up(app), 60, "the worker to catch up")
    assert figures(app.extensions["store"].engine) == tally


def test_an_append_nudges_the_worker_without_waiting_for_the_tick(setup):
    app, _, worker = setup
    worker.start()
    tally = post_questions(ApiClient(app), seed=13, count=30)
    wait_for(lambda: caught_up(app), 30, "the nudged worker to catch up")
    assert figures(app.extensions["store"].engine) == tally
