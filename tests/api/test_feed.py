"""The event feed for integrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events import Metadata, NewEvent

QUESTION = {"themes": ["digid"], "help_kind": "information"}
LOAN = {"month": "2025-03", "audience": "youth", "collection": "fiction", "loans": 9}


def record_some(api, count):
    """Write `count` events through the API, of two kinds."""
    for i in range(count):
        if i % 2:
            api.post("/ido/questions", QUESTION)
        else:
            api.post("/loans", {**LOAN, "loans": i})


def elsewhere(app, count):
    """Events of another municipality, appended straight to the store."""
    store = app.extensions["store"]
    for i in range(count):
        event = NewEvent(
            type="LoanFiguresRecorded",
            data={**LOAN, "municipality": "zandvoort", "branch": "zandvoort"},
            occurred_at=datetime(2025, 3, 1, tzinfo=UTC),
            metadata=Metadata(actor="admin:test"),
        )
        store.append(f"loans-zandvoort-{i}", [event])


def read_everything(api, as_, limit):
    """Page through the feed from the start; every page and the events."""
    pages, after = [], 0
    while True:
        page = api.get("/events", as_=as_, after=after, limit=limit).json
        pages.append(page)
        if not page["events"]:
            assert page["next_after"] == after
            return pages, [e for p in pages for e in p["events"]]
        assert page["next_after"] == page["events"][-1]["position"]
        after = page["next_after"]


def test_an_event_with_its_metadata(api, app):
    response = api.post("/loans", LOAN, as_="staff")
    [stored] = app.extensions["store"].read_all()
    body = api.get("/events", as_="viewer").json
    assert body["head"] == body["next_after"] == stored.position
    [event] = body["events"]
    assert event == {
        "position": stored.position,
        "event_id": str(stored.event_id),
        "stream_id": "loans-heemstede-2025-03",
        "stream_version": 1,
        "type": "LoanFiguresRecorded",
        "version": 1,
        "data": stored.data,
        "occurred_at": "2025-02-28T23:00:00+00:00",
        "recorded_at": stored.recorded_at.isoformat(),
        "metadata": {
            "actor": stored.metadata.actor,
            "device": None,
            "request_id": response.headers["X-Request-ID"],
            "correlation_id": response.headers["X-Request-ID"],
            "causation_id": None,
            "source": "backdated",
        },
    }


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_paging_gives_every_event_exactly_once(api, app, limit):
    record_some(api, 23)
    pages, events = read_everything(api, "admin", limit)
    log = app.extensions["store"].read_all(limit=1000)
    assert [e["position"] for e in events] == [e.position for e in log]
    assert [e["event_id"] for e in events] == [str(e.event_id) for e in log]
    assert all(len(p["events"]) <= limit for p in pages)
    assert pages[-1]["head"] == log[-1].position


def test_an_empty_log(api):
    body = api.get("/events", after=0).json
    assert body == {"events": [], "next_after": 0, "head": 0}


def test_reading_after_the_head_stays_there(api):
    record_some(api, 3)
    body = api.get("/events", after=50).json
    assert (body["events"], body["next_after"]) == ([], 50)


def test_a_bound_reader_sees_only_its_municipality_yet_pages_past_the_rest(api, app):
    record_some(api, 4)
    elsewhere(app, 5)
    record_some(api, 3)
    log = app.extensions["store"].read_all(limit=1000)
    ours = [e.position for e in log if e.data["municipality"] == "heemstede"]
    for role in ("viewer", "staff"):
        _, events = read_everything(api, role, limit=2)
        assert [e["position"] for e in events] == ours
    first = api.get("/events", as_="viewer", after=ours[3], limit=2).json
    assert [e["position"] for e in first["events"]] == ours[4:6]
    _, everything = read_everything(api, "admin", limit=3)
    assert len(everything) == len(log) == 12


def test_a_page_of_only_other_events_still_moves_on(api, app, monkeypatch):
    import app.api.feed as feed

    monkeypatch.setattr(feed, "SCAN_BATCH", 2)
    monkeypatch.setattr(feed, "MAX_BATCHES", 2)
    elsewhere(app, 6)
    record_some(api, 1)
    body = api.get("/events", as_="viewer", limit=10).json
    assert (body["events"], body["next_after"], body["head"]) == ([], 4, 7)
    body = api.get("/events", as_="viewer", after=4, limit=10).json
    assert [e["position"] for e in body["events"]] == [7]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"after": -1}, "after"),
        ({"after": "start"}, "after"),
    ],
)
def test_bad_paging_is_named(api, query, field):
    response = api.get("/events", **query)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == [field]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403), (None, 401)],
)
def test_who_may_read_the_feed(api, role, status):
    assert api.get("/events", as_=role).status_code == status
