"""Effort notes and the import of figures from before the register."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

NOTE = {
    "goal_code": "4.3",
    "period": "2025-H1",
    "text": "Podium voor de jeugdcommunity: drie avonden met eigen voorstellingen.",
}
ITEM = {
    "goal_code": "1.1",
    "period": "2024-H1",
    "indicator": "youth-loans",
    "value": 41230,
}
HISTORY = {
    "items": [
        ITEM,
        {**ITEM, "indicator": "youth-members", "value": 4012, "note": "peildatum 30-6"},
        {**ITEM, "goal_code": "2.2", "indicator": "ido-questions", "value": 318},
    ]
}
NEXT_YEAR = str(date.today().year + 1)


def events_of(app, type_name):
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type == type_name]


class TestEffortNotes:
    def test_a_note_is_recorded_for_its_period(self, api, app):
        response = api.post("/efforts", NOTE)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "EffortNoted")
        assert event.data == {
            **NOTE,
            "note_id": response.json["id"],
            "branch": "heemstede",
            "municipality": "heemstede",
        }
        assert event.metadata.source == "backdated"
        assert event.stream_id == f"effort-{response.json['id']}"
        assert event.occurred_at == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)

    def test_a_period_lists_the_notes_of_the_periods_within_it(self, api):
        for goal, period in [
            ("4.3", "2025-H1"),
            ("5.3", "2025-Q1"),
            ("4.3", "2025-03"),
            ("4.3", "2025"),  # wider than H1
            ("4.3", "2025-H2"),
            ("1.2", "2024-H1"),
        ]:
            api.post("/efforts", {**NOTE, "goal_code": goal, "period": period})
        h1 = api.get("/efforts", as_="viewer", period="2025-H1").json
        assert [(n["goal_code"], n["period"]) for n in h1] == [
            ("4.3", "2025-H1"),
            ("5.3", "2025-Q1"),
            ("4.3", "2025-03"),
        ]
        year = api.get("/efforts", period="2025", goal="4.3").json
        assert [n["period"] for n in year] == ["2025-H1", "2025-03", "2025", "2025-H2"]
        assert year[0]["text"] == NOTE["text"]

    def test_a_retracted_note_leaves_the_list(self, api, app):
        keep = api.post("/efforts", NOTE).json["id"]
        wrong = api.post("/efforts", NOTE).json["id"]
        response = api.post(f"/efforts/{wrong}/retract", {"reason": "dubbel"})
        assert response.status_code == 201, response.json
        listed = api.get("/efforts", period="2025-H1").json
        assert [n["note_id"] for n in listed] == [keep]
        assert api.post(f"/efforts/{wrong}/retract").status_code == 409
        assert api.post("/efforts/unknown/retract").status_code == 404
        assert len(events_of(app, "EffortNoted")) == 2  # nothing is deleted

    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
    )
    def test_who_may_retract(self, api, app, role, status):
        note = api.post("/efforts", NOTE).json["id"]
        response = api.post(f"/efforts/{note}/retract", as_=role)
        assert response.status_code == status
        assert len(events_of(app, "RecordRetracted")) == (status == 201)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"goal_code": "9.9"}, "goal_code"),
            ({"goal_code": ""}, "goal_code"),
            ({"goal_code": 4.3}, "goal_code"),
            ({"period": "2025-H3"}, "period"),
            ({"period": "2023-H2"}, "period"),
            ({"period": "2028"}, "period"),
            ({"period": NEXT_YEAR}, "period"),
            ({"text": ""}, "text"),
            ({"text": "   "}, "text"),
            ({"text": "x" * 4001}, "text"),
            ({"text": None}, "text"),
            ({"text": ["a", "b"]}, "text"),
            ({"occurred_at": "2025-03-01T10:00:00+01:00"}, "occurred_at"),
            ({"author": "Jansen"}, "author"),
        ],
    )
    def test_is_refused_naming_the_field(self, api, app, change, field):
        response = api.post("/efforts", {**NOTE, **change})
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]]
        assert events_of(app, "EffortNoted") == []

    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("Afgestemd, mail j.jansen@example.nl voor vragen", "email"),
            ("Gezin met BSN 111222333 bezocht", "bsn"),
            ("Taalcoach bereikbaar op 06-12345678", "phone"),
        ],
    )
    def test_personal_data_is_refused(self, api, app, text, kind):
        response = api.post("/efforts", {**NOTE, "text": text})
        assert response.status_code == 422
        assert response.json["type"] == "/problems/personal-data"
        assert response.json["errors"] == [
            {
                "field": "text",
                "in": "json",
                "detail": f"contains personal data ({kind})",
            }
        ]
        assert events_of(app, "EffortNoted") == []

    def test_the_list_needs_a_good_period(self, api):
        assert api.get("/efforts").status_code == 422
        response = api.get("/efforts", period="H1")
        assert response.json["errors"][0]["field"] == "period"


class TestHistory:
    def test_each_item_becomes_an_imported_figure(self, api, app):
        response = api.post("/history", HISTORY)
        assert response.status_code == 201, response.json
        assert (response.json["imported"], response.json["unchanged"]) == (3, 0)
        events = events_of(app, "HistoricFigureImported")
        assert [e.stream_id for e in events] == [
            "history-heemstede-1.1-2024-H1",
            "history-heemstede-1.1-2024-H1",
            "history-heemstede-2.2-2024-H1",
        ]
        assert events[1].data == {
            **HISTORY["items"][1],
            "municipality": "heemstede",
            "branch": "heemstede",
        }
        assert events[1].metadata.source == "imported"
        assert events[0].data["note"] is None
        assert events[0].occurred_at == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
        assert response.json["positions"] == [e.position for e in events]

    def test_the_list_shows_the_latest_of_each(self, api):
        api.post("/history", HISTORY)
        api.post("/history", {"items": [{**ITEM, "value": 41500}]})
        listed = api.get("/history", as_="viewer", goal="1.1").json
        assert [(f["indicator"], f["value"]) for f in listed] == [
            ("youth-loans", 41500),
            ("youth-members", 4012),
        ]
        assert listed[0]["source"] == "imported"
        assert len(api.get("/history").json) == 3
        assert api.get("/history", period="2024-H2").json == []

    def test_a_retry_writes_nothing_and_a_figure_changed_back_is_written(
        self, api, app
    ):
        api.post("/history", HISTORY)
        again = api.post("/history", HISTORY)
        assert (again.json["imported"], again.json["unchanged"]) == (0, 3)
        api.post("/history", {"items": [{**ITEM, "value": 1}]})
        back = api.post("/history", HISTORY)
        assert (back.json["imported"], back.json["unchanged"]) == (1, 2)
        assert api.get("/history", goal="1.1").json[0]["value"] == ITEM["value"]
        assert len(events_of(app, "HistoricFigureImported")) == 5

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"goal_code": "9.9"}, "goal_code"),
            ({"period": "2024-H3"}, "period"),
            ({"period": "2023-H2"}, "period"),
            ({"period": NEXT_YEAR}, "period"),
            ({"indicator": "Youth Loans"}, "indicator"),
            ({"value": -1}, "value"),
            ({"value": "12"}, "value"),
            ({"value": None}, "value"),
            ({"note": "x" * 1001}, "note"),
            ({"visitor": "Jansen"}, "visitor"),
        ],
    )
    def test_a_bad_item_is_named_and_nothing_is_written(self, api, app, change, field):
        items = [*HISTORY["items"], {**ITEM, "indicator": "other", **change}]
        response = api.post("/history", {"items": items})
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
        assert [e["field"] for e in response.json["errors"]] == [f"items.3.{field}"]
        assert events_of(app, "HistoricFigureImported") == []

    def test_every_bad_item_is_named(self, api):
        items = [
            {**ITEM, "goal_code": "7.1"},
            ITEM,
            {**ITEM, "indicator": "b", "period": "2020"},
            {**ITEM, "indicator": "youth-loans"},  # the same as item 1
        ]
        response = api.post("/history", {"items": items})
        assert [e["field"] for e in response.json["errors"]] == [
            "items.0.goal_code",
            "items.2.period",
            "items.3.indicator",
        ]

    def test_personal_data_in_a_note_is_refused(self, api, app):
        items = [ITEM, {**ITEM, "indicator": "x", "note": "bel 023-5123456"}]
        response = api.post("/history", {"items": items})
        assert response.status_code == 422
        assert response.json["type"] == "/problems/personal-data"
        assert response.json["errors"][0]["field"] == "items.1.note"
        assert events_of(app, "HistoricFigureImported") == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"items": []}, "items"),
            ({"items": [ITEM] * 501}, "items"),
            ({}, "items"),
            ({"items": ITEM}, "items"),
        ],
    )
    def test_the_batch_itself_is_checked(self, api, app, body, field):
        response = api.post("/history", body)
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == [field]
        assert events_of(app, "HistoricFigureImported") == []

    def test_five_hundred_items_at_once(self, api, app):
        items = [{**ITEM, "indicator": f"figure-{i}", "value": i} for i in range(500)]
        response = api.post("/history", {"items": items})
        assert response.status_code == 201
        assert response.json["imported"] == 500


WRITES = [
    ("/efforts", NOTE, "EffortNoted"),
    ("/history", HISTORY, "HistoricFigureImported"),
]


@pytest.mark.parametrize(("path", "body", "type_name"), WRITES)
class TestEveryWrite:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
    )
    def test_who_may_write(self, api, app, path, body, type_name, role, status):
        response = api.post(path, body, as_=role)
        assert response.status_code == status
        assert bool(events_of(app, type_name)) == (status == 201)

    @pytest.mark.parametrize(
        ("role", "status"),
        [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403), (None, 401)],
    )
    def test_who_may_read(self, api, path, body, type_name, role, status):
        assert api.get(path, as_=role, period="2025").status_code == status

    def test_a_retry_with_the_same_key_writes_once(
        self, api, app, path, body, type_name
    ):
        first = api.post(path, body, key="k-1")
        again = api.post(path, body, key="k-1")
        assert first.status_code == again.status_code == 201
        assert again.json == first.json
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(events_of(app, type_name)) == len(body.get("items", [body]))
