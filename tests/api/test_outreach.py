"""Schools, communities, partners, communication: what every write shares.

The bodies and helpers here are used by test_schools, test_communities,
test_partners and test_communications too.
"""

from __future__ import annotations

import pytest

from app.accounts import create_account
from tests.api.test_activities import haarlem  # noqa: F401

WHEN = "2025-03-14T10:15:00+01:00"
LESSON = {
    "school": "Nicolaas Beetsschool",
    "school_kind": "primary",
    "grade": "groep 5",
    "classes": 2,
    "occurred_at": WHEN,
}
ADVICE = {"organisation": "Kinderopvang De Ark", "organisation_kind": "childcare"}
ADVICE = {**ADVICE, "topic": "Voorleeshoek", "occurred_at": WHEN}
COMMUNITY = {
    "name": "Breiclub Plein1",
    "target_group": "seniors",
    "occurred_at": "2025-01-10T10:00:00+01:00",
}
MEETING = {
    "participants": 12,
    "organised_by_community": True,
    "open_to_others": True,
    "occurred_at": WHEN,
}
PARTNER = {
    "organisation": "WIJ Heemstede",
    "kind": "welfare",
    "goal_codes": ["2.2"],
    "occurred_at": "2025-01-10T10:00:00+01:00",
}
COMMUNICATION = {
    "channel": "newsletter",
    "title": "Nieuwsbrief maart",
    "published_on": "2025-03-14",
    "occurred_at": WHEN,
}
LATER = {"occurred_at": "2025-04-01T10:00:00+02:00"}


def events_of(app, type_name):
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type == type_name]


def created(api, path, body):
    """Make a record as admin (the role every write allows); its id."""
    response = api.post(path, body, as_="admin")
    assert response.status_code == 201, response.json
    return response.json["id"]


def community(api):
    return created(api, "/communities", COMMUNITY)


def partner(api):
    return created(api, "/partners", PARTNER)


# Every write: (path made with what it needs, a good body, the event it appends).
WRITES = {
    "lesson": lambda api: ("/school-lessons", LESSON, "SchoolLessonGiven"),
    "lesson-retract": lambda api: (
        f"/school-lessons/{created(api, '/school-lessons', LESSON)}/retract",
        {"reason": "dubbel"},
        "RecordRetracted",
    ),
    "advice": lambda api: ("/advice-conversations", ADVICE, "AdviceConversationHeld"),
    "advice-retract": lambda api: (
        f"/advice-conversations/{created(api, '/advice-conversations', ADVICE)}"
        "/retract",
        {},
        "RecordRetracted",
    ),
    "community": lambda api: ("/communities", COMMUNITY, "CommunityRegistered"),
    "community-end": lambda api: (
        f"/communities/{community(api)}/end",
        {**LATER, "reason": "gestopt"},
        "CommunityEnded",
    ),
    "meeting": lambda api: (
        f"/communities/{community(api)}/meetings",
        MEETING,
        "CommunityMeetingHeld",
    ),
    "meeting-retract": lambda api: meeting_retract(api),
    "partner": lambda api: ("/partners", PARTNER, "PartnerJoined"),
    "partner-leave": lambda api: (
        f"/partners/{partner(api)}/leave",
        {**LATER, "reason": "fusie"},
        "PartnerLeft",
    ),
    "communication": lambda api: (
        "/communications",
        COMMUNICATION,
        "CommunicationPublished",
    ),
    "communication-retract": lambda api: (
        f"/communications/{created(api, '/communications', COMMUNICATION)}/retract",
        {},
        "RecordRetracted",
    ),
}


def meeting_retract(api):
    community_id = community(api)
    meeting = created(api, f"/communities/{community_id}/meetings", MEETING)
    path = f"/communities/{community_id}/meetings/{meeting}/retract"
    return path, {}, "RecordRetracted"


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
)
def test_who_may_write(api, app, write, role, status):
    path, body, type_name = WRITES[write](api)
    before = len(events_of(app, type_name))
    response = api.post(path, body, as_=role)
    assert response.status_code == status, response.json
    assert len(events_of(app, type_name)) == before + (status == 201)


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_retry_with_the_same_key_writes_once(api, app, write):
    path, body, type_name = WRITES[write](api)
    before = len(events_of(app, type_name))
    first = api.post(path, body, key=f"{write}-1")
    again = api.post(path, body, key=f"{write}-1")
    assert first.status_code == again.status_code == 201, first.json
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(events_of(app, type_name)) == before + 1


def refused(response, field):
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    return field in [e["field"] for e in response.json["errors"]]


@pytest.mark.parametrize(
    "write", ["lesson", "advice", "meeting", "partner", "communication"]
)
@pytest.mark.parametrize("codes", [["9.9"], ["1.2", "banana"], "1.2", [1]])
def test_unknown_goal_codes_are_refused(api, app, write, codes):
    path, body, type_name = WRITES[write](api)
    response = api.post(path, {**body, "goal_codes": codes})
    assert refused(response, "goal_codes") or refused(response, "goal_codes.0")
    assert events_of(app, type_name) == []


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize(
    "when", ["2023-12-31T23:30:00+01:00", "2028-01-01T00:30:00+01:00", "2025-03-14"]
)
def test_a_moment_outside_the_agreement_is_refused(api, app, write, when):
    path, body, type_name = WRITES[write](api)
    before = len(events_of(app, type_name))
    assert refused(api.post(path, {**body, "occurred_at": when}), "occurred_at")
    assert len(events_of(app, type_name)) == before


@pytest.mark.parametrize(
    ("write", "field"),
    [
        ("lesson", "school"),
        ("lesson", "grade"),
        ("lesson", "title"),
        ("advice", "organisation"),
        ("advice", "topic"),
        ("community", "name"),
        ("community", "description"),
        ("community-end", "reason"),
        ("meeting", "title"),
        ("partner", "organisation"),
        ("partner-leave", "reason"),
        ("communication", "title"),
        ("lesson-retract", "reason"),
    ],
)
@pytest.mark.parametrize(
    ("text", "kind"),
    [("mail j.jansen@example.nl", "email"), ("BSN 111222333", "bsn")],
)
def test_personal_data_is_refused(api, app, write, field, text, kind):
    path, body, type_name = WRITES[write](api)
    before = len(events_of(app, type_name))
    response = api.post(path, {**body, field: text})
    assert response.status_code == 422, response.json
    assert response.json["type"] == "/problems/personal-data"
    assert response.json["errors"] == [
        {"field": field, "in": "json", "detail": f"contains personal data ({kind})"}
    ]
    assert len(events_of(app, type_name)) == before


@pytest.mark.parametrize(
    "path",
    ["/school-lessons", "/advice-conversations", "/communities", "/partners",
     "/communications", "/communications/summary"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("viewer", 200), ("tablet", 403), (None, 401)],
)
def test_who_may_read(api, path, role, status):
    assert api.get(path, as_=role, period="2025-H1").status_code == status


@pytest.mark.parametrize(
    "path",
    ["/school-lessons", "/advice-conversations", "/communities", "/partners",
     "/communications", "/communications/summary"],
)  # fmt: skip
@pytest.mark.parametrize("period", ["2025-H3", "soon", ""])
def test_a_bad_period_is_named(api, path, period):
    response = api.get(path, period=period)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "period"


@pytest.mark.parametrize(
    "path",
    ["/school-lessons", "/advice-conversations", "/communities", "/partners",
     "/communications", "/communications/summary"],
)  # fmt: skip
def test_a_branch_unknown_or_out_of_reach_is_named(api, haarlem, path):  # noqa: F811
    for branch in ("atlantis", haarlem):
        response = api.get(path, as_="viewer", period="2025-H1", branch=branch)
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "branch"
    admin = api.get(path, as_="admin", period="2025-H1", branch=haarlem)
    assert admin.status_code == 200


def test_another_municipality_sees_nothing(api, app):
    community_id = community(api)
    api.post("/school-lessons", LESSON)
    engine = app.extensions["store"].engine
    api.tokens["other"] = create_account(engine, "z", "staff", "zandvoort")[1]
    assert api.get("/school-lessons", as_="other", period="2025").json == []
    assert api.get("/communities", as_="other", period="2025").json == []
    assert api.get(f"/communities/{community_id}", as_="other").status_code == 404
