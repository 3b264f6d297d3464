"""PostgreSQL stopped, or frozen with SIGSTOP, under gunicorn: every request is
answered 503 with Retry-After within 5 s, none hangs; after it is back nothing
answers 500, and every write a client retried is in the log once.

tests/faults/test_database_away.py proves the same of the app in-process, with
timings per kind of request; these run the production processes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest

from tests.support.processes import wait_for
from tests.support.reliability import (
    compare,
    ido_figure,
    moment,
    question,
    stored_marks,
)
from tests.support.retrying_client import Attempt, Ledger, RetryingClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

WITHIN = 5.0  # seconds: the bound for a 503 while the database is away
# A request already inside a statement when the server froze waits for the
# statement limit (BIEB_DB_TIMEOUT_SECONDS, 5) and the client's grace (1 s),
# and may then try a new connection (3 s; events/store/engine.py): 9 s was
# seen under load. Past this it would be hanging.
HANG = 5.0 + 1.0 + 3.0 + 1.0
AFTER = 5  # writes acknowledged after it is back before the writer stops


class Writer(threading.Thread):
    """A desk client writing all along, each write retried until acknowledged."""

    def __init__(self, stack, month: str, fault: str, ledger: Ledger) -> None:
        super().__init__()
        self.client = RetryingClient(stack.api.url, stack.staff_token, ledger)
        self.month, self.fault = month, fault
        self.ledger = ledger
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        n = 0
        try:
            while not self.stopping.is_set():
                body = question(self.month, n)
                self.client.post("/ido/questions", body, key=f"{self.fault}-{n}")
                n += 1
        except BaseException as error:  # shown by the main thread
            self.error = error
        finally:
            self.client.close()


def probe(stack, client: RetryingClient, month: str, n: int, key: str):
    """One write (sent once), one read and /healthz: name -> (attempt, response)."""
    body = question(month, n)
    found = {
        "write": client._send("/ido/questions", body, key),
        "read": client.get("/ido/questions", period=month[:4]),
    }
    sent_at = time.monotonic()
    try:
        response = httpx.get(f"{stack.api.url}/healthz", timeout=15)
        status, after = response.status_code, response.headers.get("Retry-After")
    except httpx.TransportError:
        response, status, after = None, None, None
    found["healthz"] = (Attempt(status, time.monotonic() - sent_at, after, sent_at),
                        response)  # fmt: skip
    return body, found


def run_fault(
    stack,
    fault: str,
    month: str,
    away: Callable[[], None],
    back: Callable[[], None],
    rounds: int,
) -> None:
    """`rounds` of probes (a write, a read, /healthz) while away and once back."""
    ledger = Ledger()
    writer = Writer(stack, month, fault, ledger)
    prober = RetryingClient(stack.api.url, stack.staff_token, Ledger())
    writer.start()
    try:
        wait_for(lambda: len(ledger.acknowledged()) >= 5 or writer.error, 60,
                 "writes before the fault")  # fmt: skip
        away()
        answered_away = []
        probed = []  # the probes' writes: retried below, once it is back
        for r in range(rounds):
            key = f"{fault}-probe-{r}"
            body, found = probe(stack, prober, month, 10_000 + r, key)
            probed.append((body, key))
            answered_away += [(name, attempt) for name, (attempt, _) in found.items()]
        back()
        returned = time.monotonic()
        acked = len(ledger.acknowledged())
        wait_for(lambda: len(ledger.acknowledged()) >= acked + AFTER or writer.error,
                 60, "writes after the database is back")  # fmt: skip
        answered_back = []
        for r in range(rounds):
            key = f"{fault}-probe-back-{r}"
            body, found = probe(stack, prober, month, 20_000 + r, key)
            probed.append((body, key))
            answered_back += [(name, attempt) for name, (attempt, _) in found.items()]
    finally:
        writer.stopping.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    # Each probe's write, sent again with its key until acknowledged: once.
    for body, key in probed:
        writer.ledger.add(prober.post("/ido/questions", body, key))
    prober.close()

    recovered = min(
        (a.sent_at + a.seconds for w in ledger.acknowledged() for a in w.attempts
         if a.status and a.status < 300 and a.sent_at >= returned),
        default=None,
    )  # fmt: skip
    wait_for(stack.caught_up, 60, "the projections to catch up")
    outcome = compare(
        fault,
        [moment(w.body) for w in ledger.acknowledged()],
        stored_marks(stack.engine, "IdoQuestionLogged", month),
    )
    outcome.seconds_to_recover = (
        None if recovered is None else round(recovered - returned, 2)
    )
    away_seconds = [a.seconds for _, a in answered_away]
    writer_attempts = [a for w in ledger.writes for a in w.attempts]
    outcome.details = {
        "statuses_while_away": sorted({str(a.status) for _, a in answered_away}),
        "slowest_503_seconds": round(max(away_seconds), 2),
        # The writer's: one may have been inside a statement when it went away.
        "slowest_request_seconds": round(max(a.seconds for a in writer_attempts), 2),
        "statuses_after_return": sorted(
            {str(a.status) for _, a in answered_back}
            | {str(a.status) for a in writer_attempts if a.sent_at >= returned}
        ),
        "statuses": ledger.statuses(),
        "writes_retried": sum(1 for w in ledger.writes if len(w.attempts) > 1),
        "figure": ido_figure(stack.engine, month),
    }
    outcome.save()

    for name, attempt in answered_away:
        assert attempt.status == 503, (name, attempt)
        assert attempt.retry_after == "5", (name, attempt)
        assert attempt.seconds < WITHIN, (name, attempt)
    # Once it is back, the first request already succeeds (the pool's pre-ping
    # replaces connections the outage broke): no 503, let alone a 500.
    for name, attempt in answered_back:
        assert attempt.status is not None and attempt.status < 300, (name, attempt)
    for attempt in writer_attempts:
        if attempt.sent_at >= returned:
            assert attempt.status is not None and attempt.status < 300, attempt
    for attempt in writer_attempts:
        assert attempt.seconds < HANG, attempt
    assert "500" not in ledger.statuses()
    assert ledger.statuses().get("503", 0) >= 1  # the writer met the outage too
    assert (outcome.duplicates, outcome.lost) == (0, 0)
    assert outcome.stored == outcome.acknowledged == len(ledger.writes)
    assert ido_figure(stack.engine, month) == outcome.acknowledged


def test_postgres_stopped(stack):
    run_fault(stack, "postgres-stopped", "2025-05", stack.postgres.stop,
              stack.postgres.start, rounds=3)  # fmt: skip


def test_postgres_frozen(stack):
    # One round: a frozen server makes each request wait out its timeouts.
    run_fault(stack, "postgres-frozen", "2025-06", stack.postgres.freeze,
              stack.postgres.thaw, rounds=1)  # fmt: skip


def test_postgres_restarted_while_idle(stack):
    """Restarted between two requests: the pooled connections it broke are
    replaced before use (pre-ping), so the first requests already succeed."""
    fault, month = "postgres-restarted-idle", "2025-07"
    ledger = Ledger()
    client = RetryingClient(stack.api.url, stack.staff_token, ledger)
    for n in range(6):  # both workers take some, and keep their connections
        client.post("/ido/questions", question(month, n), key=f"{fault}-{n}")
    stack.postgres.stop()
    stack.postgres.start()
    returned = time.monotonic()
    answered = []
    for r in range(2):
        key = f"{fault}-probe-{r}"
        body, found = probe(stack, client, month, 100 + r, key)
        answered += [(name, attempt) for name, (attempt, _) in found.items()]
        client.post("/ido/questions", body, key)  # sent again: kept once
    wait_for(stack.caught_up, 60, "the projections to catch up")
    outcome = compare(
        fault,
        [moment(w.body) for w in ledger.acknowledged()],
        stored_marks(stack.engine, "IdoQuestionLogged", month),
    )
    firsts = [a for _, a in answered]
    outcome.seconds_to_recover = round(firsts[0].sent_at + firsts[0].seconds
                                       - returned, 2)  # fmt: skip
    outcome.details = {"statuses_after_return": [str(a.status) for a in firsts]}
    outcome.save()
    client.close()
    for name, attempt in answered:
        assert attempt.status is not None and attempt.status < 300, (name, attempt)
    assert (outcome.duplicates, outcome.lost) == (0, 0)
    assert outcome.stored == outcome.acknowledged == 8
