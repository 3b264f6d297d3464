"""Invariant 1: the database itself refuses to change or remove an event."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.factories import make_event

REFUSED = [
    "UPDATE events SET stream_id = 'tampered'",
    "UPDATE events SET payload = '{}' WHERE position = 1",
    "DELETE FROM events",
    "DELETE FROM events WHERE position = 1",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_database_refuses_changes(store, engine, statement):
    store.append("s", [make_event(), make_event()])
    before = store.read_all()
    with (
        pytest.raises(DBAPIError, match="events are immutable"),
        engine.begin() as conn,
    ):
        conn.execute(text(statement))
    assert store.read_all() == before


def test_postgres_refuses_truncate(pg_store):
    store, engine = pg_store, pg_store.engine
    store.append("s", [make_event()])
    with (
        pytest.raises(DBAPIError, match="events are immutable"),
        engine.begin() as conn,
    ):
        conn.execute(text("TRUNCATE events"))
    assert len(store.read_all()) == 1


def test_even_an_update_that_matches_nothing_is_refused_on_postgres(pg_store):
    with (
        pytest.raises(DBAPIError, match="events are immutable"),
        pg_store.engine.begin() as conn,
    ):
        conn.execute(text("UPDATE events SET stream_id = 'x' WHERE false"))
