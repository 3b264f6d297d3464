"""School lessons (goal 1.2, footnote 1) and advice conversations (goal 4.2)."""

from __future__ import annotations

import pytest

from app.commands.schools import lesson_reach
from tests.api.test_outreach import ADVICE, LESSON, events_of, refused


def test_reach_is_counted_or_classes_times_class_size():
    assert lesson_reach(3, None, 23) == (69, True)
    assert lesson_reach(3, 61, 23) == (61, False)
    assert lesson_reach(1, 0, 23) == (0, False)


class TestLessons:
    def test_without_pupils_reach_is_estimated_from_the_average_class(self, api, app):
        response = api.post("/school-lessons", {**LESSON, "classes": 3})
        assert response.status_code == 201, response.json
        [event] = events_of(app, "SchoolLessonGiven")
        assert event.data == {
            "lesson_id": response.json["id"],
            "school": "Nicolaas Beetsschool",
            "school_kind": "primary",
            "grade": "groep 5",
            "classes": 3,
            "pupils": 69,  # 3 classes x 23, the catalogue's average class size
            "pupils_estimated": True,
            "goal_codes": ["1.2"],
            "title": None,
            "municipality": "heemstede",
            "branch": "heemstede",
        }
        assert event.metadata.source == "backdated"
        assert response.json["stream"] == f"school-lesson-{response.json['id']}"

    def test_counted_pupils_are_kept_as_counted(self, api, app):
        body = {
            **LESSON,
            "pupils": 47,
            "goal_codes": ["1.2", "4.2"],
            "title": "Op avontuur",
        }
        assert api.post("/school-lessons", body).status_code == 201
        [event] = events_of(app, "SchoolLessonGiven")
        assert (event.data["pupils"], event.data["pupils_estimated"]) == (47, False)
        assert event.data["goal_codes"] == ["1.2", "4.2"]
        assert event.data["title"] == "Op avontuur"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"school": ""}, "school"),
            ({"school": "   "}, "school"),
            ({"school": None}, "school"),
            ({"school_kind": "university"}, "school_kind"),
            ({"grade": "x" * 51}, "grade"),
            ({"classes": 0}, "classes"),
            ({"classes": 51}, "classes"),
            ({"classes": "2"}, "classes"),
            ({"classes": 2.5}, "classes"),
            ({"pupils": -1}, "pupils"),
            ({"pupils": 2001}, "pupils"),
            ({"goal_codes": []}, "goal_codes"),
            ({"goal_codes": ["1.2", "1.2"]}, "goal_codes"),
            ({"title": "x" * 201}, "title"),
            ({"teacher": "juf Anna"}, "teacher"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_written(self, api, app, change, field):
        assert refused(api.post("/school-lessons", {**LESSON, **change}), field)
        assert events_of(app, "SchoolLessonGiven") == []

    @pytest.mark.parametrize("missing", ["school", "school_kind", "grade", "classes"])
    def test_a_missing_field_is_named(self, api, missing):
        body = {k: v for k, v in LESSON.items() if k != missing}
        response = api.post("/school-lessons", body)
        assert refused(response, missing)
        assert [e["field"] for e in response.json["errors"]] == [missing]

    def test_the_list_shows_reach_and_leaves_out_retractions(self, api):
        api.post("/school-lessons", {**LESSON, "classes": 2})
        api.post("/school-lessons", {**LESSON, "pupils": 30, "school_kind": "special"})
        wrong = api.post("/school-lessons", {**LESSON, "classes": 9}).json["id"]
        api.post(
            "/school-lessons", {**LESSON, "occurred_at": "2025-07-01T09:00:00+02:00"}
        )
        assert api.post(f"/school-lessons/{wrong}/retract").status_code == 201
        listed = api.get("/school-lessons", as_="viewer", period="2025-H1").json
        assert [(x["pupils"], x["pupils_estimated"]) for x in listed] == [
            (46, True),
            (30, False),
        ]
        assert sum(x["pupils"] for x in listed) == 76
        assert listed[1]["school_kind"] == "special"

    def test_retracting_twice_or_unknown_is_refused(self, api, app):
        lesson = api.post("/school-lessons", LESSON).json["id"]
        assert api.post(f"/school-lessons/{lesson}/retract").status_code == 201
        assert api.post(f"/school-lessons/{lesson}/retract").status_code == 409
        assert api.post("/school-lessons/nope/retract").status_code == 404
        [retraction] = events_of(app, "RecordRetracted")
        assert retraction.data["retracted_type"] == "SchoolLessonGiven"
        assert retraction.data["stream"] == f"school-lesson-{lesson}"


class TestAdvice:
    def test_a_conversation_counts_for_4_2_by_default(self, api, app):
        response = api.post("/advice-conversations", ADVICE)
        assert response.status_code == 201, response.json
        [event] = events_of(app, "AdviceConversationHeld")
        assert event.data["conversation_id"] == response.json["id"]
        assert event.data["organisation"] == "Kinderopvang De Ark"
        assert event.data["organisation_kind"] == "childcare"
        assert event.data["topic"] == "Voorleeshoek"
        assert event.data["goal_codes"] == ["4.2"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"organisation": ""}, "organisation"),
            ({"organisation_kind": "library"}, "organisation_kind"),
            ({"organisation_kind": None}, "organisation_kind"),
            ({"topic": "x" * 301}, "topic"),
            ({"goal_codes": None}, "goal_codes"),
        ],
    )
    def test_bad_input_is_refused(self, api, app, change, field):
        assert refused(api.post("/advice-conversations", {**ADVICE, **change}), field)
        assert events_of(app, "AdviceConversationHeld") == []

    def test_the_list_keeps_to_the_period_and_leaves_out_retractions(self, api):
        keep = api.post("/advice-conversations", ADVICE).json["id"]
        wrong = api.post("/advice-conversations", ADVICE).json["id"]
        api.post(
            "/advice-conversations",
            {**ADVICE, "occurred_at": "2024-11-01T10:00:00+01:00"},
        )
        api.post(f"/advice-conversations/{wrong}/retract", {"reason": "dubbel"})
        listed = api.get("/advice-conversations", period="2025-H1").json
        assert [x["conversation_id"] for x in listed] == [keep]
        assert len(api.get("/advice-conversations", period="2024").json) == 1
        assert api.post(f"/advice-conversations/{wrong}/retract").status_code == 409
        assert api.post("/advice-conversations/nope/retract").status_code == 404
