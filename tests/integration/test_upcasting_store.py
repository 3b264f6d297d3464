"""A v1 event stored today reads as v2 after the schema changes."""

from __future__ import annotations

from dataclasses import dataclass

from events import Event, NewEvent
from events.registry import EVENT_TYPES, register, to_domain
from events.store import SqlEventStore
from tests.factories import BASE_TIME, STAFF


@dataclass(frozen=True, kw_only=True)
class SessionClosedV2(Event):
    TYPE = "TestSessionClosed"
    VERSION = 2
    session: str
    headcount: int
    tickets_issued: int


def headcount_v1_to_v2(data):
    """v1 had `count`; v2 splits it into a headcount and tickets (none known)."""
    return {
        "municipality": data["municipality"],
        "branch": data["branch"],
        "session": data["session"],
        "headcount": data["count"],
        "tickets_issued": 0,
    }


def test_a_v1_event_reads_as_v2(engine):
    # Stored as v1, when v1 was the current schema.
    SqlEventStore(engine).append(
        "session-1",
        [
            NewEvent(
                type="TestSessionClosed",
                version=1,
                data={
                    "municipality": "m",
                    "branch": "b",
                    "session": "session-1",
                    "count": 23,
                },
                occurred_at=BASE_TIME,
                metadata=STAFF,
            )
        ],
    )
    # Later the schema moved to v2 and an upcaster was added.
    store = SqlEventStore(
        engine, upcasters={("TestSessionClosed", 1): headcount_v1_to_v2}
    )
    [read] = store.read_stream("session-1")
    assert read.version == 2
    assert read.data == {
        "municipality": "m",
        "branch": "b",
        "session": "session-1",
        "headcount": 23,
        "tickets_issued": 0,
    }
    register(SessionClosedV2)
    try:
        assert to_domain(read) == SessionClosedV2(
            municipality="m",
            branch="b",
            session="session-1",
            headcount=23,
            tickets_issued=0,
        )
    finally:
        EVENT_TYPES.pop("TestSessionClosed")
    # Nothing was rewritten: the stored row is still v1.
    [raw] = SqlEventStore(engine, upcasters={}).read_all()
    assert raw.version == 1
    assert raw.data["count"] == 23
