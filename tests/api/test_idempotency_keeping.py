"""A keyed write whose answer cannot be kept: still a 2xx, and a retry adds nothing.

The answer is kept after the event committed. If the database fails at that
moment, the client is told what happened (the write landed), not a 500 that
reads as "maybe not"; its retry finds the same event by the key's derived ids.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from app import idempotency

QUESTION = {
    "themes": ["digid"],
    "help_kind": "hands_on",
    "occurred_at": "2025-03-14T10:00:00+01:00",
}


def test_a_write_whose_answer_is_not_kept_is_answered_and_retried_once(
    api, monkeypatch, caplog
):
    def database_gone(_row):
        raise OperationalError("INSERT INTO idempotency_keys", {}, Exception("gone"))

    monkeypatch.setattr(idempotency, "_keep", database_gone)
    api.app.config["PROPAGATE_EXCEPTIONS"] = False  # answered as in production
    with caplog.at_level(logging.WARNING):
        first = api.post("/ido/questions", QUESTION, key="keep-fails")
    assert first.status_code == 201, first.get_data(as_text=True)
    assert "not kept" in caplog.text
    monkeypatch.undo()

    retry = api.post("/ido/questions", QUESTION, key="keep-fails")
    assert retry.status_code == 201
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert len(api.get("/ido/questions", period="2025-H1").get_json()) == 1
    # Kept now: a third copy is a replay of the record.
    third = api.post("/ido/questions", QUESTION, key="keep-fails")
    assert third.headers.get("Idempotent-Replayed") == "true"
    assert third.get_json()["id"] == first.get_json()["id"]
