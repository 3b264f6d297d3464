"""Invariant 3, idempotent: copies of one keyed write racing each other.

A tablet or a proxy may send the same request several times at once. Every copy
must get the first answer (the same record), and the log must hold one record.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

COPIES = 8

WRITES = {
    "ido": (
        "/ido/questions",
        {
            "themes": ["digid"],
            "help_kind": "hands_on",
            "occurred_at": "2025-03-14T10:00:00+01:00",
        },
    ),
    "visitors": (
        "/samples/visitors",
        {
            "zone": "plein1",
            "window_start": "2025-03-14T10:00:00+01:00",
            "minutes": 15,
            "people": 12,
            "method": "tally",
        },
    ),
}


def _race(api, path: str, body: dict, key: str) -> list:
    start = threading.Barrier(COPIES)

    def send(_: int):
        client = api.app.test_client()
        start.wait()
        return client.post(f"/api/v1{path}", json=body,
                           headers=api.headers("staff", key))  # fmt: skip

    with ThreadPoolExecutor(COPIES) as pool:
        return list(pool.map(send, range(COPIES)))


@pytest.mark.parametrize("write", sorted(WRITES))
def test_racing_copies_of_a_keyed_write_all_get_the_first_answer(api, write):
    path, body = WRITES[write]
    answers = _race(api, path, body, key=f"race-{write}")
    assert [a.status_code for a in answers] == [201] * COPIES
    assert len({a.get_json()["id"] for a in answers}) == 1
    assert len(api.get(path, period="2025-H1").get_json()) == 1
