"""Running a projection: batches of events, rows and checkpoint in one transaction.

A projection folds a batch of events into its read-model rows. The runner reads
the batch after the projection's checkpoint and commits the rows and the new
checkpoint together, so a worker killed at any moment leaves either the whole
batch applied or none of it (DESIGN invariant 5). On PostgreSQL an advisory
lock makes one worker at a time run a projection; SQLite has one writer anyway.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Table, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from events import RecordedEvent
from events.figures.fold import Tables
from events.store import SqlEventStore
from events.store.engine import writing
from events.store.read_models import projection_checkpoints

BATCH = 5_000
# A test hook, unset in production: tests/e2e/test_projection_worker.py names a
# file here to hold a batch inside its transaction and SIGKILL the worker there.
PAUSE_FILE = "BIEB_TEST_BATCH_PAUSE"
PAUSE_LIMIT = 60.0  # seconds: a forgotten file never stops a worker for good


class Projection:
    """Base of the projections: a name, its tables, and `apply` for a batch."""

    name: str
    tables: tuple[Table, ...]

    def apply(
        self, conn: Connection, events: Sequence[RecordedEvent], tables: Tables
    ) -> None:
        """Fold `events` into the rows of `tables` (live or shadow, by name)."""
        raise NotImplementedError

    def live_tables(self) -> dict[str, Table]:
        return {table.name: table for table in self.tables}


def checkpoint(conn: Connection, name: str) -> int:
    query = select(projection_checkpoints.c.position).where(
        projection_checkpoints.c.name == name
    )
    return conn.execute(query).scalar_one_or_none() or 0


def save_checkpoint(conn: Connection, name: str, position: int) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values = {"name": name, "position": position, "updated_at": datetime.now(UTC)}
    stmt = insert(projection_checkpoints).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"],
            set_={"position": position, "updated_at": values["updated_at"]},
        )
    )


def lock_key(name: str) -> int:
    """The advisory-lock key of a projection (the shadow of a rebuild has its own)."""
    return zlib.crc32(f"projection:{name}".encode())


def _locked(conn: Connection, name: str) -> bool:
    """Take the projection's lock for this transaction; False if another has it."""
    if conn.dialect.name != "postgresql":
        return True
    query = text("SELECT pg_try_advisory_xact_lock(:key)")
    return bool(conn.execute(query, {"key": lock_key(name)}).scalar_one())


def run_batch(
    projection: Projection,
    store: SqlEventStore,
    *,
    name: str | None = None,
    tables: Tables | None = None,
    batch: int = BATCH,
) -> int | None:
    """Apply the next batch; the number of events, or None if another worker runs."""
    name = name or projection.name
    tables = tables or projection.live_tables()
    with writing(store.engine) as conn, conn.begin():
        if not _locked(conn, name):
            return None
        after = checkpoint(conn, name)
        events = store.read_all(after=after, limit=batch, metadata=False)
        if events:
            projection.apply(conn, events, tables)
            save_checkpoint(conn, name, events[-1].position)
            _pause_for_test()
        return len(events)


def _pause_for_test() -> None:
    """Test hook: hold a written, uncommitted batch while the pause file exists."""
    if not (gate := os.environ.get(PAUSE_FILE)):
        return
    # "<file>.inside" tells the test the batch is written and not yet committed.
    Path(f"{gate}.inside").touch()
    deadline = time.monotonic() + PAUSE_LIMIT
    while Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def catch_up(projection: Projection, store: SqlEventStore, **options) -> int:
    """Apply batches until the projection is at the head of the log."""
    applied = 0
    while count := run_batch(projection, store, **options):
        applied += count
    return applied
