"""A gunicorn worker SIGKILLed while requests are in flight: clients lose their
answers and send again with the same Idempotency-Key; every acknowledged write
is in the log once (DESIGN invariants 2 and 3)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.support.processes import wait_for
from tests.support.reliability import (
    compare,
    ido_figure,
    moment,
    question,
    stored_marks,
)
from tests.support.retrying_client import Ledger, RetryingClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

FAULT = "gunicorn-worker-killed"
MONTH = "2025-03"
CLIENTS = 8  # four times the workers: both are busy whenever one is killed
PER_CLIENT = 25
KILLS = 2  # at least; more (up to MOST) until one has cut off a request
MOST = 5


def cut_off(ledger: Ledger) -> bool:
    """Did a kill land on a request in flight (one that got no answer)?"""
    return ledger.statuses().get("none", 0) >= 1


def test_clients_retry_through_killed_workers_and_each_write_is_kept_once(stack):
    ledger = Ledger()
    errors: list[BaseException] = []

    def send(c: int) -> None:
        client = RetryingClient(stack.api.url, stack.staff_token, ledger)
        try:
            for n in range(c * PER_CLIENT, (c + 1) * PER_CLIENT):
                client.post("/ido/questions", question(MONTH, n), key=f"{FAULT}-{n}")
        except BaseException as error:  # shown by the main thread
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in range(CLIENTS)]
    for thread in threads:
        thread.start()
    recoveries = []
    k = 0
    while k < KILLS or (not cut_off(ledger) and k < MOST):
        k += 1
        wait_for(lambda k=k: len(ledger.acknowledged()) >= k * 25 or errors, 120,
                 "writes between kills")  # fmt: skip
        # Both workers up (the last kill's replacement too): one is killed.
        wait_for(stack.api.ready, 120, "gunicorn's two workers")
        stack.api.kill_worker()
        at, acked = time.monotonic(), len(ledger.acknowledged())
        # The other worker answers meanwhile; the master forks a new one.
        wait_for(lambda a=acked: len(ledger.acknowledged()) > a or errors, 60,
                 "a write acknowledged after the kill")  # fmt: skip
        recoveries.append(time.monotonic() - at)
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    wait_for(stack.api.ready, 120, "gunicorn to have forked its workers again")

    wait_for(lambda: stack.caught_up(), 60, "the projections to catch up")
    outcome = compare(
        FAULT,
        [moment(w.body) for w in ledger.acknowledged()],
        stored_marks(stack.engine, "IdoQuestionLogged", MONTH),
    )
    outcome.seconds_to_recover = round(max(recoveries), 2)
    retried = sum(1 for w in ledger.writes if len(w.attempts) > 1)
    outcome.details = {
        "kills": k,
        "statuses": ledger.statuses(),
        "writes_retried": retried,
        "figure": ido_figure(stack.engine, MONTH),
    }
    outcome.save()
    assert cut_off(ledger), "no kill landed on a request in flight"
    assert "500" not in ledger.statuses()
    assert (outcome.acknowledged, outcome.stored) == (CLIENTS * PER_CLIENT,) * 2
    assert (outcome.duplicates, outcome.lost) == (0, 0)
    assert ido_figure(stack.engine, MONTH) == CLIENTS * PER_CLIENT
