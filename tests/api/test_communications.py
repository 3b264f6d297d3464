"""Communication items (goal 5.2): counted by channel, by publication date."""

from __future__ import annotations

import pytest

from tests.api.test_outreach import COMMUNICATION, events_of, refused


def test_an_item_is_recorded(api, app):
    response = api.post("/communications", {**COMMUNICATION, "goal_codes": ["5.2"]})
    assert response.status_code == 201, response.json
    [event] = events_of(app, "CommunicationPublished")
    assert event.data == {
        "item_id": response.json["id"],
        "channel": "newsletter",
        "title": "Nieuwsbrief maart",
        "published_on": "2025-03-14",
        "goal_codes": ["5.2"],
        "municipality": "heemstede",
        "branch": "heemstede",
    }
    assert event.metadata.source == "backdated"


def test_goal_codes_may_be_left_out(api, app):
    assert api.post("/communications", COMMUNICATION).status_code == 201
    [event] = events_of(app, "CommunicationPublished")
    assert event.data["goal_codes"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"published_on": "2023-12-31"}, "published_on"),
        ({"published_on": "2028-01-01"}, "published_on"),
        ({"published_on": "14-03-2025"}, "published_on"),
        ({"published_on": None}, "published_on"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"goal_codes": ["5.2", "5.2"]}, "goal_codes"),
    ],
)
def test_bad_input_is_refused(api, app, change, field):
    assert refused(api.post("/communications", {**COMMUNICATION, **change}), field)
    assert events_of(app, "CommunicationPublished") == []


@pytest.mark.parametrize("missing", ["channel", "title", "published_on"])
def test_a_missing_field_is_named(api, missing):
    body = {k: v for k, v in COMMUNICATION.items() if k != missing}
    response = api.post("/communications", body)
    assert refused(response, missing)
    assert [e["field"] for e in response.json["errors"]] == [missing]


def test_a_period_counts_items_by_publication_date_and_channel(api):
    def publish(channel, on):
        body = {**COMMUNICATION, "channel": channel, "published_on": on}
        return api.post("/communications", body).json["id"]

    publish("website", "2025-01-02")
    publish("website", "2025-06-30")
    publish("social_media", "2025-06-30")
    publish("newsletter", "2025-07-01")  # recorded in H1, published in H2
    wrong = publish("press", "2025-02-01")
    assert api.post(f"/communications/{wrong}/retract").status_code == 201

    listed = api.get("/communications", as_="viewer", period="2025-H1").json
    assert [x["channel"] for x in listed] == ["website", "website", "social_media"]
    summary = api.get("/communications/summary", as_="viewer", period="2025-H1").json
    assert summary == {
        "period": "2025-H1",
        "total": 3,
        "by_channel": {
            "website": 2,
            "newsletter": 0,
            "social_media": 1,
            "press": 0,
            "print": 0,
            "other": 0,
        },
    }
    h2 = api.get("/communications/summary", period="2025-H2").json
    assert (h2["total"], h2["by_channel"]["newsletter"]) == (1, 1)


def test_retracting_twice_or_unknown_is_refused(api):
    item = api.post("/communications", COMMUNICATION).json["id"]
    assert api.post(f"/communications/{item}/retract").status_code == 201
    assert api.post(f"/communications/{item}/retract").status_code == 409
    assert api.post("/communications/nope/retract").status_code == 404
