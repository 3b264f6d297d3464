"""Embedded: a write that meets another writer's lock too long is told to retry.

SQLite has one writer at a time. A request waits BIEB_DB_TIMEOUT_SECONDS for
the lock, then is answered 503 with Retry-After, as when PostgreSQL is down:
never a 500, and nothing written.
"""

from __future__ import annotations

import sqlite3

import pytest

from app import create_app
from app.config import Config
from tests.support import databases
from tests.support.api import ApiClient

QUESTION = {
    "themes": ["digid"],
    "help_kind": "hands_on",
    "occurred_at": "2025-03-14T10:00:00+01:00",
}


@pytest.fixture
def locked_app(tmp_path):
    url = databases.sqlite_url(tmp_path)
    config = Config.from_env({
        "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
        "BIEB_DATABASE_URL": url,
        "BIEB_DB_TIMEOUT_SECONDS": "1",
        "BIEB_TESTING": "1",
    })  # fmt: skip
    app = create_app(config)
    yield app, url.removeprefix("sqlite:///")
    app.extensions["store"].engine.dispose()


def test_a_write_blocked_by_another_writer_is_answered_503_retry_after(locked_app):
    app, path = locked_app
    api = ApiClient(app)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, and writing on
    try:
        refused = api.post("/ido/questions", QUESTION, key="locked-1")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert refused.status_code == 503, refused.get_data(as_text=True)
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["type"] == "/problems/database-unavailable"
    assert api.get("/ido/questions", period="2025-H1").get_json() == []
    # The retry, once the lock is gone, lands once.
    assert api.post("/ido/questions", QUESTION, key="locked-1").status_code == 201
    assert len(api.get("/ido/questions", period="2025-H1").get_json()) == 1
