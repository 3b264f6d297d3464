"""Schools, communities, partners and communication: what staff record of them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from app.schemas.common import RecordSchema, choice, code, count, text

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


class StrictBoolean(fields.Boolean):
    """true or false in JSON: not 1, "yes" or "on"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def _unique(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("each goal code once")


def required_text(max_length: int = 200, **kwargs: Any) -> fields.String:
    """Required free text: an organisation's or a community's name, a title."""
    rules = [validate.Length(min=1, max=max_length), _not_blank]
    return fields.String(required=True, validate=rules, **kwargs)


def goal_codes(*default: str, minimum: int = 1, example: str = "") -> fields.List:
    """The goals a record counts for; required when there is no default."""
    rules = [validate.Length(min=minimum, max=20), _unique]
    absent: dict[str, Any] = {"load_default": lambda: list(default)}
    if minimum and not default:
        absent = {"required": True}
    return fields.List(
        code(10),
        validate=rules,
        metadata={"example": list(default) or [example]},
        **absent,
    )


class SchoolLessonSchema(RecordSchema):
    """A lesson at a school. Without `pupils`, reach is classes x average class size."""

    GOAL_FIELDS = ("goal_codes",)

    school = required_text(200, metadata={"example": "Nicolaas Beetsschool"})
    school_kind = choice(SCHOOL_KINDS, required=True)
    grade = required_text(50, metadata={"example": "groep 5"})
    classes = fields.Integer(required=True, strict=True, validate=validate.Range(1, 50))
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
            raise ValidationError(
                "lies outside the years of the agreement", field_name="published_on"
            )
        data["published_on"] = data["published_on"].isoformat()
        return data


class _Out(Schema):
    branch = fields.String()
    occurred_at = fields.AwareDateTime()
    source = fields.String()
    position = fields.Integer()


class SchoolLessonOutSchema(_Out):
    lesson_id = fields.String()
    school = fields.String()
    school_kind = fields.String()
    grade = fields.String()
    classes = fields.Integer()
    pupils = fields.Integer()
    pupils_estimated = fields.Boolean()
    goal_codes = fields.List(fields.String())
    title = fields.String(allow_none=True)


class AdviceConversationOutSchema(_Out):
    conversation_id = fields.String()
    organisation = fields.String()
    organisation_kind = fields.String()
    topic = fields.String(allow_none=True)
    goal_codes = fields.List(fields.String())


class MeetingOutSchema(_Out):
    meeting_id = fields.String()
    community_id = fields.String()
    participants = fields.Integer()
    organised_by_community = fields.Boolean()
    open_to_others = fields.Boolean()
    goal_codes = fields.List(fields.String())
    title = fields.String(allow_none=True)


class CommunityOutSchema(Schema):
    community_id = fields.String()
    branch = fields.String()
    name = fields.String()
    target_group = fields.String()
    description = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "active or ended: at a list's period end, else now"}
    )
    registered_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    new_in_period = fields.Boolean(metadata={"description": "Registered in it"})
    meeting_count = fields.Integer()
    participants = fields.Integer()
    meetings = fields.List(fields.Nested(MeetingOutSchema))


class PartnerOutSchema(Schema):
    partner_id = fields.String()
    branch = fields.String()
    organisation = fields.String()
    kind = fields.String()
    goal_codes = fields.List(fields.String())
    status = fields.String(
        metadata={"description": "active or left: at a list's period end, else now"}
    )
    joined_at = fields.AwareDateTime()
    left_at = fields.AwareDateTime(allow_none=True)
    leave_reason = fields.String(allow_none=True)


class CommunicationOutSchema(_Out):
    item_id = fields.String()
    channel = fields.String()
    title = fields.String()
    published_on = fields.String(metadata={"format": "date"})
    goal_codes = fields.List(fields.String())


class CommunicationSummarySchema(Schema):
    period = fields.String()
    total = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
