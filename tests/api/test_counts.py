"""Loan figures, membership counts and service hours, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

LOAN = {
    "month": "2025-03",
    "audience": "youth",
    "collection": "picture_books",
    "loans": 1250,
}
MEMBERS = {"counted_on": "2025-01-01", "audience": "youth", "members": 4100}
HOURS = {"week": "2025-W27", "staffed_hours": 38.5, "self_service_hours": 56}
NEXT_MONTH = (date.today().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
NEXT_WEEK = "{}-W{:02d}".format(*(date.today() + timedelta(days=7)).isocalendar()[:2])


def events_of(app, type_name):
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type == type_name]


WRITES = [
    ("/loans", LOAN, "LoanFiguresRecorded"),
    ("/memberships", MEMBERS, "MembershipCountRecorded"),
    ("/service-hours", HOURS, "ServiceHoursRecorded"),
]


class TestLoans:
    def test_a_figure_is_recorded_at_the_start_of_its_month(self, api, app):
        response = api.post("/loans", LOAN)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "LoanFiguresRecorded")
        assert event.data == {
            **LOAN,
            "branch": "heemstede",
            "municipality": "heemstede",
        }
        assert event.metadata.source == "backdated"
        assert event.stream_id == "loans-heemstede-2025-03"
        # Midnight on 1 March in Amsterdam (UTC+1).
        assert event.occurred_at == datetime(2025, 2, 28, 23, 0, tzinfo=UTC)
        assert response.json["positions"] == [event.position]

    def test_recording_again_corrects_the_figure(self, api, app):
        api.post("/loans", LOAN)
        api.post("/loans", {**LOAN, "loans": 1300})
        api.post("/loans", {**LOAN, "audience": "adult", "loans": 2000})
        body = api.get("/loans", period="2025-03").json
        assert [(f["audience"], f["loans"]) for f in body["figures"]] == [
            ("adult", 2000),
            ("youth", 1300),
        ]
        assert body["totals"] == {"youth": 1300, "adult": 2000, "all": 3300}
        assert len(events_of(app, "LoanFiguresRecorded")) == 3  # nothing replaced

    def test_a_period_names_the_months_without_figures(self, api):
        for month in ["2025-01", "2025-02", "2025-03", "2025-04", "2025-06", "2025-07"]:
            api.post("/loans", {**LOAN, "month": month, "loans": 100})
        api.post("/loans", {**LOAN, "month": "2025-06", "audience": "adult"})
        body = api.get("/loans", as_="viewer", period="2025-H1").json
        assert body["missing"] == [{"branch": "heemstede", "month": "2025-05"}]
        assert body["totals"] == {"youth": 500, "adult": 1250, "all": 1750}
        assert len(body["figures"]) == 6

    def test_months_not_ended_or_outside_the_agreement_are_not_missing(self, api):
        this_month = date.today().strftime("%Y-%m")
        assert api.get("/loans", period=this_month).json["missing"] == []
        assert api.get("/loans", period="2023").json["missing"] == []
        assert len(api.get("/loans", period="2024").json["missing"]) == 12

    def test_a_branch_outside_reach_or_a_bad_period_is_named(self, api):
        response = api.get("/loans", period="2025-H1", branch="atlantis")
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "branch"
        for period in ("2025-H7", "0001"):
            response = api.get("/loans", period=period)
            assert response.json["errors"][0]["field"] == "period"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"month": "2025-3"}, "month"),
            ({"month": "2025-13"}, "month"),
            ({"month": "maart"}, "month"),
            ({"month": "2023-12"}, "month"),
            ({"month": "2031-01"}, "month"),
            ({"month": NEXT_MONTH}, "month"),
            ({"audience": "children"}, "audience"),
            ({"collection": "Fiction!"}, "collection"),
            ({"collection": ""}, "collection"),
            ({"loans": -1}, "loans"),
            ({"loans": 1_000_001}, "loans"),
            ({"loans": "12"}, "loans"),
            ({"loans": 12.5}, "loans"),
            ({"loans": None}, "loans"),
            ({"branch": "atlantis"}, "branch"),
            ({"occurred_at": "2025-03-01T10:00:00+01:00"}, "occurred_at"),
            ({"surname": "Jansen"}, "surname"),
        ],
    )
    def test_is_refused_naming_the_field(self, api, app, change, field):
        response = api.post("/loans", {**LOAN, **change})
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "LoanFiguresRecorded") == []

    def test_a_collection_code_holding_a_bsn_is_refused(self, api, app):
        response = api.post("/loans", {**LOAN, "collection": "x111222333"})
        assert response.status_code == 422
        assert response.json["type"] == "/problems/personal-data"
        assert response.json["errors"][0]["field"] == "collection"
        assert events_of(app, "LoanFiguresRecorded") == []


class TestMemberships:
    def test_a_count_is_recorded_on_its_day(self, api, app):
        response = api.post("/memberships", MEMBERS)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "MembershipCountRecorded")
        assert event.data == {
            **MEMBERS,
            "branch": "heemstede",
            "municipality": "heemstede",
        }
        assert event.metadata.source == "backdated"
        assert event.stream_id == "members-heemstede-youth"
        assert event.occurred_at == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)

    def test_the_start_and_end_of_a_period(self, api):
        for day, members in [
            ("2024-11-30", 3900),
            ("2025-01-01", 4100),  # on the first day: the start
            ("2025-03-31", 4200),
            ("2025-06-30", 4300),
            ("2025-06-30", 4350),  # a correction of the same day
            ("2025-07-01", 9999),  # after the period
        ]:
            api.post("/memberships", {**MEMBERS, "counted_on": day, "members": members})
        api.post("/memberships", {**MEMBERS, "audience": "adult", "members": 8000})
        body = api.get("/memberships", as_="viewer", period="2025-H1").json
        youth, adult = body["counts"]
        assert youth == {
            "branch": "heemstede",
            "audience": "youth",
            "start": {"counted_on": "2025-01-01", "members": 4100},
            "end": {"counted_on": "2025-06-30", "members": 4350},
            "change": 250,
        }
        assert (
            adult["start"]
            == adult["end"]
            == {
                "counted_on": "2025-01-01",
                "members": 8000,
            }
        )
        earlier = api.get("/memberships", period="2024-H2").json["counts"][0]
        assert earlier["start"] is None
        assert earlier["end"] == {"counted_on": "2024-11-30", "members": 3900}
        assert earlier["change"] is None

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"counted_on": "2025-13-01"}, "counted_on"),
            ({"counted_on": "gisteren"}, "counted_on"),
            ({"counted_on": "2023-12-31"}, "counted_on"),
            ({"counted_on": TOMORROW}, "counted_on"),
            ({"audience": "seniors"}, "audience"),
            ({"members": -1}, "members"),
            ({"members": "4100"}, "members"),
            ({"members": 1_000_001}, "members"),
            ({"members": None}, "members"),
        ],
    )
    def test_is_refused_naming_the_field(self, api, app, change, field):
        response = api.post("/memberships", {**MEMBERS, **change})
        assert response.status_code == 422, response.json
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "MembershipCountRecorded") == []


class TestServiceHours:
    def test_a_week_is_recorded_on_its_thursday(self, api, app):
        response = api.post("/service-hours", HOURS)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "ServiceHoursRecorded")
        assert event.data == {
            **HOURS,
            "branch": "heemstede",
            "municipality": "heemstede",
        }
        assert event.metadata.source == "backdated"
        assert event.stream_id == "hours-heemstede-2025-W27"
        # Thursday 3 July 2025, the day that puts the week in July and in H2.
        assert event.occurred_at == datetime(2025, 7, 2, 22, 0, tzinfo=UTC)

    def test_compliance_per_week_and_the_weeks_without_a_record(self, api):
        # July 2025 holds the weeks whose Thursday is in July: W27 to W31.
        api.post("/service-hours", HOURS)
        api.post("/service-hours", {**HOURS, "week": "2025-W28", "staffed_hours": 30})
        api.post(
            "/service-hours", {**HOURS, "week": "2025-W30", "self_service_hours": 58}
        )
        api.post("/service-hours", {**HOURS, "week": "2025-W30"})  # corrected
        body = api.get("/service-hours", as_="viewer", period="2025-07").json
        assert [(w["week"], w["compliance"], w["complies"]) for w in body["weeks"]] == [
            ("2025-W27", {"staffed": True, "self-service": True}, True),
            ("2025-W28", {"staffed": False, "self-service": True}, False),
            ("2025-W30", {"staffed": True, "self-service": True}, True),
        ]
        assert body["complying_weeks"] == 2
        assert [m["week"] for m in body["missing"]] == ["2025-W29", "2025-W31"]

    def test_a_week_belongs_to_the_period_of_its_thursday(self, api):
        # 2025-W01 runs from Monday 30 December 2024 to Sunday 5 January 2025.
        api.post("/service-hours", {**HOURS, "week": "2025-W01"})
        h1 = api.get("/service-hours", period="2025-H1").json
        h2 = api.get("/service-hours", period="2024-H2").json
        assert [w["week"] for w in h1["weeks"]] == ["2025-W01"]
        assert h2["weeks"] == []
        assert "2025-W01" not in [m["week"] for m in h2["missing"]]
        assert len(h2["missing"]) == 26  # 2024-W27 .. 2024-W52

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"week": "2025-27"}, "week"),
            ({"week": "2025-W53"}, "week"),
            ({"week": "2025-W00"}, "week"),
            ({"week": "2023-W10"}, "week"),
            ({"week": NEXT_WEEK}, "week"),
            ({"staffed_hours": -1}, "staffed_hours"),
            ({"staffed_hours": 169}, "staffed_hours"),
            ({"staffed_hours": "38.5"}, "staffed_hours"),
            ({"staffed_hours": True}, "staffed_hours"),
            ({"self_service_hours": None}, "self_service_hours"),
        ],
    )
    def test_is_refused_naming_the_field(self, api, app, change, field):
        response = api.post("/service-hours", {**HOURS, **change})
        assert response.status_code == 422, response.json
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "ServiceHoursRecorded") == []


@pytest.mark.parametrize(("path", "body", "type_name"), WRITES)
class TestEveryWrite:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
    )
    def test_who_may_write(self, api, app, path, body, type_name, role, status):
        branch = {"branch": "heemstede"} if role == "admin" else {}
        response = api.post(path, {**body, **branch}, as_=role)
        assert response.status_code == status
        assert len(events_of(app, type_name)) == (status == 201)

    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403), (None, 401)],
    )
    def test_who_may_read(self, api, path, body, type_name, role, status):
        assert api.get(path, as_=role, period="2025").status_code == status

    def test_a_missing_field_is_named(self, api, path, body, type_name):
        first = next(iter(body))
        response = api.post(path, {k: v for k, v in body.items() if k != first})
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == [first]

    def test_a_retry_with_the_same_key_writes_once(
        self, api, app, path, body, type_name
    ):
        first = api.post(path, body, key=f"{type_name}-1")
        again = api.post(path, body, key=f"{type_name}-1")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(events_of(app, type_name)) == 1
