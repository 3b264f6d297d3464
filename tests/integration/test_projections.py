"""Projections: figures equal an independent tally, exactly once, rebuildable."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from events import Metadata, NewEvent
from events.corrections import RecordRetracted
from events.ido import IdoQuestionLogged
from events.store.read_models import goal_figures
from workers.projections import projections
from workers.projections.base import catch_up, run_batch
from workers.projections.rebuild import rebuild

ZONE = ZoneInfo("Europe/Amsterdam")
STAFF = Metadata(actor="staff:test")
THEMES = ["digid", "toeslagen", "uwv", "belastingdienst"]


def question(rng: random.Random, when: datetime) -> tuple[str, NewEvent]:
    qid = uuid.uuid4().hex
    event = IdoQuestionLogged(
        municipality="heemstede",
        branch="heemstede",
        question_id=qid,
        themes=rng.sample(THEMES, rng.randint(1, 2)),
        help_kind=rng.choice(["information", "hands_on", "referral"]),
        channel=rng.choice(["desk", "phone"]),
    )
    new = NewEvent(type=event.TYPE, data=event.to_data(), occurred_at=when,
                   metadata=STAFF)  # fmt: skip
    return f"ido-{qid}", new


def retraction(stream: str, wrong: NewEvent) -> NewEvent:
    event = RecordRetracted(
        municipality="heemstede",
        branch="heemstede",
        stream=stream,
        retracted_event_id=str(wrong.event_id),
        retracted_type=IdoQuestionLogged.TYPE,
    )
    return NewEvent(type=event.TYPE, data=event.to_data(),
                    occurred_at=wrong.occurred_at, metadata=STAFF)  # fmt: skip


def record_questions(store, seed: int, count: int, retract_every: int = 5) -> Counter:
    """Append questions (some retracted); the tally the figures must equal."""
    rng = random.Random(seed)
    tally: Counter = Counter()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(count):
        when = start + timedelta(hours=rng.randint(0, 24 * 360))
        stream, event = question(rng, when)
        store.append(stream, [event])
        if retract_every and i % retract_every == 0:
            store.append(stream, [retraction(stream, event)])
            continue
        month = when.astimezone(ZONE).strftime("%Y-%m")
        tally[("", month)] += 1
        for theme in event.data["themes"]:
            tally[(f"themes:{theme}", month)] += 1
        tally[(f"help_kind:{event.data['help_kind']}", month)] += 1
    return tally


def figures(engine, table=goal_figures) -> Counter:
    query = select(table.c.dimension, table.c.month, table.c.value).where(
        table.c.indicator == "ido-questions", ~table.c.dimension.startswith("channel:")
    )
    with engine.connect() as conn:
        return Counter({(d, m): v for d, m, v in conn.execute(query) if v})


def test_figures_equal_an_independent_tally(store):
    tally = record_questions(store, seed=1, count=300)
    applied = catch_up(projections(store, ZONE)[0], store, batch=64)
    assert applied == store.head()
    assert figures(store.engine) == tally


def test_a_batch_that_fails_midway_leaves_nothing_behind(store):
    """Invariant 5: rows and checkpoint commit together, or not at all."""
    tally = record_questions(store, seed=2, count=50)

    crashing = projections(store, ZONE)[0]
    real = crashing.apply

    def apply_then_die(conn, events, tables):
        real(conn, events, tables)  # rows written ...
        raise RuntimeError("worker died")  # ... then the worker dies

    crashing.apply = apply_then_die
    with pytest.raises(RuntimeError):
        run_batch(crashing, store, batch=20)
    assert figures(store.engine) == Counter()
    catch_up(projections(store, ZONE)[0], store, batch=20)
    assert figures(store.engine) == tally


def test_rebuild_swaps_in_the_same_figures_twice(store):
    record_questions(store, seed=3, count=80)
    projection = projections(store, ZONE)[0]
    catch_up(projection, store)
    live = figures(store.engine)
    rebuild(projection, store)
    assert figures(store.engine) == live
    record_questions(store, seed=4, count=10)
    rebuild(projection, store)  # a second rebuild reuses the shadow's names
    catch_up(projection, store)
    assert figures(store.engine) == live + figures_of_seed(4, 10)


def figures_of_seed(seed: int, count: int) -> Counter:
    class Log:
        def append(self, *_):
            pass

    return record_questions(Log(), seed, count)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 10_000),
    count=st.integers(0, 40),
    retract_every=st.sampled_from([0, 2, 3, 7]),
    batches=st.lists(st.integers(1, 30), min_size=1, max_size=5),
)
def test_rebuilt_equals_incrementally_built(store, seed, count, retract_every, batches):
    """Invariant 6, for random streams with corrections and batch sizes."""
    projection = projections(store, ZONE)[0]
    before = figures(store.engine)
    tally = record_questions(store, seed, count, retract_every)
    for size in batches:
        run_batch(projection, store, batch=size)
    catch_up(projection, store, batch=batches[-1])
    live = figures(store.engine)
    assert live == before + tally
    rebuild(projection, store)
    assert figures(store.engine) == live


def test_bieb_projections_status_run_and_rebuild(app):
    """The worker's commands join `bieb` as a Flask CLI plugin."""
    from click.testing import CliRunner

    from app.cli import main

    store = app.extensions["store"]
    tally = record_questions(store, seed=5, count=20)
    config = app.extensions["bieb_config"]
    env = {
        "BIEB_DATABASE_URL": config.database_url,
        "BIEB_INSTANCE_DIR": str(config.instance_dir),
        "BIEB_TESTING": "1",
    }
    runner = CliRunner()
    status = runner.invoke(main, ["projections", "status"], env=env)
    assert f"goal_figures\tposition 0\tlag {store.head()}" in status.output
    assert runner.invoke(main, ["projections", "run"], env=env).exit_code == 0
    assert figures(store.engine) == tally
    rebuilt = runner.invoke(main, ["projections", "rebuild", "goal_figures"], env=env)
    assert "rebuilt from" in rebuilt.output
    assert figures(store.engine) == tally
    status = runner.invoke(main, ["projections", "status"], env=env)
    assert f"position {store.head()}\tlag 0" in status.output
    unknown = runner.invoke(main, ["projections", "rebuild", "nope"], env=env)
    assert unknown.exit_code != 0
