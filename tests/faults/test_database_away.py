"""The database goes away, comes back, or freezes: 503 with Retry-After, never a
500 and never a hang; and the first requests after it is back succeed.

Each test runs the app on a private PostgreSQL server (tests/support/
private_postgres.py) that it stops, restarts or freezes with SIGSTOP; the shared
server is never touched.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

import migrations
from app import create_app
from app.config import Config
from app.errors import database_unavailable
from tests.conftest import require
from tests.support.api import ApiClient
from tests.support.private_postgres import PrivatePostgres, private_postgres_missing

pytestmark = pytest.mark.slow

QUESTION = {
    "themes": ["digid"],
    "help_kind": "hands_on",
    "channel": "desk",
    "minutes": 5,
    "occurred_at": "2025-03-14T10:15:00+01:00",
}
# A database that is down answers at once; a frozen one within the request's
# limit (5 s by default), a pre-ping (1.5 s) and a connect timeout (3 s).
DOWN_WITHIN = 5.0
FROZEN_WITHIN = 6.0
TEMPLATE = "bieb_migrated"


@pytest.fixture(scope="module")
def server() -> Iterator[PrivatePostgres]:
    require(private_postgres_missing())
    server = PrivatePostgres()
    try:
        server.start()
        migrations.upgrade(server.create_database(TEMPLATE))
        yield server
    finally:
        server.remove()


def make_app(server: PrivatePostgres, tmp_path, **env: str) -> Flask:
    if not server.answers():  # a test before this one left it stopped
        server.thaw()
        server.start()
    name = f"bieb_{uuid.uuid4().hex[:10]}"
    config = Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
            "BIEB_DATABASE_URL": server.create_database(name, TEMPLATE),
            "BIEB_TESTING": "1",
            **env,
        }
    )
    return create_app(config)


@pytest.fixture
def api(server, tmp_path) -> Iterator[ApiClient]:
    app = make_app(server, tmp_path)
    yield ApiClient(app)
    server.thaw()
    app.extensions["store"].engine.dispose()


def requests(api: ApiClient):
    """A write, an authenticated read and /healthz, each as a callable."""
    return {
        "write": lambda: api.post("/ido/questions", QUESTION, as_="staff"),
        "read": lambda: api.get("/events", as_="staff"),
        "healthz": lambda: api.client.get("/healthz"),
    }


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def warm_up(api: ApiClient) -> None:
    """Every kind of request once, so the pool holds connections to lose."""
    for name, call in requests(api).items():
        response = call()
        assert response.status_code < 300, (name, response.status_code)


def assert_unavailable(response, seconds: float, within: float, name: str) -> None:
    assert response.status_code == 503, (name, response.status_code, response.data)
    assert response.headers["Retry-After"] == "5", name
    assert seconds < within, f"{name}: 503 after {seconds:.2f} s"


def test_a_stopped_database_answers_503_at_once(server, api):
    warm_up(api)
    server.stop()
    timings = {}
    for name, call in requests(api).items():
        response, seconds = timed(call)
        timings[name] = round(seconds, 2)
        assert_unavailable(response, seconds, DOWN_WITHIN, name)
        if name == "healthz":
            assert response.json["status"] == "down"
            # The driver's text (host, port, user) stays in the log.
            assert str(server.port) not in response.get_data(as_text=True)
        else:
            assert response.mimetype == "application/problem+json"
            assert response.json["type"] == "/problems/database-unavailable"
    print("stopped: seconds to 503:", timings)


def test_the_first_requests_after_a_restart_succeed(server, api):
    warm_up(api)
    server.stop()
    server.start()
    timings = {}
    for name, call in requests(api).items():
        response, seconds = timed(call)
        timings[name] = round(seconds, 2)
        assert response.status_code < 300, (name, response.status_code, response.data)
    print("restarted: seconds per first request:", timings)


def test_a_frozen_database_answers_503_without_hanging(server, api):
    warm_up(api)
    server.freeze()
    timings = {}
    try:
        for name, call in requests(api).items():
            response, seconds = timed(call)
            timings[name] = round(seconds, 2)
            assert_unavailable(response, seconds, FROZEN_WITHIN, name)
    finally:
        server.thaw()
    print("frozen: seconds to 503:", timings)
    for name, call in requests(api).items():
        response, seconds = timed(call)
        assert response.status_code < 300, (name, response.status_code, response.data)


def test_statements_are_limited_in_requests_only(server, tmp_path):
    """Requests get BIEB_DB_TIMEOUT_SECONDS; workers and commands no limit."""
    app = make_app(server, tmp_path, BIEB_DB_TIMEOUT_SECONDS="1")
    engine = app.extensions["store"].engine
    try:
        with app.test_request_context(), engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            with pytest.raises(OperationalError) as caught:
                conn.execute(text("SELECT pg_sleep(3)"))
        # The server cancelled it (the connection lives on): a 503, not a 500.
        assert isinstance(caught.value.orig, psycopg.errors.QueryCanceled)
        assert database_unavailable(caught.value)
        with app.app_context(), engine.connect() as conn:  # a worker's task
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
            conn.execute(text("SELECT pg_sleep(1.5)"))
    finally:
        engine.dispose()


def test_a_statement_the_frozen_server_never_answers_is_given_up(server, tmp_path):
    """Frozen mid-request, on a connection already checked out: the client's
    own deadline (limit + 1 s) ends the wait, as no server timeout can."""
    app = make_app(server, tmp_path, BIEB_DB_TIMEOUT_SECONDS="1")
    engine = app.extensions["store"].engine
    try:
        with app.test_request_context(), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            server.freeze()
            started = time.monotonic()
            with pytest.raises(OperationalError) as caught:
                conn.execute(text("SELECT 1"))
            seconds = time.monotonic() - started
        assert database_unavailable(caught.value)
        assert caught.value.connection_invalidated
        assert seconds < 2.5, f"gave up after {seconds:.2f} s"
        print(f"frozen mid-request: gave up after {seconds:.2f} s")
    finally:
        server.thaw()
        engine.dispose()
