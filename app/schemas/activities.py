"""Activities, their sessions: what is planned and who came, as the API shows them.

What a plan accepts is declared once, by the command's input
(`app.commands.activities`); these are the shapes of the reads.
"""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, fields, validate

from events.periods import FIRST_YEAR, LAST_YEAR


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
