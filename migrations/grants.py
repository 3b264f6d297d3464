"""The runtime role's privileges on PostgreSQL, granted after every migration.

Two roles (README "Database roles"): the OWNER runs the migrations and owns the
log; the RUNTIME role (API, workers, scheduler: `BIEB_DATABASE_URL`) may do what
the code does and no more. On the log that is INSERT and SELECT, so the running
app cannot change, delete or truncate an event, disable the immutability trigger
or drop the table: only the owner could.

The projections' tables are the exception. A rebuild fills shadow tables and
swaps them in by renaming and dropping (workers/projections/rebuild.py), which
takes a table's ownership and CREATE on the schema; so the runtime role owns
these tables. They hold nothing the log does not: whatever the runtime does to
them, a rebuild from the log puts right (DESIGN invariant 6).

`grant_runtime` is idempotent and sets every table to what is stated here: it
runs after every `bieb db upgrade`, so a new migration's table is covered once
it is named below (until then the runtime role gets nothing on it, and the
upgrade says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from events.figures.count import TABLES
from events.store.engine import create_store_engine

APPEND = ("SELECT", "INSERT")
KEEP = ("SELECT", "INSERT", "UPDATE")
ALL_ROWS = ("SELECT", "INSERT", "UPDATE", "DELETE")

# Table -> what the runtime does to its rows (nothing is ever truncated).
RUNTIME_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "events": APPEND,  # the log: appended and read, never changed
    "accounts": KEEP,  # revoking sets revoked_at; rotating a token; a password
    "account_changes": APPEND,  # who changed which account: kept, never edited
    "pairing_codes": KEEP,  # a used code gets used_at
    "page_sessions": KEEP,  # ended_at
    "idempotency_keys": APPEND,
    "projection_checkpoints": ALL_ROWS,  # a rebuild deletes its shadow's
    "task_failures": APPEND,
    "reports": APPEND,  # a report is stored once; a replacement is a new one
    "report_deliveries": KEEP,  # claimed, sent, failed
    "apscheduler_jobs": ALL_ROWS,  # APScheduler's job store, once it exists
}
# Rebuilt by a shadow-table swap: owned by the runtime role.
RUNTIME_OWNED: tuple[str, ...] = tuple(table.name for table in TABLES)


class GrantsError(Exception):
    """The roles are set up so that the runtime role cannot be limited."""


@dataclass
class Granted:
    """What `grant_runtime` did, for the command to report."""

    runtime: str
    owned: list[str] = field(default_factory=list)
    granted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    no_access: list[str] = field(default_factory=list)


def runtime_role(owner_url: str, runtime_url: str) -> str | None:
    """The runtime role to grant to, or None when one role does everything."""
    owner, runtime = make_url(owner_url), make_url(runtime_url)
    if runtime.get_backend_name() != "postgresql" or owner.username == runtime.username:
        return None
    if owner.database != runtime.database:
        raise GrantsError(
            f"the owner's database {owner.database!r} is not the runtime's "
            f"{runtime.database!r}"
        )
    if runtime.username is None:
        raise GrantsError("name the runtime role in BIEB_DATABASE_URL")
    return runtime.username


def grant_runtime(owner_url: str, runtime_url: str) -> Granted | None:
    """Give the runtime role exactly its privileges; None with a single role."""
    role = runtime_role(owner_url, runtime_url)
    if role is None:
        return None
    engine = create_store_engine(owner_url)
    try:
        with engine.begin() as conn:  # one transaction: no moment without grants
            return _grant(conn, role)
    finally:
        engine.dispose()


def _grant(conn: Connection, role: str) -> Granted:
    _check_roles(conn, role)
    quote = conn.dialect.identifier_preparer.quote_identifier
    schema = quote(str(_one(conn, "SELECT current_schema()")))
    _do(conn, f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {quote(role)}")
    done = Granted(runtime=role)
    for table, owner in _tables(conn):
        if _rebuilt(table):
            _do(conn, f"ALTER TABLE {quote(table)} OWNER TO {quote(role)}")
            done.owned.append(table)
            continue
        _grant_table(conn, role, table, taken_back=owner == role)
        if privileges := RUNTIME_PRIVILEGES.get(table):
            done.granted[table] = privileges
        else:
            done.no_access.append(table)
    _take_back_functions(conn, role)
    return done


def _grant_table(conn: Connection, role: str, table: str, taken_back: bool) -> None:
    """Exactly the stated privileges on `table` (and its serial's sequence)."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    runtime, name = quote(role), quote(table)
    # The runtime made it: in a single-role past, or APScheduler's job store.
    if taken_back:
        _do(conn, f"ALTER TABLE {name} OWNER TO CURRENT_USER")
    _do(conn, f"REVOKE ALL ON {name} FROM {runtime}")
    privileges = RUNTIME_PRIVILEGES.get(table, ())
    if privileges:
        _do(conn, f"GRANT {', '.join(privileges)} ON {name} TO {runtime}")
    for sequence in _sequences(conn, table):
        _do(conn, f"REVOKE ALL ON SEQUENCE {quote(sequence)} FROM {runtime}")
        if "INSERT" in privileges:  # a serial column draws from it
            _do(conn, f"GRANT USAGE ON SEQUENCE {quote(sequence)} TO {runtime}")


def _rebuilt(table: str) -> bool:
    """A projection's table, or its shadow ("goal_figures__rebuild") in a swap."""
    return table.partition("__")[0] in RUNTIME_OWNED


def _check_roles(conn: Connection, role: str) -> None:
    """The runtime role exists, owns no schema, and the owner may act for it."""
    if _one(conn, "SELECT count(*) FROM pg_roles WHERE rolname = :r", r=role) == 0:
        raise GrantsError(f"no role {role!r}: create it first (README, Database roles)")
    schema_owner = """
        SELECT pg_has_role(:r, nspowner, 'MEMBER') FROM pg_namespace
        WHERE nspname = current_schema()"""
    if _one(conn, schema_owner, r=role):
        raise GrantsError(
            f"{role!r} owns the schema (or the database) and could drop the log: "
            "make the owner role own the database"
        )
    if not _one(conn, "SELECT pg_has_role(CURRENT_USER, :r, 'MEMBER')", r=role):
        raise GrantsError(
            f"the owner role cannot hand tables to {role!r}: GRANT {role} TO the owner"
        )


def _tables(conn: Connection) -> list[tuple[str, str]]:
    query = """
        SELECT tablename, tableowner FROM pg_tables
        WHERE schemaname = current_schema() ORDER BY tablename"""
    return [(row[0], row[1]) for row in conn.execute(text(query))]


def _sequences(conn: Connection, table: str) -> list[str]:
    """The sequences of a table's serial columns."""
    query = """
        SELECT s.relname FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
        JOIN pg_class t ON t.oid = d.refobjid
        WHERE s.relkind = 'S' AND t.relname = :t
          AND t.relnamespace = current_schema()::regnamespace"""
    return [row[0] for row in conn.execute(text(query), {"t": table})]


def _take_back_functions(conn: Connection, role: str) -> None:
    """Functions the runtime role owns (a single-role past) go to the owner.

    The immutability trigger runs a function: its owner could replace it.
    """
    query = """
        SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace
          AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = :r)"""
    for (function,) in conn.execute(text(query), {"r": role}).all():
        _do(conn, f"ALTER FUNCTION {function} OWNER TO CURRENT_USER")


def _do(conn: Connection, statement: str) -> None:
    # DDL with quoted names and no parameters: nothing to bind.
    conn.exec_driver_sql(statement)


def _one(conn: Connection, query: str, **params: object) -> object:
    return conn.execute(text(query), params).scalar_one()
