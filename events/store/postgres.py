"""PostgreSQL specifics: immutability and gap-safe positions, enforced by triggers.

Gap safety (DESIGN invariant 4): a sequence hands out positions when a row is
inserted, but transactions commit in any order, so a reader could see position
11 before 10 commits and never go back for it. Appends are therefore serialised
by a transaction-scoped advisory lock taken in a BEFORE INSERT statement trigger:
it fires before the row's position is drawn from the sequence and is held until
commit, so positions become visible in order. Being a trigger, it holds for every
writer, not just this code. The lock is held only for the insert and the commit,
which is what one branch, or a whole library organisation, appends per second
many times over (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import orjson
import psycopg
from psycopg.types.json import set_json_loads
from sqlalchemy import Engine

from events.base import NewEvent

# An arbitrary constant that names the lock: pg_advisory_xact_lock(bigint).
APPEND_LOCK_KEY = 7_351_802_024

SERIALISE_TRIGGER = "events_serialise_appends"

CREATE = [
    """
    CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events are immutable: % on events refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()
    """,
    f"""
    CREATE FUNCTION events_serialise_appends() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock({APPEND_LOCK_KEY});
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER {SERIALISE_TRIGGER} BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_serialise_appends()
    """,
]

DROP = [
    f"DROP TRIGGER IF EXISTS {SERIALISE_TRIGGER} ON events",
    "DROP FUNCTION IF EXISTS events_serialise_appends()",
    "DROP TRIGGER IF EXISTS events_immutable ON events",
    "DROP FUNCTION IF EXISTS events_refuse_change()",
]


# One statement, one round trip, its own transaction (autocommit): the stream's
# current version, the expected-version check and the insert of the whole batch.
# The batch travels as one JSON document (orjson encodes it in C; psycopg would
# escape every element of a jsonb[] array in Python), and the statement text is
# the same for any batch size, so the server plans it once.
APPEND = """
INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
                    payload, metadata, occurred_at, recorded_at)
SELECT v.event_id, %(stream)s, c.current + v.ord, v.type, v.version,
       v.data, v.metadata, v.occurred_at, %(recorded_at)s
FROM jsonb_to_recordset(%(batch)s::jsonb)
     AS v(ord int, event_id uuid, type text, version int2, data jsonb,
          metadata jsonb, occurred_at timestamptz)
CROSS JOIN (SELECT coalesce(max(stream_version), 0) AS current
            FROM events WHERE stream_id = %(stream)s) AS c
WHERE %(expected)s::int IS NULL OR c.current = %(expected)s::int
ORDER BY v.ord
RETURNING position, stream_version
"""


def insert_events(
    engine: Engine,
    stream_id: str,
    new_events: Sequence[NewEvent],
    expected_version: int | None,
    recorded_at: datetime,
) -> list[tuple[int, int]]:
    """Append in one statement; (position, version) per event, [] on a version miss.

    The stream version is read in the statement's snapshot, taken before the
    append lock is granted: a concurrent append to the same stream then clashes
    on the (stream, version) key instead of leaving a gap, and the caller sees an
    IntegrityError.
    """
    batch = orjson.dumps(
        [
            {
                "ord": i,
                "event_id": e.event_id,
                "type": e.type,
                "version": e.version,
                "data": e.data,
                "metadata": e.metadata.to_dict(),
                "occurred_at": e.occurred_at,
            }
            for i, e in enumerate(new_events, start=1)
        ]
    ).decode()
    params = {
        "stream": stream_id,
        "recorded_at": recorded_at,
        "batch": batch,
        "expected": expected_version,
    }
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        rows = conn.exec_driver_sql(APPEND, params).all()
    return sorted((row[0], row[1]) for row in rows)


def configure_connection(dbapi_connection: psycopg.Connection) -> None:
    """Read cheaply: orjson for json/jsonb, times already in UTC.

    Reading the log is mostly decoding: with orjson and a UTC session a read
    costs about half of what it does with the defaults.
    """
    set_json_loads(orjson.loads, dbapi_connection)
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.autocommit = autocommit
