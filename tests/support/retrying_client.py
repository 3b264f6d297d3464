"""A client as a tablet or a desk integration should be: every write keyed, retried.

Each write carries an Idempotency-Key and is sent again with the same key after
a connection error or a 502/503/504, until a 2xx acknowledges it. Every attempt is kept
(status, seconds, Retry-After), so a fault test can say what the client saw:
how many 503s, whether any request hung, whether any answer was a 500.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

# Longer than any answer the register may take: a hang shows up as this.
REQUEST_TIMEOUT = 15.0
# What says "try again": a gateway's or the register's 503. A 500 is a bug,
# and a 4xx a refusal: neither is retried.
RETRIED = {502, 503, 504}
RETRY_PAUSE = 0.1  # seconds between attempts (the tests want it fast, not polite)


@dataclass(frozen=True)
class Attempt:
    status: int | None  # None: no answer (connection refused, reset, timed out)
    seconds: float
    retry_after: str | None
    sent_at: float  # time.monotonic() when it was sent


@dataclass
class Write:
    """One keyed write and everything that happened to it."""

    path: str
    body: Any
    key: str | None  # None: the body names itself (a sync batch's item ids)
    attempts: list[Attempt] = field(default_factory=list)
    answer: Any = None  # the acknowledging 2xx answer's JSON

    @property
    def acknowledged(self) -> bool:
        return self.answer is not None


class Ledger:
    """Every write a test's clients made, from all their threads."""

    def __init__(self) -> None:
        self.writes: list[Write] = []
        self.lock = threading.Lock()

    def add(self, write: Write) -> None:
        with self.lock:
            self.writes.append(write)

    @property
    def attempts(self) -> list[Attempt]:
        with self.lock:
            return [a for w in self.writes for a in w.attempts]

    def acknowledged(self) -> list[Write]:
        with self.lock:
            return [w for w in self.writes if w.acknowledged]

    def statuses(self) -> dict[str, int]:
        """How often each answer was seen ("none": no answer at all)."""
        counts: dict[str, int] = {}
        for attempt in self.attempts:
            name = str(attempt.status or "none")
            counts[name] = counts.get(name, 0) + 1
        return counts


class RetryingClient:
    """Writes over real HTTP with one account's bearer token; one per thread."""

    def __init__(self, base_url: str, token: str, ledger: Ledger) -> None:
        self.http = httpx.Client(
            base_url=f"{base_url}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=REQUEST_TIMEOUT,
        )
        self.ledger = ledger

    def post(
        self, path: str, body: Any, key: str | None, deadline: float = 120
    ) -> Write:
        """Send until acknowledged; an AssertionError if refused or out of time."""
        write = Write(path, body, key)
        self.ledger.add(write)
        give_up = time.monotonic() + deadline
        while True:
            attempt, response = self._send(path, body, key)
            write.attempts.append(attempt)
            if response is not None and response.is_success:
                write.answer = response.json()
                return write
            if response is not None and response.status_code not in RETRIED:
                raise AssertionError(f"{path} answered {response.status_code}: "
                                     f"{response.text}")  # fmt: skip
            if time.monotonic() > give_up:
                raise AssertionError(f"{path} {key}: no 2xx in {deadline} s")
            time.sleep(RETRY_PAUSE)

    def get(self, path: str, **params: Any) -> tuple[Attempt, httpx.Response | None]:
        return self._send(path, None, None, method="GET", params=params)

    def _send(
        self, path: str, body: Any, key: str | None, method: str = "POST", **kw: Any
    ) -> tuple[Attempt, httpx.Response | None]:
        headers = {"Idempotency-Key": key} if key else {}
        sent_at = time.monotonic()
        try:
            response = self.http.request(method, path, json=body, headers=headers, **kw)
        except httpx.TransportError:
            return Attempt(None, time.monotonic() - sent_at, None, sent_at), None
        seconds = time.monotonic() - sent_at
        retry_after = response.headers.get("Retry-After")
        return Attempt(response.status_code, seconds, retry_after, sent_at), response

    def close(self) -> None:
        self.http.close()
