"""Activities through the API: planned, changed, cancelled, listed by period."""

from __future__ import annotations

import dataclasses

import pytest

from events.catalogue.parts import Branch, Municipality

PLAN = {
    "title": "Voorlezen op woensdag",
    "kind": "reading_aloud",
    "goal_codes": ["1.2", "4.2"],
    "target_group": "children",
    "age_band": "4-11",
    "starts_at": "2025-03-14T14:00:00+01:00",
    "ends_at": "2025-03-14T15:00:00+01:00",
    "partners": ["Basisschool De Evenaar"],
    "room": "Leeszaal",
    "series_id": "voorlezen-2025",
    "description": "Prentenboeken voor groep 1-4.",
}
ACTIVITY_TYPES = ("ActivityPlanned", "ActivityChanged", "ActivityCancelled")


def events_of(app, *type_names):
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type in type_names]


def plan(api, as_="staff", **change):
    """Plan an activity; its id."""
    response = api.post("/activities", {**PLAN, **change}, as_=as_)
    assert response.status_code == 201, response.json
    return response.json["id"]


def put(api, activity_id, body, as_="staff", key=None):
    return api.client.put(
        f"/api/v1/activities/{activity_id}", json=body, headers=api.headers(as_, key)
    )


@pytest.fixture
def haarlem(app):
    """A second municipality with its own branch, out of heemstede's reach."""
    agreements = app.extensions["agreements"]
    other = dataclasses.replace(
        agreements["heemstede"][0],
        name="haarlem-test",
        municipality=Municipality("haarlem", "Haarlem"),
        branches=(Branch("haarlem", "Bibliotheek Haarlem"),),
    )
    agreements["haarlem"] = [other]
    return "haarlem"


class TestPlanning:
    def test_a_plan_is_recorded_whole(self, api, app):
        response = api.post("/activities", PLAN)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "ActivityPlanned")
        assert event.stream_id == f"activity-{response.json['id']}"
        assert event.data == {
            **PLAN,
            "activity_id": response.json["id"],
            "municipality": "heemstede",
            "branch": "heemstede",
        }
        assert event.metadata.source == "live"
        assert event.metadata.actor.startswith("staff:")

    def test_read_back_with_status_and_version(self, api):
        activity_id = plan(api)
        response = api.get(f"/activities/{activity_id}", as_="viewer")
        assert response.status_code == 200
        assert response.json["title"] == "Voorlezen op woensdag"
        assert response.json["goal_codes"] == ["1.2", "4.2"]
        assert (response.json["status"], response.json["version"]) == ("planned", 1)
        assert api.get("/activities/nope").status_code == 404

    def test_goal_codes_are_kept_once(self, api, app):
        plan(api, goal_codes=["3.2", "3.2", "1.2"])
        [event] = events_of(app, "ActivityPlanned")
        assert event.data["goal_codes"] == ["3.2", "1.2"]

    def test_only_title_to_ends_at_are_needed(self, api, app):
        required = ("title", "kind", "goal_codes", "target_group", "age_band")
        body = {k: PLAN[k] for k in (*required, "starts_at", "ends_at")}
        assert api.post("/activities", body).status_code == 201
        [event] = events_of(app, "ActivityPlanned")
        assert (event.data["partners"], event.data["room"]) == ([], None)


class TestBadInput:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": None}, "title"),
            ({"kind": "party"}, "kind"),
            ({"goal_codes": []}, "goal_codes"),
            ({"goal_codes": "1.2"}, "goal_codes"),
            ({"goal_codes": ["1.2", "9.9"]}, "goal_codes"),
            ({"target_group": "pets"}, "target_group"),
            ({"age_band": "5-7"}, "age_band"),
            ({"age_band": "4-12"}, "age_band"),  # the overlapping v1 bands
            ({"age_band": "12-18"}, "age_band"),
            ({"starts_at": "2025-03-14T14:00:00"}, "starts_at"),
            ({"starts_at": "tomorrow"}, "starts_at"),
            ({"ends_at": "2025-03-14T13:00:00+01:00"}, "ends_at"),
            ({"starts_at": "2023-12-31T14:00:00+01:00"}, "starts_at"),
            ({"ends_at": "2028-01-01T10:00:00+01:00"}, "ends_at"),
            ({"partners": "De Evenaar"}, "partners"),
            ({"partners": [12]}, "partners.0"),
            ({"room": 12}, "room"),
            ({"occurred_at": "2031-01-01T10:00:00+01:00"}, "occurred_at"),
            ({"branch": "atlantis"}, "branch"),
            ({"organiser_name": "Jan Jansen"}, "organiser_name"),
        ],
    )
    def test_is_refused_naming_the_field_and_nothing_is_written(
        self, api, app, change, field
    ):
        response = api.post("/activities", {**PLAN, **change})
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, *ACTIVITY_TYPES) == []

    @pytest.mark.parametrize(
        ("change", "field", "kind"),
        [
            ({"description": "mail j.jansen@example.nl"}, "description", "email"),
            ({"title": "Intake BSN 111222333"}, "title", "bsn"),
            ({"partners": ["Bel 06-12345678"]}, "partners[0]", "phone"),
        ],
    )
    def test_personal_data_is_refused(self, api, app, change, field, kind):
        response = api.post("/activities", {**PLAN, **change})
        assert response.status_code == 422
        assert response.json["type"] == "/problems/personal-data"
        assert response.json["errors"] == [
            {"field": field, "in": "json", "detail": f"contains personal data ({kind})"}
        ]
        assert events_of(app, *ACTIVITY_TYPES) == []


class TestChanging:
    def test_the_whole_plan_is_replaced(self, api, app):
        activity_id = plan(api)
        changed = {**PLAN, "title": "Voorlezen (verplaatst)", "room": None}
        response = put(api, activity_id, {**changed, "expected_version": 1})
        assert response.status_code == 201, response.json
        [event] = events_of(app, "ActivityChanged")
        assert event.data["title"] == "Voorlezen (verplaatst)"
        assert event.data["room"] is None
        shown = api.get(f"/activities/{activity_id}").json
        assert (shown["title"], shown["room"], shown["version"]) == (
            "Voorlezen (verplaatst)",
            None,
            2,
        )

    def test_a_stale_version_is_409_and_writes_nothing(self, api, app):
        activity_id = plan(api)
        assert put(api, activity_id, PLAN).status_code == 201
        response = put(api, activity_id, {**PLAN, "expected_version": 1})
        assert response.status_code == 409
        assert response.json["type"] == "/problems/version-conflict"
        assert len(events_of(app, "ActivityChanged")) == 1

    @pytest.mark.parametrize(
        ("change", "field"),
        [({"kind": "party"}, "kind"), ({"expected_version": "1"}, "expected_version")],
    )
    def test_bad_input_is_refused(self, api, app, change, field):
        activity_id = plan(api)
        response = put(api, activity_id, {**PLAN, **change})
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "ActivityChanged") == []

    def test_unknown_or_cancelled_is_refused(self, api, app):
        assert put(api, "nope", PLAN).status_code == 404
        activity_id = plan(api)
        api.post(f"/activities/{activity_id}/cancel")
        response = put(api, activity_id, PLAN)
        assert response.status_code == 409
        assert response.json["type"] == "/problems/cancelled"
        assert events_of(app, "ActivityChanged") == []


class TestCancelling:
    def test_a_cancelled_activity_says_so(self, api, app):
        activity_id = plan(api)
        response = api.post(f"/activities/{activity_id}/cancel", {"reason": "ziek"})
        assert response.status_code == 201, response.json
        [event] = events_of(app, "ActivityCancelled")
        assert (event.data["activity_id"], event.data["reason"]) == (
            activity_id,
            "ziek",
        )
        shown = api.get(f"/activities/{activity_id}").json
        assert (shown["status"], shown["version"], shown["title"]) == (
            "cancelled",
            2,
            PLAN["title"],
        )

    def test_twice_or_unknown_is_refused(self, api, app):
        activity_id = plan(api)
        assert api.post(f"/activities/{activity_id}/cancel").status_code == 201
        assert api.post(f"/activities/{activity_id}/cancel").status_code == 409
        assert api.post("/activities/nope/cancel").status_code == 404
        assert len(events_of(app, "ActivityCancelled")) == 1

    def test_personal_data_in_the_reason_is_refused(self, api, app):
        activity_id = plan(api)
        body = {"reason": "bel 06-12345678"}
        response = api.post(f"/activities/{activity_id}/cancel", body)
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "reason"
        assert events_of(app, "ActivityCancelled") == []


class TestListing:
    def test_activities_starting_in_the_period_in_amsterdam_time(self, api):
        for title, starts, ends in [
            ("juni", "2025-06-30T23:30:00+02:00", "2025-07-01T00:30:00+02:00"),
            ("juli", "2025-07-01T00:15:00+02:00", "2025-07-01T01:00:00+02:00"),
            ("maart", "2025-03-01T10:00:00+01:00", "2025-03-01T11:00:00+01:00"),
        ]:
            plan(api, title=title, starts_at=starts, ends_at=ends)
        h1 = api.get("/activities", as_="viewer", period="2025-H1").json
        h2 = api.get("/activities", as_="viewer", period="2025-H2").json
        assert [a["title"] for a in h1] == ["maart", "juni"]
        assert [a["title"] for a in h2] == ["juli"]

    def test_the_current_plan_and_status_are_listed(self, api):
        moved = plan(api)
        put(api, moved, {**PLAN, "starts_at": "2025-08-01T10:00:00+02:00",
                         "ends_at": "2025-08-01T11:00:00+02:00"})  # fmt: skip
        cancelled = plan(api, title="Afgelast")
        api.post(f"/activities/{cancelled}/cancel")
        listed = api.get("/activities", period="2025-H1").json
        assert [(a["title"], a["status"]) for a in listed] == [
            ("Afgelast", "cancelled")
        ]
        assert [
            a["activity_id"] for a in api.get("/activities", period="2025").json
        ] == [
            cancelled,
            moved,
        ]

    def test_a_bad_period_is_named(self, api):
        response = api.get("/activities", period="2025-H3")
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "period"

    def test_another_municipality_is_out_of_reach(self, api, haarlem):
        ours = plan(api)
        theirs = plan(api, as_="admin", branch=haarlem)
        for role in ("staff", "viewer", "tablet"):
            listed = api.get("/activities", as_=role, period="2025").json
            assert [a["activity_id"] for a in listed] == [ours]
            assert api.get(f"/activities/{theirs}", as_=role).status_code == 404
            # Named in a query, a branch out of reach is refused, not left empty.
            other = api.get("/activities", as_=role, period="2025", branch=haarlem)
            assert other.status_code == 422
            assert other.json["errors"][0]["field"] == "branch"
        assert len(api.get("/activities", as_="admin", period="2025").json) == 2
        assert put(api, theirs, PLAN).status_code == 404
        assert api.post(f"/activities/{theirs}/cancel").status_code == 404

    def test_a_change_keeps_the_branch(self, api, app, haarlem):
        theirs = plan(api, as_="admin", branch=haarlem)
        response = put(api, theirs, {**PLAN, "branch": "heemstede"}, as_="admin")
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "branch"


class TestRoles:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
    )
    def test_who_may_plan_change_and_cancel(self, api, app, role, status):
        activity_id = plan(api)
        assert api.post("/activities", PLAN, as_=role).status_code == status
        assert put(api, activity_id, PLAN, as_=role).status_code == status
        assert api.post(f"/activities/{activity_id}/cancel", as_=role).status_code == (
            status
        )
        written = 1 + 3 * (status == 201)
        assert len(events_of(app, *ACTIVITY_TYPES)) == written

    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 200), (None, 401)],
    )
    def test_who_may_read(self, api, role, status):
        activity_id = plan(api)
        assert api.get(f"/activities/{activity_id}", as_=role).status_code == status
        assert api.get("/activities", as_=role, period="2025").status_code == status


class TestIdempotency:
    def test_a_retried_plan_is_written_once(self, api, app):
        first = api.post("/activities", PLAN, key="plan-1")
        again = api.post("/activities", PLAN, key="plan-1")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert len(events_of(app, "ActivityPlanned")) == 1

    def test_a_retried_change_and_cancel_are_written_once(self, api, app):
        activity_id = plan(api)
        for _ in range(2):
            assert put(api, activity_id, PLAN, key="change-1").status_code == 201
            cancel = api.post(f"/activities/{activity_id}/cancel", key="cancel-1")
            assert cancel.status_code == 201
        assert len(events_of(app, "ActivityChanged", "ActivityCancelled")) == 2
