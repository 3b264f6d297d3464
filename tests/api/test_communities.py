"""Communities (goal 2.1, footnote 3), their end, and their meetings."""

from __future__ import annotations

import pytest

from tests.api.test_outreach import COMMUNITY, MEETING, community, events_of, refused


def at(day: str, hour: str = "10:00") -> str:
    return f"{day}T{hour}:00+01:00"


def test_a_community_is_registered(api, app):
    response = api.post("/communities", {**COMMUNITY, "description": "Elke dinsdag"})
    assert response.status_code == 201, response.json
    [event] = events_of(app, "CommunityRegistered")
    assert event.data == {
        "community_id": response.json["id"],
        "name": "Breiclub Plein1",
        "target_group": "seniors",
        "description": "Elke dinsdag",
        "municipality": "heemstede",
        "branch": "heemstede",
    }
    assert event.metadata.source == "backdated"
    assert response.json["stream"] == f"community-{response.json['id']}"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"target_group": "everyone"}, "target_group"),
        ({"description": "x" * 1001}, "description"),
        ({"goal_codes": ["2.1"]}, "goal_codes"),
    ],
)
def test_bad_registration_is_refused(api, app, change, field):
    assert refused(api.post("/communities", {**COMMUNITY, **change}), field)
    assert events_of(app, "CommunityRegistered") == []


class TestEnd:
    def test_an_ended_community_says_so(self, api, app):
        community_id = community(api)
        body = {"occurred_at": at("2025-02-01"), "reason": "te weinig leden"}
        response = api.post(f"/communities/{community_id}/end", body)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "CommunityEnded")
        assert event.data["community_id"] == community_id
        assert event.data["reason"] == "te weinig leden"
        shown = api.get(f"/communities/{community_id}", as_="viewer").json
        assert (shown["status"], shown["end_reason"]) == ("ended", "te weinig leden")
        assert shown["ended_at"].startswith("2025-02-01")

    def test_twice_unknown_or_before_registration_is_refused(self, api, app):
        community_id = community(api)
        early = api.post(
            f"/communities/{community_id}/end", {"occurred_at": at("2025-01-09")}
        )
        assert refused(early, "occurred_at")
        assert api.post(f"/communities/{community_id}/end").status_code == 201
        again = api.post(f"/communities/{community_id}/end")
        assert again.status_code == 409
        assert again.json["type"] == "/problems/ended"
        assert api.post("/communities/nope/end").status_code == 404
        assert len(events_of(app, "CommunityEnded")) == 1


class TestMeetings:
    def test_a_meeting_is_recorded_in_its_own_stream(self, api, app):
        community_id = community(api)
        body = {**MEETING, "open_to_others": False, "title": "Breiavond"}
        response = api.post(f"/communities/{community_id}/meetings", body)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "CommunityMeetingHeld")
        assert event.stream_id == f"community-meeting-{response.json['id']}"
        assert {k: event.data[k] for k in body if k != "occurred_at"} == {
            "participants": 12,
            "organised_by_community": True,
            "open_to_others": False,
            "title": "Breiavond",
        }
        assert event.data["community_id"] == community_id
        assert event.data["goal_codes"] == ["2.1"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"participants": 5001}, "participants"),
            ({"participants": -1}, "participants"),
            ({"participants": None}, "participants"),
            ({"organised_by_community": "yes"}, "organised_by_community"),
            ({"open_to_others": 1}, "open_to_others"),
            ({"goal_codes": []}, "goal_codes"),
            ({"occurred_at": at("2025-01-09")}, "occurred_at"),  # before registered
        ],
    )
    def test_bad_input_is_refused(self, api, app, change, field):
        path = f"/communities/{community(api)}/meetings"
        assert refused(api.post(path, {**MEETING, **change}), field)
        assert events_of(app, "CommunityMeetingHeld") == []

    def test_an_unknown_or_ended_community_holds_none(self, api, app):
        assert api.post("/communities/nope/meetings", MEETING).status_code == 404
        community_id = community(api)
        api.post(f"/communities/{community_id}/end", {"occurred_at": at("2025-03-01")})
        after = api.post(f"/communities/{community_id}/meetings", MEETING)
        assert (after.status_code, after.json["type"]) == (409, "/problems/ended")
        before = {
            **MEETING,
            "occurred_at": at("2025-02-20"),
        }  # back-dated: it still ran
        assert (
            api.post(f"/communities/{community_id}/meetings", before).status_code == 201
        )
        assert len(events_of(app, "CommunityMeetingHeld")) == 1

    def test_a_meeting_is_retracted_only_through_its_community(self, api, app):
        one, other = community(api), community(api)
        meeting = api.post(f"/communities/{one}/meetings", MEETING).json["id"]
        assert (
            api.post(f"/communities/{other}/meetings/{meeting}/retract").status_code
            == 404
        )
        assert api.post(f"/communities/{one}/meetings/nope/retract").status_code == 404
        assert (
            api.post(f"/communities/{one}/meetings/{meeting}/retract").status_code
            == 201
        )
        assert (
            api.post(f"/communities/{one}/meetings/{meeting}/retract").status_code
            == 409
        )
        assert api.get(f"/communities/{one}").json["meeting_count"] == 0


class TestList:
    def test_active_and_new_communities_with_their_meetings(self, api):
        old = api.post(
            "/communities",
            {**COMMUNITY, "name": "Schaakclub", "occurred_at": at("2024-03-01")},
        ).json["id"]
        gone = api.post(
            "/communities",
            {**COMMUNITY, "name": "Fotoclub", "occurred_at": at("2024-03-01")},
        ).json["id"]
        new = community(api)  # registered 2025-01-10
        api.post(f"/communities/{gone}/end", {"occurred_at": at("2024-12-01")})
        api.post(
            f"/communities/{old}/end", {"occurred_at": "2025-05-01T10:00:00+02:00"}
        )
        for when, people in [("2025-02-01", 8), ("2025-03-01", 11), ("2024-05-01", 30)]:
            api.post(
                f"/communities/{old}/meetings",
                {**MEETING, "participants": people, "occurred_at": at(when)},
            )
        wrong = api.post(f"/communities/{new}/meetings", MEETING).json["id"]
        api.post(f"/communities/{new}/meetings/{wrong}/retract")
        api.post(f"/communities/{new}/meetings", {**MEETING, "participants": 5})

        listed = api.get("/communities", as_="viewer", period="2025-H1").json
        shown = {c["community_id"]: c for c in listed}
        assert list(shown) == [old, new]  # gone ended before the period began
        assert (shown[old]["status"], shown[old]["new_in_period"]) == ("ended", False)
        assert (shown[new]["status"], shown[new]["new_in_period"]) == ("active", True)
        assert (shown[old]["meeting_count"], shown[old]["participants"]) == (2, 19)
        assert (shown[new]["meeting_count"], shown[new]["participants"]) == (1, 5)
        assert [m["participants"] for m in shown[old]["meetings"]] == [8, 11]

        in_2024 = api.get("/communities", period="2024").json
        assert [(c["name"], c["status"]) for c in in_2024] == [
            ("Schaakclub", "active"),
            ("Fotoclub", "ended"),
        ]
        assert in_2024[0]["participants"] == 30
        assert api.get(f"/communities/{old}").json["meeting_count"] == 3

    def test_unknown_community_is_404(self, api):
        assert api.get("/communities/nope", as_="viewer").status_code == 404
