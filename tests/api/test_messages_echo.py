"""A refused value is never echoed back: the answer names the field, not what was in it.

A client may put anything in a field, a name or an e-mail address included; a
4xx body that repeats it puts personal data in proxies' and clients' logs.
Known values (the agreement's districts, goals, the caller's branches) may be
named.
"""

from __future__ import annotations

import pytest

from tests.api.test_activities import PLAN
from tests.api.test_sessions import CHECK_IN, open_session

VALUES = ["jan@example.nl", "Jan Jansen 0612345678"]
QUESTION = {
    "themes": ["digid"],
    "help_kind": "hands_on",
    "occurred_at": "2025-03-14T10:00:00+01:00",
}
NOTE = {"goal_code": "4.3", "period": "2025-H1", "text": "Drie avonden podium."}


def checkin_district(api, value):
    session_id = open_session(api)
    body = {**CHECK_IN, "district": value}
    return api.post(f"/sessions/{session_id}/checkins", body, as_="tablet")


# Each: (how to send the value, the field the answer must name).
CASES = {
    "branch of a write": (
        lambda api, v: api.post("/ido/questions", {**QUESTION, "branch": v}),
        "branch",
    ),
    "branch of a list": (
        lambda api, v: api.get("/ido/questions", period="2025-H1", branch=v),
        "branch",
    ),
    "period of a list": (lambda api, v: api.get("/ido/questions", period=v), "period"),
    "period of a write": (
        lambda api, v: api.post("/efforts", {**NOTE, "period": v}),
        "period",
    ),
    "goal code": (
        lambda api, v: api.post("/efforts", {**NOTE, "goal_code": v}),
        "goal_code",
    ),
    "goal codes": (
        lambda api, v: api.post("/activities", {**PLAN, "goal_codes": ["1.2", v]}),
        "goal_codes",
    ),
    "theme": (
        lambda api, v: api.post("/ido/questions", {**QUESTION, "themes": [v]}),
        "themes",
    ),
    "district": (checkin_district, "district"),
    "municipality": (
        lambda api, v: api.get("/goals", as_="admin", municipality=v),
        "municipality",
    ),
}


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the messages are the commands' and schemas', not the store's


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refused_value_is_not_echoed_and_its_field_is_named(api, case):
    send, field = CASES[case]
    for value in VALUES:
        response = send(api, value)
        assert 400 <= response.status_code < 500, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        body = response.get_data(as_text=True)
        for part in (value, *value.split()):
            if len(part) > 4:
                assert part not in body, body
        named = [e["field"] for e in response.get_json().get("errors", [])]
        assert any(n == field or n.startswith(f"{field}.") for n in named), body
