"""Visitor and workplace samples through the API (goals 3.1 and 5.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.test_activities import events_of

VISITORS = {
    "zone": "plein1",
    "window_start": "2025-03-14T10:00:00+01:00",
    "minutes": 15,
    "people": 42,
    "method": "tally",
}
WORKPLACES = {
    "zone": "study_area",
    "window_start": "2025-03-14T11:00:00+01:00",
    "places": 24,
    "occupied": 18,
}
# Per kind: path, a good body, its event type.
KINDS = {
    "visitors": (VISITORS, "VisitorSampleTaken"),
    "workplaces": (WORKPLACES, "WorkplaceOccupancySampled"),
}


def take(api, kind, as_="staff", **change):
    body, _ = KINDS[kind]
    response = api.post(f"/samples/{kind}", {**body, **change}, as_=as_)
    assert response.status_code == 201, response.json
    return response.json["id"]


class TestVisitors:
    def test_a_visitor_count_is_recorded_at_the_end_of_its_window(self, api, app):
        response = api.post("/samples/visitors", VISITORS, as_="tablet")
        assert response.status_code == 201, response.json
        [event] = events_of(app, "VisitorSampleTaken")
        assert event.stream_id == f"visitor-sample-{response.json['id']}"
        assert event.data == {
            **VISITORS,
            "sample_id": response.json["id"],
            "municipality": "heemstede",
            "branch": "heemstede",
        }
        assert event.metadata.source == "backdated"
        assert event.occurred_at == datetime(2025, 3, 14, 9, 15, tzinfo=UTC)

    def test_listed_by_period(self, api):
        take(api, "visitors")
        take(api, "visitors", window_start="2025-06-30T23:50:00+02:00", people=3)
        h1 = api.get("/samples/visitors", as_="viewer", period="2025-H1").json
        assert [(s["zone"], s["people"], s["minutes"]) for s in h1] == [
            ("plein1", 42, 15)
        ]
        h2 = api.get("/samples/visitors", period="2025-H2").json
        assert [s["people"] for s in h2] == [3]  # its window ended on 1 July

    def test_a_window_still_running_is_refused(self, api, app):
        start = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
        body = {**VISITORS, "window_start": start, "minutes": 60}
        response = api.post("/samples/visitors", body)
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "window_start"
        assert events_of(app, "VisitorSampleTaken") == []


class TestWorkplaces:
    def test_occupancy_is_recorded_and_shown(self, api, app):
        sample_id = take(api, "workplaces", as_="tablet")
        [event] = events_of(app, "WorkplaceOccupancySampled")
        assert (event.data["places"], event.data["occupied"]) == (24, 18)
        assert event.data["sample_id"] == sample_id
        assert event.occurred_at == datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
        [shown] = api.get("/samples/workplaces", period="2025-03").json
        assert (shown["occupied"], shown["places"], shown["occupancy"]) == (
            18,
            24,
            0.75,
        )

    def test_more_occupied_than_places_is_refused(self, api, app):
        response = api.post("/samples/workplaces", {**WORKPLACES, "occupied": 25})
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == ["occupied"]
        assert events_of(app, "WorkplaceOccupancySampled") == []

    def test_occurred_at_given_is_kept(self, api, app):
        take(api, "workplaces", occurred_at="2025-03-14T12:00:00+01:00")
        [event] = events_of(app, "WorkplaceOccupancySampled")
        assert event.occurred_at == datetime(2025, 3, 14, 11, 0, tzinfo=UTC)


class TestBadInput:
    @pytest.mark.parametrize(
        ("kind", "change", "field"),
        [
            ("visitors", {"zone": "garden"}, "zone"),
            ("visitors", {"minutes": 0}, "minutes"),
            ("visitors", {"minutes": 241}, "minutes"),
            ("visitors", {"minutes": "15"}, "minutes"),
            ("visitors", {"people": 2001}, "people"),
            ("visitors", {"people": -1}, "people"),
            ("visitors", {"method": "guess"}, "method"),
            ("visitors", {"window_start": "2025-03-14T10:00:00"}, "window_start"),
            ("visitors", {"window_start": "2023-12-31T10:00:00+01:00"}, "window_start"),
            ("visitors", {"window_start": None}, "window_start"),
            ("visitors", {"counted_by": "Jan"}, "counted_by"),
            ("workplaces", {"places": 0}, "places"),
            ("workplaces", {"places": 501}, "places"),
            ("workplaces", {"occupied": -1}, "occupied"),
            ("workplaces", {"occupied": "all"}, "occupied"),
            (
                "workplaces",
                {"window_start": "2028-01-01T10:00:00+01:00"},
                "window_start",
            ),
            ("workplaces", {"occurred_at": "2019-01-01T10:00:00+01:00"}, "occurred_at"),
            ("workplaces", {"branch": "atlantis"}, "branch"),
        ],
    )
    def test_is_refused_naming_the_field_and_nothing_is_written(
        self, api, app, kind, change, field
    ):
        body, type_name = KINDS[kind]
        response = api.post(f"/samples/{kind}", {**body, **change})
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, type_name) == []

    @pytest.mark.parametrize("kind", KINDS)
    def test_a_missing_field_is_named(self, api, kind):
        body, _ = KINDS[kind]
        without_zone = {k: v for k, v in body.items() if k != "zone"}
        response = api.post(f"/samples/{kind}", without_zone)
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == ["zone"]

    def test_a_bad_period_is_named(self, api):
        response = api.get("/samples/visitors", period="last year")
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "period"


class TestRetraction:
    @pytest.mark.parametrize("kind", KINDS)
    def test_a_retracted_sample_leaves_the_list(self, api, app, kind):
        keep = take(api, kind)
        wrong = take(api, kind)
        response = api.post(f"/samples/{kind}/{wrong}/retract", {"reason": "dubbel"})
        assert response.status_code == 201, response.json
        [event] = events_of(app, "RecordRetracted")
        assert event.stream_id.endswith(wrong)
        listed = api.get(f"/samples/{kind}", period="2025").json
        assert [s["sample_id"] for s in listed] == [keep]
        assert api.post(f"/samples/{kind}/{wrong}/retract").status_code == 409
        assert api.post(f"/samples/{kind}/nope/retract").status_code == 404
        assert len(events_of(app, "RecordRetracted")) == 1

    def test_personal_data_in_the_reason_is_refused(self, api, app):
        sample_id = take(api, "visitors")
        body = {"reason": "BSN 111222333 geteld"}
        response = api.post(f"/samples/visitors/{sample_id}/retract", body)
        assert response.status_code == 422
        assert response.json["type"] == "/problems/personal-data"
        assert response.json["errors"][0]["field"] == "reason"
        assert events_of(app, "RecordRetracted") == []

    def test_a_visitor_sample_is_not_a_workplace_sample(self, api):
        sample_id = take(api, "visitors")
        assert api.post(f"/samples/workplaces/{sample_id}/retract").status_code == 404


class TestRoles:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 201), ("viewer", 403), (None, 401)],
    )
    def test_who_may_take_and_retract(self, api, app, kind, role, status):
        body, type_name = KINDS[kind]
        sample_id = take(api, kind)
        assert api.post(f"/samples/{kind}", body, as_=role).status_code == status
        retract = api.post(f"/samples/{kind}/{sample_id}/retract", as_=role)
        assert retract.status_code == status
        assert len(events_of(app, type_name, "RecordRetracted")) == 1 + 2 * (
            status == 201
        )

    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403), (None, 401)],
    )
    def test_who_may_read(self, api, kind, role, status):
        response = api.get(f"/samples/{kind}", as_=role, period="2025-H1")
        assert response.status_code == status


class TestIdempotency:
    @pytest.mark.parametrize("kind", KINDS)
    def test_a_retried_sample_is_written_once(self, api, app, kind):
        body, type_name = KINDS[kind]
        first = api.post(f"/samples/{kind}", body, as_="tablet", key="s-1")
        again = api.post(f"/samples/{kind}", body, as_="tablet", key="s-1")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert len(events_of(app, type_name)) == 1
