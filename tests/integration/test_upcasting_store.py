"""A v1 event stored today reads as v2 after the schema changes; no row changes."""

from __future__ import annotations

from dataclasses import dataclass

from events import Event, NewEvent
from events.activities import ParticipantCheckedIn
from events.registry import EVENT_TYPES, register, to_domain
from events.sessions import fold_session
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


def _v1(type_name: str, **data) -> NewEvent:
    base = {"municipality": "heemstede", "branch": "heemstede"}
    return NewEvent(type=type_name, version=1, data={**base, **data},
                    occurred_at=BASE_TIME, metadata=STAFF)  # fmt: skip


def test_v1_age_bands_read_by_their_new_names(engine):
    """Check-ins and plans stored with the overlapping bands keep their people."""
    plan = {"activity_id": "a", "title": "Voorlezen", "kind": "reading_aloud",
            "goal_codes": ["1.2"], "target_group": "children", "age_band": "4-12",
            "starts_at": "2025-03-14T14:00:00+01:00",
            "ends_at": "2025-03-14T15:00:00+01:00"}  # fmt: skip
    SqlEventStore(engine).append("activity-a", [_v1("ActivityPlanned", **plan)])
    opened = _v1("SessionOpened", session_id="s", activity_id="a", goal_codes=["1.2"])
    taps = [_v1("ParticipantCheckedIn", session_id="s", role=role, age_band=band)
            for role, band in [("child", "4-12"), ("child", "12-18"),
                               ("adult", "30-65"), ("adult", "65+")]]  # fmt: skip
    SqlEventStore(engine).append("session-s", [opened, *taps])

    store = SqlEventStore(engine)  # the register's own upcasters
    read = store.read_stream("session-s")
    assert [e.version for e in read] == [1, 2, 2, 2, 2]
    assert [e.data["age_band"] for e in read[1:]] == ["4-11", "12-17", "30-64", "65+"]
    assert to_domain(read[1]) == ParticipantCheckedIn(
        municipality="heemstede", branch="heemstede", session_id="s",
        role="child", age_band="4-11",
    )  # fmt: skip
    assert fold_session(read).by("age_band") == {
        "4-11": 1, "12-17": 1, "30-64": 1, "65+": 1,
    }  # fmt: skip
    [planned] = store.read_stream("activity-a")
    assert (planned.version, to_domain(planned).age_band) == (2, "4-11")
    # The projections' lean read lifts them the same way.
    lean = [e for e in store.read_all(metadata=False) if e.type == taps[0].type]
    assert [e.data["age_band"] for e in lean] == ["4-11", "12-17", "30-64", "65+"]
    # Nothing was rewritten: the stored rows are still v1, with the old names.
    raw = SqlEventStore(engine, upcasters={}).read_stream("session-s")
    assert [(e.version, e.data["age_band"]) for e in raw[1:3]] == [
        (1, "4-12"), (1, "12-18"),
    ]  # fmt: skip
