"""Figures as they stood at a log position: the counting replayed in memory.

`as_of` and a report recompiled at its stored position need the figures as they
were, not as they are: the same counting (events.figures.count) is run over the
log up to that position, into the same tables in an in-memory SQLite database,
and read by the same code (events.figures.read).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, MetaData, create_engine, func, select
from sqlalchemy.pool import StaticPool

from events.catalogue import Agreement
from events.corrections import RecordRetracted
from events.figures.count import TABLES, Counter
from events.figures.read import figures_position
from events.store import SqlEventStore
from events.store.tables import events

BATCH = 5_000


def position_at(store: SqlEventStore, moment: datetime) -> int:
    """The last position recorded at or before a moment (0 before the first)."""
    query = select(func.coalesce(func.max(events.c.position), 0)).where(
        events.c.recorded_at <= moment
    )
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


@contextmanager
def figures_as_of(
    store: SqlEventStore, agreement: Agreement, zone: ZoneInfo, position: int | None
) -> Iterator[tuple[Connection, int]]:
    """The live figures and their position, or the figures replayed to `position`."""
    if position is None:
        with store.engine.connect() as conn:
            yield conn, figures_position(conn)
        return
    with figures_at(store, agreement, zone, position) as conn:
        yield conn, position


@contextmanager
def figures_at(
    store: SqlEventStore, agreement: Agreement, zone: ZoneInfo, position: int
) -> Iterator[Connection]:
    """A connection to the agreement's figure tables counted up to `position`."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    shadow = MetaData()
    tables = {t.name: t.to_metadata(shadow) for t in TABLES}
    shadow.create_all(engine)
    counter = Counter(store, zone, [agreement])
    types = sorted(
        {t for by_type in counter.index.values() for t in by_type}
        | {RecordRetracted.TYPE}
    )
    try:
        with engine.begin() as conn:
            after = 0
            while batch := store.read_types(types, after=after, limit=BATCH):
                batch = [e for e in batch if e.position <= position]
                if batch:
                    counter.apply(conn, batch, tables)
                if len(batch) < BATCH:
                    break
                after = batch[-1].position
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
