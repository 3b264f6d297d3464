"""Partners (goal 1.3): who joined, who left, who was active in a period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.api.lifespans import alive_between, closed_by, lifespan, lifespans
from events import Metadata, RecordedEvent
from tests.api.test_outreach import PARTNER, events_of, partner, refused


def recorded(stream, type_name, number, **data):
    when = day(number)
    return RecordedEvent(
        number, uuid.uuid4(), stream, 1, type_name, 1, data, Metadata("t"), when, when
    )


def day(number):
    return datetime(2025, 1, number, tzinfo=UTC)


class TestFolding:
    def test_a_lifespan_opens_and_closes(self):
        history = [
            recorded("partner-a", "PartnerJoined", 2, kind="culture"),
            recorded("partner-a", "PartnerLeft", 9, reason="fusie"),
        ]
        state = lifespan(history, "PartnerJoined", "PartnerLeft")
        assert state["kind"] == "culture"
        assert (state["opened_at"], state["closed_at"]) == (day(2), day(9))
        assert state["closed_reason"] == "fusie"
        assert lifespan(history[1:], "PartnerJoined", "PartnerLeft") is None

    def test_streams_are_folded_apart_in_the_order_they_began(self):
        events = [
            recorded("partner-b", "PartnerJoined", 1, kind="culture"),
            recorded("partner-a", "PartnerJoined", 2, kind="bookshop"),
            recorded("partner-b", "PartnerLeft", 3, reason=None),
        ]
        states = lifespans(events, "PartnerJoined", "PartnerLeft")
        assert [(s["kind"], s["closed_at"]) for s in states] == [
            ("culture", day(3)),
            ("bookshop", None),
        ]

    @pytest.mark.parametrize(
        ("opened", "closed", "alive"),
        [(2, None, True), (2, 5, True), (2, 4, False), (6, None, False), (1, 9, True)],
    )
    def test_alive_between_day_5_and_day_6(self, opened, closed, alive):
        state = {"opened_at": day(opened), "closed_at": closed and day(closed)}
        assert alive_between(state, day(5), day(6)) is alive

    def test_closed_by_a_moment(self):
        state = {"closed_at": day(5)}
        assert closed_by(state, day(5)) and not closed_by(state, day(4))
        assert not closed_by({"closed_at": None}, day(9))


def test_a_partner_joins_for_its_goals(api, app):
    response = api.post("/partners", {**PARTNER, "goal_codes": ["1.3", "2.2"]})
    assert response.status_code == 201, response.json
    [event] = events_of(app, "PartnerJoined")
    assert event.data == {
        "partner_id": response.json["id"],
        "organisation": "WIJ Heemstede",
        "kind": "welfare",
        "goal_codes": ["1.3", "2.2"],
        "municipality": "heemstede",
        "branch": "heemstede",
    }
    assert event.metadata.source == "backdated"
    shown = api.get(f"/partners/{response.json['id']}", as_="viewer").json
    assert (shown["status"], shown["kind"]) == ("active", "welfare")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"goal_codes": []}, "goal_codes"),
        ({"kind": "bank"}, "kind"),
        ({"kind": None}, "kind"),
        ({"organisation": " "}, "organisation"),
        ({"organisation": "x" * 201}, "organisation"),
    ],
)
def test_bad_input_is_refused(api, app, change, field):
    assert refused(api.post("/partners", {**PARTNER, **change}), field)
    assert events_of(app, "PartnerJoined") == []


def test_goal_codes_are_required(api, app):
    body = {k: v for k, v in PARTNER.items() if k != "goal_codes"}
    assert refused(api.post("/partners", body), "goal_codes")
    assert events_of(app, "PartnerJoined") == []


def test_leaving(api, app):
    partner_id = partner(api)
    early = {"occurred_at": "2025-01-09T10:00:00+01:00"}
    assert refused(api.post(f"/partners/{partner_id}/leave", early), "occurred_at")
    response = api.post(f"/partners/{partner_id}/leave", {"reason": "fusie"})
    assert response.status_code == 201, response.json
    [event] = events_of(app, "PartnerLeft")
    assert (event.data["partner_id"], event.data["reason"]) == (partner_id, "fusie")
    assert event.stream_id == f"partner-{partner_id}"
    again = api.post(f"/partners/{partner_id}/leave")
    assert (again.status_code, again.json["type"]) == (409, "/problems/ended")
    assert api.post("/partners/nope/leave").status_code == 404
    assert api.get("/partners/nope").status_code == 404
    assert api.get(f"/partners/{partner_id}").json["status"] == "left"


def test_the_list_holds_partners_active_at_any_time_in_the_period(api):
    def join(name, kind, when):
        body = {**PARTNER, "organisation": name, "kind": kind, "occurred_at": when}
        return api.post("/partners", body).json["id"]

    school = join("Nicolaas Beetsschool", "primary", "2024-09-01T10:00:00+02:00")
    creche = join("Kinderopvang De Ark", "childcare", "2024-02-01T10:00:00+01:00")
    late = join("Boekhandel Blokker", "bookshop", "2025-07-01T10:00:00+02:00")
    api.post(f"/partners/{creche}/leave", {"occurred_at": "2024-12-20T10:00:00+01:00"})
    api.post(f"/partners/{school}/leave", {"occurred_at": "2025-03-01T10:00:00+01:00"})

    listed = api.get("/partners", as_="viewer", period="2025-H1").json
    assert [(p["partner_id"], p["status"]) for p in listed] == [(school, "left")]
    assert listed[0]["left_at"].startswith("2025-03-01")
    in_2024 = api.get("/partners", period="2024").json
    assert [(p["kind"], p["status"]) for p in in_2024] == [
        ("primary", "active"),  # it left only in 2025
        ("childcare", "left"),
    ]
    assert [p["partner_id"] for p in api.get("/partners", period="2025-H2").json] == [
        late
    ]
