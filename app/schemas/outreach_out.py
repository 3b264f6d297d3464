"""What the school, community, partner and communication reads answer."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import RecordOutSchema


class SchoolLessonOutSchema(RecordOutSchema):
    lesson_id = fields.String()
    school = fields.String()
    school_kind = fields.String()
    grade = fields.String()
    classes = fields.Integer()
    pupils = fields.Integer()
    pupils_estimated = fields.Boolean()
    goal_codes = fields.List(fields.String())
    title = fields.String(allow_none=True)


class AdviceConversationOutSchema(RecordOutSchema):
    conversation_id = fields.String()
    organisation = fields.String()
    organisation_kind = fields.String()
    topic = fields.String(allow_none=True)
    goal_codes = fields.List(fields.String())


class MeetingOutSchema(RecordOutSchema):
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


class CommunicationOutSchema(RecordOutSchema):
    item_id = fields.String()
    channel = fields.String()
    title = fields.String()
    published_on = fields.String(metadata={"format": "date"})
    goal_codes = fields.List(fields.String())


class CommunicationSummarySchema(Schema):
    period = fields.String()
    total = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
