"""IDO questions through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from app.accounts import create_account
from tests.api.test_activities import haarlem  # noqa: F401

QUESTION = {
    "themes": ["digid", "toeslagen"],
    "help_kind": "hands_on",
    "channel": "desk",
    "minutes": 12,
    "occurred_at": "2025-03-14T10:15:00+01:00",
}


def events_of(app, type_name):
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type == type_name]


class TestLogging:
    def test_a_question_is_recorded_with_its_metadata(self, api, app):
        response = api.post("/ido/questions", QUESTION, as_="staff")
        assert response.status_code == 201, response.json
        assert response.json["source"] == "backdated"
        [event] = events_of(app, "IdoQuestionLogged")
        assert event.data["themes"] == ["digid", "toeslagen"]
        assert event.data["branch"] == "heemstede"
        assert event.data["municipality"] == "heemstede"
        assert event.metadata.source == "backdated"
        assert "source" not in event.data
        assert event.occurred_at == datetime(2025, 3, 14, 9, 15, tzinfo=UTC)
        assert event.metadata.actor.startswith("staff:")
        assert event.metadata.request_id == response.headers["X-Request-ID"]
        assert response.json["positions"] == [event.position]

    def test_a_question_logged_now_is_live(self, api, app):
        response = api.post("/ido/questions", {**QUESTION, "occurred_at": None})
        assert response.status_code == 201, response.json
        assert response.json["source"] == "live"

    def test_read_back_one_question(self, api):
        created = api.post("/ido/questions", QUESTION).json
        response = api.get(f"/ido/questions/{created['id']}", as_="viewer")
        assert response.status_code == 200
        assert response.json["themes"] == ["digid", "toeslagen"]
        assert api.get("/ido/questions/nope").status_code == 404


class TestBadInput:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"themes": []}, "themes"),
            ({"themes": ["astrology"]}, "themes.0"),
            ({"themes": "digid"}, "themes"),
            ({"help_kind": None}, "help_kind"),
            ({"minutes": "ten"}, "minutes"),
            ({"minutes": 9999}, "minutes"),
            ({"channel": "pigeon"}, "channel"),
            ({"occurred_at": "2019-05-01T10:00:00+02:00"}, "occurred_at"),
            ({"occurred_at": "2031-05-01T10:00:00+02:00"}, "occurred_at"),
            ({"occurred_at": "2025-05-01T10:00:00"}, "occurred_at"),
            ({"branch": "atlantis"}, "branch"),
            ({"surname": "Jansen"}, "surname"),
        ],
    )
    def test_is_refused_naming_the_field_and_nothing_is_written(
        self, api, app, change, field
    ):
        response = api.post("/ido/questions", {**QUESTION, **change})
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "IdoQuestionLogged") == []

    def test_a_missing_field_is_named(self, api):
        body = {k: v for k, v in QUESTION.items() if k != "help_kind"}
        response = api.post("/ido/questions", body)
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == ["help_kind"]

    @pytest.mark.parametrize(
        ("field", "text", "kind"),
        [
            ("note", "BSN 111222333 gecontroleerd", "bsn"),
            ("note", "mail naar j.jansen@example.nl", "email"),
            ("referred_to", "bel 06-12345678", "phone"),
        ],
    )
    def test_personal_data_is_refused(self, api, app, field, text, kind):
        response = api.post("/ido/questions", {**QUESTION, field: text})
        assert response.status_code == 422
        assert response.json["type"] == "/problems/personal-data"
        assert response.json["errors"] == [
            {"field": field, "in": "json", "detail": f"contains personal data ({kind})"}
        ]
        assert "111222333" not in response.get_data(as_text=True)
        assert events_of(app, "IdoQuestionLogged") == []


class TestRoles:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
    )
    def test_who_may_log_a_question(self, api, app, role, status):
        response = api.post("/ido/questions", QUESTION, as_=role)
        assert response.status_code == status
        assert len(events_of(app, "IdoQuestionLogged")) == (status == 201)

    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403)],
    )
    def test_who_may_read_questions(self, api, role, status):
        response = api.get("/ido/questions", as_=role, period="2025-H1")
        assert response.status_code == status

    def test_a_bad_token_is_401(self, api):
        api.tokens["staff"] = "bieb_not-a-token"
        assert api.post("/ido/questions", QUESTION).status_code == 401


class TestIdempotency:
    def test_a_retry_returns_the_first_answer_and_writes_once(self, api, app):
        first = api.post("/ido/questions", QUESTION, key="desk-1-0001")
        again = api.post("/ido/questions", QUESTION, key="desk-1-0001")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(events_of(app, "IdoQuestionLogged")) == 1

    def test_the_same_key_with_another_body_is_409(self, api, app):
        api.post("/ido/questions", QUESTION, key="desk-1-0002")
        other = api.post(
            "/ido/questions", {**QUESTION, "minutes": 5}, key="desk-1-0002"
        )
        assert other.status_code == 409
        assert other.json["type"] == "/problems/idempotency-key-reused"
        assert len(events_of(app, "IdoQuestionLogged")) == 1

    def test_keys_belong_to_their_account(self, api, app):
        api.post("/ido/questions", QUESTION, key="shared", as_="staff")
        api.post("/ido/questions", QUESTION, key="shared", as_="admin")
        assert len(events_of(app, "IdoQuestionLogged")) == 2

    def test_a_refused_request_can_be_retried_corrected(self, api, app):
        bad = api.post("/ido/questions", {**QUESTION, "minutes": -1}, key="k-3")
        good = api.post("/ido/questions", QUESTION, key="k-3")
        assert (bad.status_code, good.status_code) == (422, 201)


class TestRetraction:
    def test_a_retracted_question_leaves_the_lists(self, api, app):
        keep = api.post("/ido/questions", QUESTION).json["id"]
        wrong = api.post("/ido/questions", QUESTION).json["id"]
        response = api.post(f"/ido/questions/{wrong}/retract", {"reason": "dubbel"})
        assert response.status_code == 201, response.json
        listed = api.get("/ido/questions", period="2025-H1").json
        assert [q["question_id"] for q in listed] == [keep]
        assert len(events_of(app, "IdoQuestionLogged")) == 2  # nothing is deleted

    def test_twice_or_unknown_is_refused(self, api):
        question = api.post("/ido/questions", QUESTION).json["id"]
        assert api.post(f"/ido/questions/{question}/retract").status_code == 201
        assert api.post(f"/ido/questions/{question}/retract").status_code == 409
        assert api.post("/ido/questions/unknown/retract").status_code == 404

    def test_another_municipalitys_question_is_unknown(self, api, app, haarlem):  # noqa: F811
        engine = app.extensions["store"].engine
        api.tokens["haarlem"] = create_account(engine, "h", "staff", haarlem)[1]
        ours = api.post("/ido/questions", QUESTION).json["id"]
        body = {**QUESTION, "branch": haarlem}
        theirs = api.post("/ido/questions", body, as_="admin").json["id"]
        for question, role in [(ours, "haarlem"), (theirs, "staff")]:
            response = api.post(f"/ido/questions/{question}/retract", as_=role)
            assert response.status_code == 404, response.json
            assert api.get(f"/ido/questions/{question}", as_=role).status_code == 404
        assert events_of(app, "RecordRetracted") == []
        listed = api.get("/ido/questions", as_="haarlem", period="2025-H1").json
        assert [q["question_id"] for q in listed] == [theirs]


class TestListAndExport:
    def test_the_list_keeps_to_the_period_in_amsterdam_time(self, api):
        for when in [
            "2025-06-30T23:30:00+02:00",  # H1, though 21:30 UTC... on 30 June
            "2025-07-01T00:15:00+02:00",  # H2, though still 30 June in UTC
            "2024-12-31T23:59:00+01:00",  # the year before
        ]:
            api.post("/ido/questions", {**QUESTION, "occurred_at": when})
        h1 = api.get("/ido/questions", period="2025-H1").json
        h2 = api.get("/ido/questions", period="2025-H2").json
        assert [q["occurred_at"][:10] for q in h1] == ["2025-06-30"]
        assert [q["occurred_at"][:10] for q in h2] == ["2025-06-30"]

    @pytest.mark.parametrize("period", ["2025-H3", "0001", "1899", "2101-H1", "9999"])
    def test_a_bad_period_is_named(self, api, period):
        response = api.get("/ido/questions", period=period)
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "period"

    @pytest.mark.parametrize("path", ["/ido/questions", "/ido/questions.csv"])
    def test_a_branch_out_of_reach_is_named(self, api, haarlem, path):  # noqa: F811
        api.post("/ido/questions", {**QUESTION, "branch": haarlem}, as_="admin")
        for branch in ("atlantis", haarlem):
            response = api.get(path, period="2025-H1", branch=branch)
            assert response.status_code == 422
            detail = "unknown branch, or one out of your reach"
            assert response.json["errors"] == [
                {"field": "branch", "in": "query", "detail": detail}
            ]
        assert api.get(path, period="2025-H1", branch="heemstede").status_code == 200
        theirs = api.get(path, as_="admin", period="2025-H1", branch=haarlem)
        assert theirs.status_code == 200

    def test_csv_export_in_dutch(self, api):
        api.post("/ido/questions", {**QUESTION, "referred_to": "WIJ Heemstede"})
        response = api.get("/ido/questions.csv", as_="viewer", period="2025-H1")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "ido-vragen-2025-H1.csv" in response.headers["Content-Disposition"]
        rows = list(
            csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";")
        )
        assert rows[0][:5] == ["vraag-id", "datum", "tijd", "thema's", "soort hulp"]
        assert rows[1][1:5] == [
            "2025-03-14",
            "10:15",
            "DigiD,Toeslagen",
            "Hulp bij uitvoeren",
        ]
        assert "WIJ Heemstede" in rows[1]


def test_the_future_is_refused(api):
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    response = api.post("/ido/questions", {**QUESTION, "occurred_at": later})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "occurred_at"
