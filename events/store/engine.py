"""Engines for the event store: the same URL forms for the app, workers and tests.

Every engine pings a pooled connection before handing it out (`pool_pre_ping`),
so the first request after a database restart gets a fresh connection instead
of a dead one. On PostgreSQL a connection attempt gives up after
CONNECT_TIMEOUT seconds and TCP keepalives notice a vanished host.

A process that must never wait long on the database (the web app) passes
`limit`: a function giving, at each moment, how many seconds a statement may
take, or None for no limit. The web app limits request handling only, so the
workers, reports, projection rebuilds and migrations it also builds keep
running long statements (app/__init__.py). A limit is enforced twice: by the
server (`statement_timeout`, which cancels the statement cleanly) and by the
client, which stops waiting for a server that does not answer at all (frozen,
or cut off) and closes the connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.errors import _WaitTimeout
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from events.store import postgres

# Seconds a new PostgreSQL connection may take (the URL's connect_timeout wins).
CONNECT_TIMEOUT = 3
# libpq's TCP settings: probe an idle connection after 10 s, every 5 s, give
# up after 3 misses; unacknowledged data is abandoned after 10 s.
TCP_SETTINGS = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}

# Seconds a limited connection waits for the answer to the pool's pre-ping,
# and beyond the limit for the answer to a statement.
PING_TIMEOUT = 1.5
GRACE = 1.0

Limit = Callable[[], float | None]


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names (or none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def create_store_engine(
    url: str, *, limit: Limit | None = None, **kwargs: Any
) -> Engine:
    """An engine with the settings the store relies on for its backend.

    `limit`: see the module's doc (on SQLite: how long a statement waits for
    another writer's lock).
    """
    url = normalise_url(url)
    kwargs.setdefault("pool_pre_ping", True)
    # A failed statement's error names its SQL, never its values: they may be
    # free text a screen has yet to judge, and errors end up in the log.
    kwargs.setdefault("hide_parameters", True)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, limit, **kwargs)
    connect_args = kwargs.setdefault("connect_args", {})
    query = make_url(url).query
    if "connect_timeout" not in query:
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT)
    for name, value in TCP_SETTINGS.items():
        if name not in query:
            connect_args.setdefault(name, value)
    engine = create_engine(url, **kwargs)
    event.listen(
        engine, "connect", lambda dbapi, _record: postgres.configure_connection(dbapi)
    )
    if limit is not None:
        _limit_statements(engine, limit)
    return engine


class LimitedConnection(psycopg.Connection):
    """A psycopg connection that stops waiting for the server after `limit()`."""

    limit: Limit = staticmethod(lambda: None)  # type: ignore[assignment]
    pinging = False

    def wait(self, gen, interval=0.1, timeout=None):  # type: ignore[override]
        seconds = self.limit()
        if seconds is not None:
            # The server cancels a slow statement at `seconds`, cleanly; the
            # client gives up a little later, on a server that cannot.
            seconds = PING_TIMEOUT if self.pinging else seconds + GRACE
        if seconds is not None and (timeout is None or timeout > seconds):
            timeout = seconds
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except _WaitTimeout:
            # Mid-conversation: the connection cannot be used again. Closed, it
            # reads as a disconnect to SQLAlchemy, which drops the pool.
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {seconds:g} s"
            ) from None


def _limit_statements(engine: Engine, limit: Limit) -> None:
    """Enforce `limit` on the server (statement_timeout) and in the client."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        connection = LimitedConnection.connect(*cargs, **cparams)
        connection.limit = limit  # type: ignore[method-assign]
        return connection

    ping = engine.dialect.do_ping

    def _ping(dbapi_connection) -> bool:
        # A live server answers a ping at once: a frozen one is given up on
        # sooner than a statement would be.
        dbapi_connection.pinging = True
        try:
            return ping(dbapi_connection)
        finally:
            dbapi_connection.pinging = False

    engine.dialect.do_ping = _ping  # type: ignore[method-assign]

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, _proxy) -> None:
        # The server's limit follows the caller's; set only when it changes,
        # so a process that always asks the same pays one SET per connection
        # (none for no limit, the server's default).
        seconds = limit()
        wanted = 0 if seconds is None else max(1, round(seconds * 1000))
        if record.info.get("statement_timeout", 0) == wanted:
            return
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute(
                "SELECT set_config('statement_timeout', %s, false)", (f"{wanted}",)
            )
        finally:
            dbapi_connection.autocommit = autocommit
        record.info["statement_timeout"] = wanted


# Milliseconds an SQLite statement waits for another writer's lock, unlimited.
SQLITE_BUSY_MS = 30_000


def _sqlite_engine(url: str, limit: Limit | None, **kwargs: Any) -> Engine:
    kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    engine = create_engine(url, **kwargs)

    if limit is not None:

        @event.listens_for(engine, "checkout")
        def _busy_limit(dbapi_connection, record, _proxy) -> None:
            # A limited caller waits `limit()` for another writer's lock, then
            # gets "database is locked" (answered 503 by the web app).
            seconds = limit()
            wanted = SQLITE_BUSY_MS if seconds is None else round(seconds * 1000)
            if record.info.get("busy_timeout", SQLITE_BUSY_MS) != wanted:
                dbapi_connection.execute(f"PRAGMA busy_timeout={int(wanted)}")
                record.info["busy_timeout"] = wanted

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        # pysqlite's own transaction handling defers BEGIN; take it over so a
        # writer can BEGIN IMMEDIATE and never deadlock on a lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def writing(engine: Engine):
    """A connection whose transactions write: SQLite takes its write lock up front."""
    return engine.connect().execution_options(sqlite_begin="IMMEDIATE")
