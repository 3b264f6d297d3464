"""The store's contract, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from events import Metadata, NewEvent
from events.store import (
    ANY,
    EventIdConflict,
    PersonalDataFound,
    SqlEventStore,
    WrongExpectedVersion,
    create_store_engine,
)
from tests.factories import make_event, unique
from tests.support import databases


class TestAppendAndRead:
    def test_a_batch_gets_consecutive_versions_and_increasing_positions(self, store):
        stream = unique("session")
        result = store.append(stream, [make_event() for _ in range(3)])
        assert result.stream_version == 3
        assert list(result.positions) == sorted(result.positions)
        assert [e.stream_version for e in store.read_stream(stream)] == [1, 2, 3]

    def test_an_event_reads_back_as_it_was_written(self, store):
        amsterdam = timezone(timedelta(hours=2))
        event = NewEvent(
            type="IdoQuestionLogged",
            data={"themes": ["DigiD", "Toeslagen"], "minutes": 12, "referred": None},
            occurred_at=datetime(2025, 6, 30, 23, 30, tzinfo=amsterdam),
            metadata=Metadata(
                actor="user:7",
                device="desk-2",
                request_id="r-1",
                correlation_id="c-1",
                causation_id="e-0",
            ),
        )
        store.append("ido-1", [event])
        [read] = store.read_all()
        assert read.event_id == event.event_id
        assert read.type == "IdoQuestionLogged"
        assert read.data == event.data
        assert read.metadata == event.metadata
        assert read.occurred_at == event.occurred_at
        assert read.occurred_at.tzinfo is not None
        assert read.recorded_at.tzinfo is not None

    def test_recorded_at_comes_from_the_server_clock(self, engine):
        fixed = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        store = SqlEventStore(engine, clock=lambda: fixed)
        store.append("s", [make_event()])
        assert store.read_all()[0].recorded_at == fixed

    def test_read_all_pages_by_position(self, store):
        for i in range(7):
            store.append(f"s-{i % 3}", [make_event()])
        first = store.read_all(after=0, limit=4)
        rest = store.read_all(after=first[-1].position, limit=100)
        assert len(first) == 4
        assert len(rest) == 3
        assert store.head() == rest[-1].position

    def test_a_lean_read_is_the_same_events_without_who_and_when_recorded(self, store):
        store.append("s-1", [make_event(n=i) for i in range(4)])
        store.append("s-2", [make_event(n=9)])
        full, lean = store.read_all(), store.read_all(metadata=False)
        assert [e.metadata for e in lean] == [None] * 5
        assert [e.recorded_at for e in lean] == [None] * 5
        kept = ("metadata", "recorded_at")
        assert [e._replace(**dict.fromkeys(kept)) for e in full] == lean

    def test_an_empty_store_reads_nothing(self, store):
        assert store.read_all() == []
        assert store.head() == 0
        assert store.read_stream("nothing") == []
        assert store.stream_version("nothing") == 0

    def test_read_stream_after_a_version(self, store):
        store.append("s", [make_event() for _ in range(5)])
        assert [e.stream_version for e in store.read_stream("s", 3)] == [4, 5]


class TestIdempotency:
    def test_a_repeated_append_returns_the_first_positions_and_writes_nothing(
        self, store
    ):
        batch = [make_event(), make_event()]
        first = store.append("s", batch)
        again = store.append("s", batch)
        assert again.replayed and not first.replayed
        assert again.positions == first.positions
        assert len(store.read_all()) == 2

    def test_a_repeat_with_the_old_expected_version_is_still_a_replay(self, store):
        batch = [make_event()]
        first = store.append("s", batch, expected_version=0)
        again = store.append("s", batch, expected_version=0)
        assert again.positions == first.positions
        assert again.replayed

    def test_the_same_event_id_with_other_content_is_refused(self, store):
        event = make_event()
        store.append("s", [event])
        changed = dataclasses.replace(event, data={"other": True})
        with pytest.raises(EventIdConflict):
            store.append("s", [changed])
        with pytest.raises(EventIdConflict):
            store.append("other-stream", [event])
        assert len(store.read_all()) == 1

    def test_a_batch_that_is_partly_old_is_refused_whole(self, store):
        old = make_event()
        store.append("s", [old])
        with pytest.raises(EventIdConflict):
            store.append("s", [old, make_event()])
        assert len(store.read_all()) == 1

    def test_duplicate_ids_within_one_batch_are_refused(self, store):
        event = make_event()
        with pytest.raises(ValueError, match="unique"):
            store.append("s", [event, event])
        assert store.read_all() == []


class TestExpectedVersion:
    def test_a_stale_writer_gets_a_clear_conflict(self, store):
        store.append("s", [make_event()], expected_version=0)
        store.append("s", [make_event()], expected_version=1)
        with pytest.raises(WrongExpectedVersion) as error:
            store.append("s", [make_event()], expected_version=1)
        assert (error.value.expected, error.value.actual) == (1, 2)
        assert "version 2" in str(error.value)
        assert store.stream_version("s") == 2

    def test_expecting_a_version_ahead_of_the_stream_leaves_no_gap(self, store):
        store.append("s", [make_event()])
        with pytest.raises(WrongExpectedVersion):
            store.append("s", [make_event()], expected_version=5)
        assert [e.stream_version for e in store.read_stream("s")] == [1]

    def test_expecting_a_new_stream(self, store):
        store.append("s", [make_event()], expected_version=0)
        with pytest.raises(WrongExpectedVersion):
            store.append("s", [make_event()], expected_version=0)

    def test_any_appends_at_whatever_version(self, store):
        store.append("s", [make_event()], expected_version=ANY)
        result = store.append("s", [make_event()], expected_version=ANY)
        assert result.stream_version == 2


class TestBatchesAreAtomic:
    def test_a_batch_clashing_with_another_stream_writes_nothing(self, store):
        taken = make_event()
        store.append("a", [taken])
        with pytest.raises(EventIdConflict):
            store.append("b", [make_event(), taken, make_event()])
        assert store.read_stream("b") == []
        assert len(store.read_all()) == 1


def test_new_events_refuse_naive_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        NewEvent(
            type="X",
            data={},
            occurred_at=datetime(2025, 1, 1),
            metadata=Metadata(actor="a"),
        )


def test_event_ids_are_uuids_by_default():
    assert isinstance(make_event().event_id, uuid.UUID)


def test_an_append_survives_the_server_dropping_pooled_connections(pg_store):
    """The pool keeps no pre-ping; a dead connection is retried once, safely."""
    pg_store.append("s", [make_event()])
    database = pg_store.engine.url.database
    admin = create_store_engine(databases.database_url("postgres"))
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).scalar_one()
    admin.dispose()
    assert killed >= 1
    result = pg_store.append("s", [make_event()])
    assert result.stream_version == 2
    assert [e.stream_version for e in pg_store.read_stream("s")] == [1, 2]


def test_the_store_itself_refuses_personal_data(store):
    """Invariant 9 holds for every writer, not only the API."""
    with pytest.raises(PersonalDataFound) as refused:
        store.append("s", [make_event(note="bel 06-12345678", ok="niets")])
    assert [(f.field, f.kind) for f in refused.value.findings] == [("note", "phone")]
    assert "06-12345678" not in str(refused.value)
    assert store.read_all() == []
