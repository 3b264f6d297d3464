"""Writing a batch's changes: upserts by primary key, on PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def key_of(table: Table, full: tuple) -> ColumnElement[bool]:
    """The WHERE clause matching a row by its whole primary key."""
    columns = list(table.primary_key.columns)
    return and_(*(c == v for c, v in zip(columns, full, strict=True)))


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, or overwrite the rows with the same primary key."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    stmt = _insert(conn)(table)
    others = {c.name: stmt.excluded[c.name] for c in table.c if c.name not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=others), rows)


def replace(
    conn: Connection, table: Table, changes: Mapping[tuple, dict[str, Any] | None]
) -> None:
    """Upsert the rows kept, delete the rows dropped (None), by whole key."""
    keys = [c.name for c in table.primary_key.columns]
    for full, row in changes.items():
        if row is None:
            conn.execute(delete(table).where(key_of(table, full)))
    kept = [
        {**dict(zip(keys, full, strict=True)), **row}
        for full, row in changes.items()
        if row is not None
    ]
    upsert(conn, table, kept)


def add_to(
    conn: Connection,
    table: Table,
    deltas: Mapping[tuple, tuple[float, int]],
) -> None:
    """Add (value, records) deltas to rows keyed by the table's primary key."""
    if not deltas:
        return
    keys = [column.name for column in table.primary_key.columns]
    rows = [
        {**dict(zip(keys, key, strict=True)), "value": value, "records": records}
        for key, (value, records) in deltas.items()
    ]
    stmt = _insert(conn)(table)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=keys,
            set_={
                "value": table.c.value + stmt.excluded.value,
                "records": table.c.records + stmt.excluded.records,
            },
        ),
        rows,
    )


def _insert(conn: Connection) -> Any:
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
