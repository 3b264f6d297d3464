"""Rebuild a read model from position 0 into shadow tables, then swap them in.

The live tables keep serving (and the live projection keeps running) while the
shadow is filled; the swap catches the shadow up and renames the tables in one
short transaction under the projection's lock (DESIGN invariant 6).
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, Table, delete, text

from events.store import SqlEventStore
from events.store.engine import writing
from events.store.read_models import projection_checkpoints
from workers.projections.base import (
    Projection,
    catch_up,
    checkpoint,
    lock_key,
    save_checkpoint,
)

SUFFIX = "__rebuild"


def shadow_tables(projection: Projection) -> dict[str, Table]:
    """Copies of the projection's tables under other names, by live name."""
    shadow = MetaData()
    return {
        t.name: t.to_metadata(shadow, name=t.name + SUFFIX) for t in projection.tables
    }


def rebuild(projection: Projection, store: SqlEventStore) -> int:
    """Replay the whole log into shadow tables and swap them in; events applied."""
    name = projection.name + SUFFIX
    shadows = shadow_tables(projection)
    with store.engine.begin() as conn:
        for table in shadows.values():
            table.drop(conn, checkfirst=True)
            table.create(conn)
        conn.execute(
            delete(projection_checkpoints).where(projection_checkpoints.c.name == name)
        )
    applied = catch_up(projection, store, name=name, tables=shadows)
    return applied + _swap(projection, store, shadows)


def _swap(
    projection: Projection, store: SqlEventStore, shadows: dict[str, Table]
) -> int:
    name = projection.name + SUFFIX
    with writing(store.engine) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": lock_key(projection.name)},
            )
        position = checkpoint(conn, name)
        late = 0
        while events := store.read_all(after=position, limit=5_000, metadata=False):
            projection.apply(conn, events, shadows)
            position = events[-1].position
            late += len(events)
        for live, shadow in shadows.items():
            _replace(conn, live, shadow.name)
        save_checkpoint(conn, projection.name, position)
        conn.execute(
            delete(projection_checkpoints).where(projection_checkpoints.c.name == name)
        )
    return late


def _replace(conn: Connection, live: str, shadow: str) -> None:
    old = live + "__old"
    conn.execute(text(f'ALTER TABLE "{live}" RENAME TO "{old}"'))
    conn.execute(text(f'ALTER TABLE "{shadow}" RENAME TO "{live}"'))
    conn.execute(text(f'DROP TABLE "{old}"'))
    if conn.dialect.name == "postgresql":
        # Index names outlive a table rename: give the shadow's their live names.
        rows = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": live}
        )
        for (index,) in rows.all():
            if SUFFIX in index:
                renamed = index.replace(SUFFIX, "")
                conn.execute(text(f'ALTER INDEX "{index}" RENAME TO "{renamed}"'))
