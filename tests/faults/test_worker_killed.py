"""A Celery worker SIGKILLed inside a projection batch: the batch's rows and its
checkpoint go together or not at all, so the next worker counts every
acknowledged write exactly once (DESIGN invariant 5)."""

from __future__ import annotations

import time

import pytest

from tests.support.processes import Worker, wait_for
from tests.support.reliability import (
    compare,
    ido_figure,
    moment,
    question,
    stored_marks,
)
from tests.support.retrying_client import Ledger, RetryingClient
from workers.projections.base import PAUSE_FILE

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

FAULT = "worker-killed"
MONTH = "2025-02"
WRITES = 60


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(stack, tmp_path):
    stack.worker.stop()
    ledger = Ledger()
    client = RetryingClient(stack.api.url, stack.staff_token, ledger)
    for n in range(WRITES):
        client.post("/ido/questions", question(MONTH, n), key=f"{FAULT}-{n}")
    client.close()
    before = stack.checkpoints().get("goal_figures", 0)
    assert before < stack.head()

    # This worker writes its first batch and holds it uncommitted while the
    # gate exists (the runner's test hook); the scheduler's tick nudges it.
    gate = tmp_path / "batch-gate"
    gate.touch()
    inside = tmp_path / "batch-gate.inside"
    held = Worker({**stack.env, PAUSE_FILE: str(gate)}, tmp_path / "held.log")
    try:
        held.start()
        wait_for(inside.exists, 60, "a batch to be held before its commit", 0.02)
        held.kill()
    finally:
        held.stop()
        gate.unlink()
    killed = time.monotonic()
    # The killed batch left nothing: neither its rows nor its checkpoint.
    assert stack.checkpoints().get("goal_figures", 0) == before
    assert ido_figure(stack.engine, MONTH) == 0

    stack.worker.start()
    wait_for(stack.caught_up, 60, "a new worker to catch up")
    outcome = compare(
        FAULT,
        [moment(w.body) for w in ledger.acknowledged()],
        stored_marks(stack.engine, "IdoQuestionLogged", MONTH),
    )
    outcome.seconds_to_recover = round(time.monotonic() - killed, 2)
    outcome.details = {"figure": ido_figure(stack.engine, MONTH),
                       "statuses": ledger.statuses()}  # fmt: skip
    outcome.save()
    assert (outcome.acknowledged, outcome.stored) == (WRITES, WRITES)
    assert (outcome.duplicates, outcome.lost) == (0, 0)
    assert ido_figure(stack.engine, MONTH) == WRITES
