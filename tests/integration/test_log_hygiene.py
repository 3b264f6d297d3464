"""The log never carries what a client wrote: a failed write's values stay out.

An error while a write is stored is logged with its statement, but not the
statement's values (the engines hide them): free text the screen has yet to
judge must not leak into a log file by way of a traceback.
"""

from __future__ import annotations

import logging

from sqlalchemy import text

from tests.support.api import ApiClient

FREE_TEXT = "Vertelde over Marijke Verhoeven-Zwart en haar kleinzoon Twan"

REFUSE_ON = {
    "sqlite": [
        # Not RAISE(ABORT): a constraint error reads as a version race.
        "CREATE TRIGGER test_refuse BEFORE INSERT ON events "
        "BEGIN SELECT the_store_refuses_this_append(); END"
    ],
    "postgres": [
        "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the_store_refuses_this_append'; END $$",
        "CREATE TRIGGER test_refuse BEFORE INSERT ON events "
        "FOR EACH ROW EXECUTE FUNCTION test_refuse()",
    ],
}


def test_a_failed_write_is_logged_without_its_free_text(app, backend, caplog):
    api = ApiClient(app)
    with app.extensions["store"].engine.begin() as conn:
        for statement in REFUSE_ON[backend]:
            conn.execute(text(statement))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered as in production
    note = {"goal_code": "4.3", "period": "2025-H1", "text": FREE_TEXT}
    with caplog.at_level(logging.INFO):
        response = api.post("/efforts", note)
    assert response.status_code == 500, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert FREE_TEXT not in response.get_data(as_text=True)
    failures = [r for r in caplog.records if r.exc_info]
    assert failures, "the failure was not logged"
    assert "the_store_refuses_this_append" in caplog.text  # the cause is there
    assert "INSERT INTO events" in caplog.text  # and the statement
    assert FREE_TEXT not in caplog.text
    assert "Marijke" not in caplog.text
