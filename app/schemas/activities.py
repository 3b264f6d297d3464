"""Activities, their sessions and check-ins: what is planned, who came (no names)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from app.agreements import agreement_for
from app.schemas.common import (
    OUTSIDE,
    RecordSchema,
    check_goals,
    choice,
    code,
    count,
    goal_codes,
    required_text,
    text,
)
from events.periods import FIRST_YEAR, LAST_YEAR

KINDS = (
    "reading_aloud", "language_cafe", "workshop", "lecture", "digital_skills",
    "community", "school_visit", "exhibition", "meeting", "other",
)  # fmt: skip
TARGET_GROUPS = (
    "children", "parents", "youth", "adults", "seniors", "professionals",
    "newcomers", "everyone",
)  # fmt: skip
AGE_BANDS = ("0-3", "4-12", "12-18", "18-30", "30-65", "65+", "all")
# One person is in one age band: "all" is for activities only.
PERSON_AGE_BANDS = AGE_BANDS[:-1]
ROLES = ("child", "parent", "adult", "professional", "volunteer")
NEW_TARGET_GROUPS = ("newcomer", "refugee")


class ActivitySchema(RecordSchema):
    """An activity's whole plan: what, for whom, when, with whom, for which goals."""

    title = required_text(200)
    kind = choice(KINDS, required=True)
    # A code given twice counts once; checked below, under the activity's agreement.
    goal_codes = goal_codes(example="1.2", distinct=False)
    target_group = choice(TARGET_GROUPS, required=True)
    age_band = choice(AGE_BANDS, required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    partners = fields.List(
        text(200), load_default=list, validate=validate.Length(max=50),
        metadata={"description": "Partner organisations (never people)."},
    )  # fmt: skip
    room = text(100, load_default=None)
    series_id = code(
        64, load_default=None,
        metadata={"description": "Groups the activities of a recurring series."},
    )  # fmt: skip
    description = text(2000, load_default=None)

    @validates_schema
    def ends_after_start(self, data: dict[str, Any], **_: Any) -> None:
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("must lie after starts_at", field_name="ends_at")

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().resolve_context(data, **kwargs)
        for name in ("starts_at", "ends_at"):
            if agreement_for(data["branch"], data[name]) is None:
                raise ValidationError(OUTSIDE, field_name=name)
        # The goals are those of the agreement the activity takes place under.
        held = agreement_for(data["branch"], data["starts_at"])
        check_goals(held, data, ("goal_codes",))
        data["goal_codes"] = list(dict.fromkeys(data["goal_codes"]))
        return data


class ActivityChangeSchema(ActivitySchema):
    """The whole plan again; `expected_version` refuses to overwrite unseen changes."""

    expected_version = fields.Integer(
        load_default=None, strict=True, validate=validate.Range(min=1),
        metadata={"description": "The version you last read; 409 if it moved on."},
    )  # fmt: skip


class CancelSchema(RecordSchema):
    """Cancel a planned activity; it stays in the log, marked as cancelled."""

    reason = text(500, load_default=None)


class ActivityOutSchema(Schema):
    activity_id = fields.String()
    branch = fields.String()
    status = fields.String(metadata={"enum": ["planned", "cancelled"]})
    version = fields.Integer()
    planned_at = fields.AwareDateTime()
    title = fields.String()
    kind = fields.String()
    goal_codes = fields.List(fields.String())
    target_group = fields.String()
    age_band = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    partners = fields.List(fields.String())
    room = fields.String(allow_none=True)
    series_id = fields.String(allow_none=True)
    description = fields.String(allow_none=True)


class SessionOpenSchema(RecordSchema):
    """Open a session of an activity: it starts taking check-ins."""

    activity_id = code(64, required=True)


class SessionCloseSchema(RecordSchema):
    """Close a session with its headcount and the tickets issued, if counted."""

    headcount = count(5000, load_default=None)
    tickets_issued = count(5000, load_default=None)


class HeadcountSchema(RecordSchema):
    """A typed-in total that replaces the count of check-ins."""

    headcount = count(5000, required=True)
    tickets_issued = count(5000, load_default=None)
    reason = text(500, load_default=None)


class CheckInSchema(RecordSchema):
    """One person at a session: a role and an age band, never a name."""

    role = choice(ROLES, required=True)
    age_band = choice(PERSON_AGE_BANDS, required=True)
    district = fields.String(
        load_default=None,
        metadata={"description": "One of the agreement's district codes."},
    )
    new_target_group = choice(NEW_TARGET_GROUPS, load_default=None)

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().resolve_context(data, **kwargs)
        district = data["district"]
        if district is not None and not data["agreement"].has_district(district):
            known = ", ".join(data["agreement"].district_codes)
            message = f"unknown district {district!r} (known: {known})"
            raise ValidationError(message, field_name="district")
        return data


class SessionOutSchema(Schema):
    session_id = fields.String()
    activity_id = fields.String()
    activity_title = fields.String(allow_none=True)
    branch = fields.String()
    status = fields.String(metadata={"enum": ["open", "closed"]})
    opened_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)
    goal_codes = fields.List(fields.String())
    checkins = fields.Integer(metadata={"description": "Live check-ins."})
    by_role = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_age_band = fields.Dict(keys=fields.String(), values=fields.Integer())
    headcount = fields.Integer(allow_none=True)
    tickets_issued = fields.Integer(allow_none=True)
    participants = fields.Integer(
        metadata={"description": "The headcount if one was given, else check-ins."}
    )
    version = fields.Integer()


class SessionQuerySchema(Schema):
    """?date=2025-03-14&branch=heemstede"""

    # Years the log can hold a day of (events.periods): year 1 would not convert.
    date = fields.Date(
        required=True,
        metadata={"example": "2025-03-14"},
        validate=validate.Range(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)),
    )
    branch = fields.String(load_default=None)
