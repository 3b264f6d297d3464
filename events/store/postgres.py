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
