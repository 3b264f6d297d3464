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

from psycopg.types.json import Jsonb
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
# The text is the same for any batch size, so psycopg prepares it once.
APPEND = """
INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
                    payload, metadata, occurred_at, recorded_at)
SELECT v.event_id, %(stream)s, c.current + v.ord, v.event_type, v.schema_version,
       v.payload, v.metadata, v.occurred_at, %(recorded_at)s
FROM unnest(%(ids)s::uuid[], %(types)s::text[], %(versions)s::int2[],
            %(payloads)s::jsonb[], %(metas)s::jsonb[], %(occurred)s::timestamptz[])
     WITH ORDINALITY AS v(event_id, event_type, schema_version, payload, metadata,
                          occurred_at, ord)
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
    params = {
        "stream": stream_id,
        "recorded_at": recorded_at,
        "ids": [e.event_id for e in new_events],
        "types": [e.type for e in new_events],
        "versions": [e.version for e in new_events],
        "payloads": [Jsonb(e.data) for e in new_events],
        "metas": [Jsonb(e.metadata.to_dict()) for e in new_events],
        "occurred": [e.occurred_at for e in new_events],
        "expected": expected_version,
    }
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        rows = conn.exec_driver_sql(APPEND, params).all()
    return sorted((row[0], row[1]) for row in rows)
