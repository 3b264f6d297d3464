"""Schools, communities, partners and communication: what staff record of them."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load

from app.schemas.common import (
    OUTSIDE,
    RecordSchema,
    StrictBoolean,
    choice,
    count,
    goal_codes,
    required_text,
    text,
)

SCHOOL_KINDS = ("childcare", "primary", "secondary", "special")
ADVICE_KINDS = ("school", "childcare")
TARGET_GROUPS = (
    "children", "youth", "adults", "seniors", "families", "newcomers", "mixed",
)  # fmt: skip
PARTNER_KINDS = (
    "childcare", "primary", "secondary", "welfare", "culture", "plein1",
    "bookshop", "referrer", "other",
)  # fmt: skip
CHANNELS = ("website", "newsletter", "social_media", "press", "print", "other")


def lesson_reach(classes: int, pupils: int | None, class_size: int) -> tuple[int, bool]:
    """Pupils reached and whether estimated: classes x class size if not counted."""
    if pupils is None:
        return classes * class_size, True
    return pupils, False


class SchoolLessonSchema(RecordSchema):
    """A lesson at a school. Without `pupils`, reach is classes x average class size."""

    GOAL_FIELDS = ("goal_codes",)

    school = required_text(200, metadata={"example": "Nicolaas Beetsschool"})
    school_kind = choice(SCHOOL_KINDS, required=True)
    grade = required_text(50, metadata={"example": "groep 5"})
    classes = count(50, minimum=1, required=True)
    pupils = count(2000, load_default=None, metadata={"description": "If counted."})
    goal_codes = goal_codes("1.2")
    title = text(200, load_default=None)

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().resolve_context(data, **kwargs)
        size = data["agreement"].context.average_class_size
        reach = lesson_reach(data["classes"], data["pupils"], size)
        data["pupils"], data["pupils_estimated"] = reach
        return data


class AdviceConversationSchema(RecordSchema):
    """Advice given to a school or childcare organisation (goal 4.2)."""

    GOAL_FIELDS = ("goal_codes",)

    organisation = required_text(200, metadata={"example": "Kinderopvang De Ark"})
    organisation_kind = choice(ADVICE_KINDS, required=True)
    topic = text(300, load_default=None)
    goal_codes = goal_codes("4.2")


class CommunitySchema(RecordSchema):
    """A community (footnote 3): a group that organises its own activities."""

    name = required_text(
        200, metadata={"description": "The community's name, not a person's"}
    )
    target_group = choice(TARGET_GROUPS, required=True)
    description = text(1000, load_default=None)


class EndSchema(RecordSchema):
    """A community ends or a partner leaves; `occurred_at` is when."""

    reason = text(500, load_default=None)


class MeetingSchema(RecordSchema):
    """One meeting of a community, with how many took part."""

    GOAL_FIELDS = ("goal_codes",)

    participants = count(5000, required=True)
    organised_by_community = StrictBoolean(required=True)
    open_to_others = StrictBoolean(required=True)
    goal_codes = goal_codes("2.1")
    title = text(200, load_default=None)


class PartnerSchema(RecordSchema):
    """An organisation the library works with, for the goals named (goal 1.3)."""

    GOAL_FIELDS = ("goal_codes",)

    organisation = required_text(200, metadata={"example": "WIJ Heemstede"})
    kind = choice(PARTNER_KINDS, required=True)
    goal_codes = goal_codes(example="1.3")


class CommunicationSchema(RecordSchema):
    """A communication item: a web post, a newsletter, a social-media post (5.2)."""

    GOAL_FIELDS = ("goal_codes",)

    channel = choice(CHANNELS, required=True)
    title = required_text(300)
    published_on = fields.Date(required=True, metadata={"example": "2025-03-14"})
    goal_codes = goal_codes(minimum=0, example="5.2")

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().resolve_context(data, **kwargs)
        if not data["agreement"].contains(data["published_on"]):
            raise ValidationError(OUTSIDE, field_name="published_on")
        data["published_on"] = data["published_on"].isoformat()
        return data
