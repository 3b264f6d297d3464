"""Offline sync: a tablet's batch, each item appended once and on its own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.test_activities import events_of, haarlem, plan  # noqa: F401
from tests.api.test_samples import VISITORS, WORKPLACES
from tests.api.test_sessions import CHECK_IN, open_session, state

WHEN = "2025-03-14T10:20:00+01:00"
ITEM_TYPES = ("ParticipantCheckedIn", "VisitorSampleTaken", "WorkplaceOccupancySampled")


def checkin(session_id, **change):
    return {"id": str(uuid.uuid4()), "kind": "checkin", "session_id": session_id,
            "occurred_at": WHEN, **CHECK_IN, **change}  # fmt: skip


def sample(kind, body, **change):
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "occurred_at": WHEN,
        **body,
        **change,
    }


def sync(api, items, as_="tablet", key=None):
    response = api.post("/sync/batch", {"items": items}, as_=as_, key=key)
    assert response.status_code == 200, response.json
    return response.json["results"]


@pytest.fixture
def session_id(api):
    return open_session(api, occurred_at="2025-03-14T10:00:00+01:00")


class TestBatch:
    def test_each_item_is_appended_with_its_own_id_and_moment(
        self, api, app, session_id
    ):
        items = [
            checkin(session_id),
            checkin(session_id, role="parent", age_band="30-64"),
            sample("visitor_sample", VISITORS),
            sample("workplace_sample", WORKPLACES),
        ]
        results = sync(api, items)
        assert [(r["id"], r["status"]) for r in results] == [
            (item["id"], 201) for item in items
        ]
        stored = events_of(app, *ITEM_TYPES)
        assert [str(e.event_id) for e in stored] == [item["id"] for item in items]
        assert [r["position"] for r in results] == [e.position for e in stored]
        assert stored[0].occurred_at == datetime(2025, 3, 14, 9, 20, tzinfo=UTC)
        assert stored[1].data["role"] == "parent"
        assert stored[2].data["people"] == 42
        assert (
            stored[3].stream_id == f"workplace-sample-{uuid.UUID(items[3]['id']).hex}"
        )
        assert state(api, session_id)["checkins"] == 2

    def test_a_batch_resent_after_a_partial_failure_writes_each_good_item_once(
        self, api, app, session_id
    ):
        items = [
            checkin(session_id),
            checkin(session_id, role="mayor"),
            checkin("no-such-session"),
            sample("visitor_sample", VISITORS),
            sample("visitor_sample", VISITORS, people=-3),
        ]
        first = sync(api, items)
        assert [r["status"] for r in first] == [201, 422, 404, 201, 422]
        assert first[1]["errors"][0]["field"] == "role"
        assert first[2]["errors"][0]["field"] == "session_id"
        assert first[4]["errors"][0]["field"] == "people"
        again = sync(api, items)
        assert [r["status"] for r in again] == [200, 422, 404, 200, 422]
        assert [r.get("duplicate") for r in again] == [True, None, None, True, None]
        assert again[0]["position"] == first[0]["position"]
        assert again[3]["position"] == first[3]["position"]
        assert len(events_of(app, *ITEM_TYPES)) == 2
        assert state(api, session_id)["checkins"] == 1

    def test_a_batch_of_1001_is_refused_whole(self, api, app, session_id):
        items = [checkin(session_id) for _ in range(1001)]
        response = api.post("/sync/batch", {"items": items}, as_="tablet")
        assert response.status_code == 422
        assert response.content_type == "application/problem+json"
        assert [e["field"] for e in response.json["errors"]] == ["items"]
        assert events_of(app, *ITEM_TYPES) == []

    def test_another_branchs_session_is_refused_per_item(self, api, app, haarlem):  # noqa: F811
        ours = open_session(api)
        activity_id = plan(api, as_="admin", branch=haarlem)
        body = {"activity_id": activity_id, "branch": haarlem}
        theirs = api.post("/sessions", body, as_="admin").json["id"]
        now = datetime.now(UTC).isoformat()
        items = [checkin(theirs, occurred_at=now), checkin(ours, occurred_at=now)]
        results = sync(api, items)
        assert [r["status"] for r in results] == [404, 201]
        assert [e.data["session_id"] for e in events_of(app, *ITEM_TYPES)] == [ours]

    def test_check_ins_made_before_the_session_closed_are_taken(
        self, api, app, session_id
    ):
        api.post(f"/sessions/{session_id}/close", {"occurred_at": WHEN})
        before = checkin(session_id, occurred_at="2025-03-14T10:19:00+01:00")
        after = checkin(session_id, occurred_at="2025-03-14T10:21:00+01:00")
        results = sync(api, [before, after])
        assert [r["status"] for r in results] == [201, 409]
        assert results[1]["errors"][0]["field"] == "occurred_at"
        assert state(api, session_id)["checkins"] == 1

    def test_an_id_reused_for_other_content_is_409(self, api, app, session_id):
        item = checkin(session_id)
        sync(api, [item])
        results = sync(api, [{**item, "role": "adult"}])
        assert results[0]["status"] == 409
        assert results[0]["errors"][0]["field"] == "id"
        elsewhere = sample("visitor_sample", VISITORS, id=item["id"])
        assert sync(api, [elsewhere])[0]["status"] == 409
        assert len(events_of(app, *ITEM_TYPES)) == 1


class TestBadItems:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"id": "not-a-uuid"}, "id"),
            ({"id": None}, "id"),
            ({"kind": "loan"}, "kind"),
            ({"occurred_at": None}, "occurred_at"),
            ({"occurred_at": "2025-03-14T10:20:00"}, "occurred_at"),
            ({"occurred_at": "2019-03-14T10:20:00+01:00"}, "occurred_at"),
            ({"session_id": None}, "session_id"),
            ({"age_band": "0-99"}, "age_band"),
            ({"age_band": "30-65"}, "age_band"),  # a v1 band: read, never written
            ({"district": "atlantis"}, "district"),
            ({"name": "Jan Jansen"}, "name"),
        ],
    )
    def test_a_bad_item_is_refused_alone(self, api, app, session_id, change, field):
        good = checkin(session_id)
        results = sync(api, [{**checkin(session_id), **change}, good])
        assert results[0]["status"] == 422
        assert field in [e["field"] for e in results[0]["errors"]]
        assert results[1] == {"id": good["id"], "status": 201,
                              "position": results[1]["position"]}  # fmt: skip
        assert len(events_of(app, *ITEM_TYPES)) == 1

    def test_an_item_without_occurred_at_is_refused(self, api, session_id):
        item = {k: v for k, v in checkin(session_id).items() if k != "occurred_at"}
        [result] = sync(api, [item])
        assert (result["status"], result["errors"][0]["field"]) == (422, "occurred_at")

    def test_what_is_not_an_object_is_refused_alone(self, api, app, session_id):
        results = sync(api, ["checkin", 12, checkin(session_id)])
        assert [(r["id"], r["status"]) for r in results[:2]] == [(None, 422)] * 2
        assert results[2]["status"] == 201

    @pytest.mark.parametrize(
        ("body", "field"),
        [({}, "items"), ({"items": []}, "items"), ({"items": "x"}, "items")],
    )
    def test_a_bad_batch_is_refused(self, api, body, field):
        response = api.post("/sync/batch", body, as_="tablet")
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == [field]


class TestRolesAndRetries:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("tablet", 200), ("viewer", 403), (None, 401)],
    )
    def test_who_may_sync(self, api, app, session_id, role, status):
        response = api.post("/sync/batch", {"items": [checkin(session_id)]}, as_=role)
        assert response.status_code == status
        assert len(events_of(app, *ITEM_TYPES)) == (status == 200)

    def test_a_retried_request_gets_the_first_answer(self, api, app, session_id):
        items = [checkin(session_id), sample("visitor_sample", VISITORS)]
        first = api.post("/sync/batch", {"items": items}, as_="tablet", key="b-1")
        again = api.post("/sync/batch", {"items": items}, as_="tablet", key="b-1")
        assert again.json == first.json
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(events_of(app, *ITEM_TYPES)) == 2

    def test_an_item_resent_much_later_is_still_a_duplicate(
        self, api, app, session_id, monkeypatch
    ):
        recent = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        item = sample("visitor_sample", VISITORS, occurred_at=recent)
        first = sync(api, [item])[0]
        [event] = events_of(app, "VisitorSampleTaken")
        assert (first["status"], event.metadata.source) == (201, "live")
        # An hour later the same item would count as back-dated: still the same record.
        monkeypatch.setattr("app.commands.writing.source_of", lambda *_: "backdated")
        again = sync(api, [item])[0]
        assert (again["status"], again["position"]) == (200, first["position"])
        assert len(events_of(app, "VisitorSampleTaken")) == 1

    def test_a_racing_copy_recorded_later_is_replayed_by_the_store(
        self, api, app, session_id, monkeypatch
    ):
        recent = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        item = sample("visitor_sample", VISITORS, occurred_at=recent)
        first = sync(api, [item])[0]
        # A copy recorded later: the store's replay check (same id, same payload)
        # tells it is the same, though it would now count as back-dated.
        monkeypatch.setattr("app.commands.writing.source_of", lambda *_: "backdated")
        again = sync(api, [item])[0]
        assert again == {"id": item["id"], "status": 200, "duplicate": True,
                         "position": first["position"]}  # fmt: skip
        [event] = events_of(app, "VisitorSampleTaken")
        assert (event.metadata.source, "source" in event.data) == ("live", False)
