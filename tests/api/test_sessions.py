"""Sessions and check-ins through the API: opened, tapped, corrected, closed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from events import Metadata, RecordedEvent
from events.sessions import fold_session
from tests.api.test_activities import PLAN, events_of, haarlem, plan, put  # noqa: F401

CHECK_IN = {"role": "child", "age_band": "4-11", "district": "heemstede-zuid"}
SESSION_TYPES = (
    "SessionOpened",
    "SessionClosed",
    "HeadcountCorrected",
    "ParticipantCheckedIn",
    "RecordRetracted",
)


def open_session(api, as_="staff", **body):
    """Plan an activity and open a session of it; the session's id."""
    activity_id = body.pop("activity_id", None) or plan(api, **body)
    response = api.post("/sessions", {"activity_id": activity_id, **body}, as_=as_)
    assert response.status_code == 201, response.json
    return response.json["id"]


def check_in(api, session_id, as_="tablet", **change):
    response = api.post(f"/sessions/{session_id}/checkins", {**CHECK_IN, **change},
                        as_=as_)  # fmt: skip
    assert response.status_code == 201, response.json
    return response.json["id"]


def state(api, session_id, as_="staff"):
    response = api.get(f"/sessions/{session_id}", as_=as_)
    assert response.status_code == 200, response.json
    return response.json


class TestOpening:
    def test_a_session_takes_the_goals_of_the_current_plan(self, api, app):
        activity_id = plan(api)
        assert put(api, activity_id, {**PLAN, "goal_codes": ["3.2"]}).status_code == 201
        response = api.post("/sessions", {"activity_id": activity_id}, as_="tablet")
        assert response.status_code == 201, response.json
        [event] = events_of(app, "SessionOpened")
        assert event.stream_id == f"session-{response.json['id']}"
        assert event.data["activity_id"] == activity_id
        assert event.data["goal_codes"] == ["3.2"]
        assert event.metadata.device.startswith("tablet:")
        shown = state(api, response.json["id"])
        assert (shown["status"], shown["activity_title"]) == (
            "open",
            "Voorlezen op woensdag",
        )
        assert (shown["checkins"], shown["participants"]) == (0, 0)

    def test_unknown_or_cancelled_activity_is_refused(self, api, app):
        assert api.post("/sessions", {"activity_id": "nope"}).status_code == 404
        activity_id = plan(api)
        api.post(f"/activities/{activity_id}/cancel")
        response = api.post("/sessions", {"activity_id": activity_id})
        assert response.status_code == 409
        assert events_of(app, "SessionOpened") == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "activity_id"),
            ({"activity_id": 12}, "activity_id"),
            ({"activity_id": "x", "occurred_at": "2023-05-01T10:00:00+02:00"},
             "occurred_at"),
            ({"activity_id": "x", "visitor": "Jan"}, "visitor"),
            ({"activity_id": "x", "session_id": ""}, "session_id"),
            ({"activity_id": "x", "session_id": "a b"}, "session_id"),
            ({"activity_id": "x", "session_id": "sessie/1"}, "session_id"),
            ({"activity_id": "x", "session_id": "x" * 65}, "session_id"),
            ({"activity_id": "x", "session_id": 12}, "session_id"),
        ],
    )  # fmt: skip
    def test_bad_input_is_named(self, api, app, body, field):
        response = api.post("/sessions", body)
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "SessionOpened") == []

    def test_a_client_made_session_id_names_the_session(self, api, app):
        activity_id = plan(api)
        sid = uuid.uuid4().hex
        body = {"activity_id": activity_id, "session_id": sid}
        response = api.post("/sessions", body, as_="tablet")
        assert response.status_code == 201, response.json
        assert (response.json["id"], response.json["stream"]) == (sid, f"session-{sid}")
        [event] = events_of(app, "SessionOpened")
        assert (event.stream_id, event.data["session_id"]) == (f"session-{sid}", sid)
        assert state(api, sid)["status"] == "open"

    def test_a_session_id_taken_is_409_naming_it(self, api, app):
        sid = "tablet-3_2025-03-14_1"
        body = {"activity_id": plan(api), "session_id": sid}
        assert api.post("/sessions", body, as_="tablet").status_code == 201
        for again in (body, {**body, "activity_id": plan(api)}):
            response = api.post("/sessions", again, as_="tablet")
            assert response.status_code == 409
            assert response.content_type == "application/problem+json"
            assert response.json["type"] == "/problems/session-id-taken"
            assert "session_id" in response.json["detail"]
        assert len(events_of(app, "SessionOpened")) == 1

    def test_a_keyed_retry_under_a_session_id_gets_the_first_answer(self, api, app):
        body = {"activity_id": plan(api), "session_id": uuid.uuid4().hex}
        first = api.post("/sessions", body, as_="tablet", key="open-offline-1")
        again = api.post("/sessions", body, as_="tablet", key="open-offline-1")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert len(events_of(app, "SessionOpened")) == 1


class TestCheckIns:
    def test_a_check_in_is_a_role_and_an_age_band(self, api, app):
        session_id = open_session(api)
        body = {**CHECK_IN, "new_target_group": "refugee"}
        response = api.post(f"/sessions/{session_id}/checkins", body, as_="tablet")
        assert response.status_code == 201, response.json
        [event] = events_of(app, "ParticipantCheckedIn")
        assert str(event.event_id) == response.json["id"]
        assert event.stream_id == f"session-{session_id}"
        assert event.data == {
            **body,
            "session_id": session_id,
            "municipality": "heemstede",
            "branch": "heemstede",
        }
        assert event.metadata.source == "live"

    def test_check_ins_are_counted_live_and_retractions_leave_them(self, api, app):
        session_id = open_session(api)
        first = check_in(api, session_id)
        check_in(api, session_id, role="parent", age_band="30-64")
        check_in(api, session_id, district=None)
        path = f"/sessions/{session_id}/checkins/{first}/retract"
        assert (
            api.post(path, {"reason": "dubbel getikt"}, as_="tablet").status_code == 201
        )
        [retraction] = events_of(app, "RecordRetracted")
        assert retraction.data["retracted_event_id"] == first
        assert retraction.stream_id == f"session-{session_id}"
        shown = state(api, session_id, as_="viewer")
        assert (shown["checkins"], shown["participants"]) == (2, 2)
        assert shown["by_role"] == {"child": 1, "parent": 1}
        assert shown["by_age_band"] == {"4-11": 1, "30-64": 1}
        assert len(events_of(app, "ParticipantCheckedIn")) == 3  # nothing is deleted

    def test_a_retraction_twice_or_of_nothing_is_refused(self, api):
        session_id = open_session(api)
        checkin_id = check_in(api, session_id)
        path = f"/sessions/{session_id}/checkins/{checkin_id}/retract"
        assert api.post(path).status_code == 201
        assert api.post(path).status_code == 409
        for other in (str(uuid.uuid4()), "not-an-id"):
            path = f"/sessions/{session_id}/checkins/{other}/retract"
            assert api.post(path).status_code == 404
        assert (
            api.post(f"/sessions/nope/checkins/{checkin_id}/retract").status_code == 404
        )

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"role": "mayor"}, "role"),
            ({"role": None}, "role"),
            ({"age_band": "all"}, "age_band"),
            ({"age_band": 7}, "age_band"),
            ({"district": "amsterdam"}, "district"),
            ({"new_target_group": "tourist"}, "new_target_group"),
            ({"name": "Jan Jansen"}, "name"),
            ({"occurred_at": "2023-12-31T10:00:00+01:00"}, "occurred_at"),
            ({"occurred_at": "2030-01-01T10:00:00+01:00"}, "occurred_at"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_written(self, api, app, change, field):
        session_id = open_session(api)
        body = {**CHECK_IN, **change}
        response = api.post(f"/sessions/{session_id}/checkins", body, as_="tablet")
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "ParticipantCheckedIn") == []

    def test_an_unknown_session_is_404(self, api, app):
        response = api.post("/sessions/nope/checkins", CHECK_IN, as_="tablet")
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"

    def test_a_closed_session_takes_only_what_came_before_it_closed(self, api, app):
        session_id = open_session(api)
        api.post(f"/sessions/{session_id}/close", {"headcount": 3})
        late = api.post(f"/sessions/{session_id}/checkins", CHECK_IN, as_="tablet")
        assert late.status_code == 409
        before = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
        check_in(api, session_id, occurred_at=before)
        assert len(events_of(app, "ParticipantCheckedIn")) == 1


class TestClosingAndCounting:
    def test_a_session_closes_with_its_headcount_and_tickets(self, api, app):
        session_id = open_session(api)
        check_in(api, session_id)
        body = {"headcount": 23, "tickets_issued": 25}
        response = api.post(f"/sessions/{session_id}/close", body, as_="tablet")
        assert response.status_code == 201, response.json
        [event] = events_of(app, "SessionClosed")
        assert (event.data["headcount"], event.data["tickets_issued"]) == (23, 25)
        shown = state(api, session_id)
        assert (shown["status"], shown["checkins"], shown["participants"]) == (
            "closed",
            1,
            23,
        )
        assert shown["closed_at"] is not None
        second = api.post(f"/sessions/{session_id}/close", body)
        assert second.status_code == 409
        assert len(events_of(app, "SessionClosed")) == 1

    def test_a_typed_in_headcount_replaces_the_taps(self, api, app):
        session_id = open_session(api)
        for _ in range(3):
            check_in(api, session_id)
        api.post(f"/sessions/{session_id}/close", {"tickets_issued": 30})
        for count in (20, 23):
            body = {"headcount": count, "reason": "geteld in de zaal"}
            response = api.post(f"/sessions/{session_id}/headcount", body)
            assert response.status_code == 201, response.json
        shown = state(api, session_id)
        assert (shown["headcount"], shown["participants"], shown["checkins"]) == (
            23,
            23,
            3,
        )
        assert shown["tickets_issued"] == 30
        assert [e.data["headcount"] for e in events_of(app, "HeadcountCorrected")] == [
            20,
            23,
        ]

    @pytest.mark.parametrize(
        ("path", "body", "field"),
        [
            ("close", {"headcount": -1}, "headcount"),
            ("close", {"headcount": "23"}, "headcount"),
            ("close", {"tickets_issued": 1.5}, "tickets_issued"),
            ("headcount", {}, "headcount"),
            ("headcount", {"headcount": 99999}, "headcount"),
            ("headcount", {"headcount": 3, "reason": "mail a@example.nl"}, "reason"),
        ],
    )
    def test_bad_counts_are_refused(self, api, app, path, body, field):
        session_id = open_session(api)
        response = api.post(f"/sessions/{session_id}/{path}", body)
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "SessionClosed", "HeadcountCorrected") == []

    def test_an_unknown_session_is_404(self, api):
        assert api.post("/sessions/nope/close").status_code == 404
        assert api.post("/sessions/nope/headcount", {"headcount": 2}).status_code == 404
        assert api.get("/sessions/nope").status_code == 404


class TestListing:
    def test_the_sessions_opened_on_a_local_day(self, api):
        activity_id = plan(api, title="Taalsoos")
        for when in (
            "2025-03-14T00:30:00+01:00",  # 13 March in UTC
            "2025-03-14T20:00:00+01:00",
            "2025-03-15T00:00:00+01:00",  # the next day
        ):
            open_session(api, activity_id=activity_id, occurred_at=when)
        listed = api.get("/sessions", as_="tablet", date="2025-03-14").json
        assert [s["opened_at"][:16] for s in listed] == [
            "2025-03-13T23:30",
            "2025-03-14T19:00",
        ]
        assert {s["activity_title"] for s in listed} == {"Taalsoos"}
        assert api.get("/sessions", date="2025-03-16").json == []
        assert api.get("/sessions", date="14-03-2025").status_code == 422

    def test_another_branch_is_out_of_reach(self, api, app, haarlem):  # noqa: F811
        ours = open_session(api)
        activity_id = plan(api, as_="admin", branch=haarlem)
        body = {"activity_id": activity_id, "branch": haarlem}
        theirs = api.post("/sessions", body, as_="admin").json["id"]
        today = datetime.now(UTC).date().isoformat()
        for role in ("tablet", "staff", "viewer"):
            assert api.get(f"/sessions/{theirs}", as_=role).status_code == 404
            listed = api.get("/sessions", as_=role, date=today).json
            assert [s["session_id"] for s in listed] == [ours]
        assert state(api, theirs, as_="admin")["branch"] == haarlem
        response = api.post(f"/sessions/{theirs}/checkins", CHECK_IN, as_="tablet")
        assert response.status_code == 404
        assert (
            api.post(
                "/sessions", {"activity_id": activity_id}, as_="tablet"
            ).status_code
            == 404
        )
        assert api.post(f"/sessions/{theirs}/close", as_="staff").status_code == 404


class TestRoles:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 201), ("viewer", 403), (None, 401)],
    )
    def test_who_may_write(self, api, app, role, status):
        activity_id = plan(api)
        session_id = open_session(api, activity_id=activity_id)
        checkin_id = check_in(api, session_id)
        calls = [
            ("/sessions", {"activity_id": activity_id}),
            (f"/sessions/{session_id}/checkins", CHECK_IN),
            (f"/sessions/{session_id}/checkins/{checkin_id}/retract", {}),
            (f"/sessions/{session_id}/headcount", {"headcount": 4}),
            (f"/sessions/{session_id}/close", {}),
        ]
        for path, body in calls:
            assert api.post(path, body, as_=role).status_code == status, path
        assert len(events_of(app, *SESSION_TYPES)) == 2 + 5 * (status == 201)

    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("tablet", 200), ("viewer", 200), (None, 401)],
    )
    def test_who_may_read(self, api, role, status):
        session_id = open_session(api)
        assert api.get(f"/sessions/{session_id}", as_=role).status_code == status
        assert api.get("/sessions", as_=role, date="2025-03-14").status_code == status


class TestIdempotency:
    def test_a_retried_check_in_is_counted_once(self, api, app):
        session_id = open_session(api)
        path = f"/sessions/{session_id}/checkins"
        first = api.post(path, CHECK_IN, as_="tablet", key="tap-1")
        again = api.post(path, CHECK_IN, as_="tablet", key="tap-1")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert state(api, session_id)["checkins"] == 1

    def test_retried_session_writes_are_written_once(self, api, app):
        activity_id = plan(api)
        opened = [
            api.post("/sessions", {"activity_id": activity_id}, key="open-1").json["id"]
            for _ in range(2)
        ]
        assert opened[0] == opened[1]
        for path, body in [
            ("close", {"headcount": 5}),
            ("headcount", {"headcount": 6}),
        ]:
            for _ in range(2):
                response = api.post(f"/sessions/{opened[0]}/{path}", body, key=path)
                assert response.status_code == 201
        assert len(events_of(app, *SESSION_TYPES)) == 3


def recorded(version, kind, **data):
    when = datetime(2025, 3, 14, 10, version, tzinfo=UTC)
    return RecordedEvent(
        version,
        uuid.uuid4(),
        "session-s",
        version,
        kind,
        1,
        data,
        Metadata("t"),
        when,
        when,
    )


class TestFolding:
    def opened(self):
        return recorded(1, "SessionOpened", session_id="s", activity_id="a",
                        goal_codes=["1.4"], municipality="m", branch="b")  # fmt: skip

    def test_check_ins_less_retractions_and_the_latest_headcount(self):
        tap = recorded(2, "ParticipantCheckedIn", role="adult", age_band="30-64")
        history = [
            self.opened(),
            tap,
            recorded(3, "ParticipantCheckedIn", role="volunteer", age_band="65+"),
            recorded(4, "RecordRetracted", retracted_event_id=str(tap.event_id)),
            recorded(5, "HeadcountCorrected", headcount=12, tickets_issued=None),
            recorded(6, "SessionClosed", headcount=None, tickets_issued=14),
        ]
        session = fold_session(history)
        assert (session.status, session.version, session.goal_codes) == (
            "closed",
            6,
            ["1.4"],
        )
        assert session.by("role") == {"volunteer": 1}
        assert (session.headcount, session.tickets_issued, session.participants) == (
            12,
            14,
            12,
        )
        assert session.closed_at == history[-1].occurred_at

    def test_an_open_session_counts_its_taps(self):
        taps = [recorded(n, "ParticipantCheckedIn", role="child") for n in (2, 3)]
        session = fold_session([self.opened(), *taps])
        assert (session.status, session.participants, session.headcount) == (
            "open",
            2,
            None,
        )

    def test_a_stream_that_was_never_opened_is_none(self):
        assert fold_session([]) is None
        assert fold_session([recorded(1, "ParticipantCheckedIn", role="x")]) is None
