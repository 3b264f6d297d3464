"""SQLite specifics: immutability by triggers, and the append.

Gap safety needs nothing more here: SQLite has one writer at a time (writers
BEGIN IMMEDIATE), so positions are handed out and committed in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, func, insert, select

from events.base import NewEvent
from events.store.engine import writing
from events.store.tables import events

CREATE = [
    """
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE on events refused'); END
    """,
    """
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are immutable: DELETE on events refused'); END
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS events_no_delete",
    "DROP TRIGGER IF EXISTS events_no_update",
]


def insert_events(
    engine: Engine,
    stream_id: str,
    new_events: Sequence[NewEvent],
    expected_version: int | None,
    recorded_at: datetime,
) -> list[tuple[int, int]]:
    """Append under the write lock.

    Returns (position, version) per event, or [] when the expected version misses.
    """
    with writing(engine) as conn, conn.begin():
        current = conn.execute(
            select(func.coalesce(func.max(events.c.stream_version), 0)).where(
                events.c.stream_id == stream_id
            )
        ).scalar_one()
        if expected_version is not None and current != expected_version:
            return []
        rows = [
            {
                "event_id": e.event_id,
                "stream_id": stream_id,
                "stream_version": current + i,
                "event_type": e.type,
                "schema_version": e.version,
                "payload": e.data,
                "metadata": e.metadata.to_dict(),
                "occurred_at": e.occurred_at,
                "recorded_at": recorded_at,
            }
            for i, e in enumerate(new_events, start=1)
        ]
        stmt = insert(events).returning(
            events.c.position, events.c.stream_version, sort_by_parameter_order=True
        )
        return [(row[0], row[1]) for row in conn.execute(stmt, rows)]
