"""SqlEventStore: the append-only log on SQLAlchemy Core, for PostgreSQL and SQLite."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from events.base import Metadata, NewEvent, RecordedEvent
from events.privacy import screen
from events.store import postgres, sqlite
from events.store.errors import (
    EventIdConflict,
    PersonalDataFound,
    StreamContended,
    WrongExpectedVersion,
)
from events.store.tables import events
from events.upcasters import UPCASTERS, UpcasterTable, upcast

INSERTERS = {"postgresql": postgres.insert_events, "sqlite": sqlite.insert_events}

# expected_version=ANY appends whatever version the stream is at.
ANY = None
# Concurrent appends to one stream with ANY race for the next version; the
# loser retries this often before giving up.
MAX_VERSION_RACES = 20


@dataclass(frozen=True)
class AppendResult:
    """Where an append put its events; `replayed` if they were there already."""

    stream_id: str
    positions: tuple[int, ...]
    stream_version: int
    replayed: bool = False


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlEventStore:
    """Stores and reads events; never updates or deletes one."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utc_now,
        upcasters: UpcasterTable = UPCASTERS,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.upcasters = upcasters
        self._insert = INSERTERS[engine.dialect.name]

    # -- writing ----------------------------------------------------------------

    def append(
        self,
        stream_id: str,
        new_events: Sequence[NewEvent],
        expected_version: int | None = ANY,
    ) -> AppendResult:
        """Append `new_events` to a stream atomically: all of them or none.

        `expected_version` is the stream's version the writer last saw (0: the
        stream must not exist yet); a mismatch raises WrongExpectedVersion.
        Events whose ids were appended before are not written again: the
        original positions come back with `replayed=True`.
        """
        if not new_events:
            raise ValueError("nothing to append")
        if len({e.event_id for e in new_events}) != len(new_events):
            raise ValueError("event ids must be unique within one append")
        findings = [f for e in new_events for f in screen(e.data)]
        if findings:
            raise PersonalDataFound(findings)
        reconnected = False
        for _attempt in range(MAX_VERSION_RACES):
            try:
                return self._try_append(stream_id, new_events, expected_version)
            except IntegrityError:
                replay = self._replay(stream_id, new_events)
                if replay is not None:
                    return replay
                if expected_version is not ANY:
                    actual = self.stream_version(stream_id)
                    raise WrongExpectedVersion(
                        stream_id, expected_version, actual
                    ) from None
            except DBAPIError as error:
                # A restarted server leaves dead connections in the pool; the
                # append is idempotent, so one retry on a fresh one is safe.
                if not error.connection_invalidated or reconnected:
                    raise
                reconnected = True
        raise StreamContended(stream_id, MAX_VERSION_RACES)

    def _try_append(
        self,
        stream_id: str,
        new_events: Sequence[NewEvent],
        expected_version: int | None,
    ) -> AppendResult:
        placed = self._insert(
            self.engine, stream_id, new_events, expected_version, self.clock()
        )
        if not placed:
            replay = self._replay(stream_id, new_events)
            if replay is not None:
                return replay
            actual = self.stream_version(stream_id)
            raise WrongExpectedVersion(stream_id, expected_version, actual)
        return AppendResult(stream_id, tuple(p for p, _ in placed), placed[-1][1])

    def _replay(
        self, stream_id: str, new_events: Sequence[NewEvent]
    ) -> AppendResult | None:
        """The earlier append's result if these events are in the log already."""
        ids = [e.event_id for e in new_events]
        query = select(
            events.c.event_id,
            events.c.position,
            events.c.stream_id,
            events.c.stream_version,
            events.c.event_type,
            events.c.payload,
        ).where(events.c.event_id.in_(ids))
        with self.engine.connect() as conn:
            found = {row.event_id: row for row in conn.execute(query)}
        if not found:
            return None
        if len(found) != len(ids):
            raise EventIdConflict(
                [str(i) for i in ids if i in found], "part of this batch exists"
            )
        for event in new_events:
            row = found[event.event_id]
            same = (
                row.stream_id == stream_id
                and row.event_type == event.type
                and row.payload == _json_roundtrip(event.data)
            )
            if not same:
                raise EventIdConflict([str(event.event_id)], "different content")
        rows = [found[i] for i in ids]
        return AppendResult(
            stream_id,
            tuple(r.position for r in rows),
            max(r.stream_version for r in rows),
            replayed=True,
        )

    # -- reading ----------------------------------------------------------------

    def read_all(
        self, after: int = 0, limit: int = 1000, *, metadata: bool = True
    ) -> list[RecordedEvent]:
        """Up to `limit` events after position `after`, in position order.

        `metadata=False` leaves out who recorded each event and when it was
        recorded (both None): projections need neither, and a third of the
        decoding is saved.
        """
        if not metadata and self.engine.dialect.name == "postgresql":
            return self._decode_lean(self._lean_rows(after, limit))
        columns = events.c if metadata else [c for c in events.c if c.name not in LEAN]
        query = (
            select(*columns)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return self._decode(rows) if metadata else self._decode_lean(rows)

    def _lean_rows(self, after: int, limit: int) -> list[tuple]:
        """A lean page straight from psycopg's cursor (PostgreSQL).

        The projections' hot path: SQLAlchemy's row objects cost as much again
        as psycopg's own decoding (bench/projections.py), so this one query
        skips them. Types are psycopg's: UUID, dict (orjson), aware UTC times.
        """
        with self.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(LEAN_SQL, (after, limit))
                return cursor.fetchall()
            finally:
                cursor.close()

    def read_stream(
        self,
        stream_id: str,
        after_version: int = 0,
        limit: int | None = None,
        types: Sequence[str] | None = None,
    ) -> list[RecordedEvent]:
        """A stream's events after `after_version` (of some types), in version order."""
        conditions = [
            events.c.stream_id == stream_id,
            events.c.stream_version > after_version,
        ]
        if types is not None:
            conditions.append(events.c.event_type.in_(types))
        query = (
            select(events)
            .where(*conditions)
            .order_by(events.c.stream_version)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return self._decode(conn.execute(query).all())

    def read_types(
        self,
        types: Sequence[str],
        *,
        stream_prefix: str | None = None,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
        after: int = 0,
        limit: int = 10_000,
    ) -> list[RecordedEvent]:
        """Events of some types, optionally of streams with a prefix and [from, to)."""
        conditions = [events.c.event_type.in_(types), events.c.position > after]
        if stream_prefix is not None:
            conditions.append(events.c.stream_id.startswith(stream_prefix))
        if occurred_from is not None:
            conditions.append(events.c.occurred_at >= occurred_from)
        if occurred_to is not None:
            conditions.append(events.c.occurred_at < occurred_to)
        query = (
            select(events).where(*conditions).order_by(events.c.position).limit(limit)
        )
        with self.engine.connect() as conn:
            return self._decode(conn.execute(query).all())

    def stream_version(self, stream_id: str) -> int:
        """The version of a stream's last event; 0 for a stream with none."""
        with self.engine.connect() as conn:
            return _current_version(conn, stream_id)

    def head(self) -> int:
        """The highest position in the log; 0 when it is empty."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.coalesce(func.max(events.c.position), 0))
            ).scalar_one()

    def _decode(self, rows: Sequence[Any]) -> list[RecordedEvent]:
        """Rows in table order to events, upcast to their current versions."""
        upcasters = self.upcasters
        decoded = []
        # Columns in table order: position, event_id, stream_id, stream_version,
        # type, schema version, payload, metadata, occurred_at, recorded_at.
        for pos, eid, stream, sver, kind, version, data, meta, occurred, at in rows:
            if upcasters:
                version, data = upcast(kind, version, data, upcasters)
            meta = Metadata(**meta)
            row = (pos, eid, stream, sver, kind, version, data, meta, occurred, at)
            decoded.append(RecordedEvent(*row))
        return decoded

    def _decode_lean(self, rows: Sequence[Any]) -> list[RecordedEvent]:
        """Rows without metadata and recorded_at to events, upcast."""
        upcasters = self.upcasters
        decoded = []
        for pos, eid, stream, sver, kind, version, data, occurred in rows:
            if upcasters:
                version, data = upcast(kind, version, data, upcasters)
            row = (pos, eid, stream, sver, kind, version, data, None, occurred, None)
            decoded.append(RecordedEvent(*row))
        return decoded


# Columns a lean read leaves out.
LEAN = frozenset({"metadata", "recorded_at"})
LEAN_SQL = (
    "SELECT position, event_id, stream_id, stream_version, event_type,"
    " schema_version, payload, occurred_at FROM events"
    " WHERE position > %s ORDER BY position LIMIT %s"
)


def _current_version(conn, stream_id: str) -> int:
    query = select(func.coalesce(func.max(events.c.stream_version), 0)).where(
        events.c.stream_id == stream_id
    )
    return conn.execute(query).scalar_one()


def _json_roundtrip(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data))
