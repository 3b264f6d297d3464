"""What the school, community, partner and communication reads answer.

A listed record shows its event's fields (`output_schema`); a community and a
partner are folded from their streams, and shown with their status.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import RecordOutSchema
from app.schemas.derive import output_schema
from events.outreach import (
    AdviceConversationHeld,
    CommunicationPublished,
    CommunityMeetingHeld,
    SchoolLessonGiven,
)


class PublishedOutSchema(RecordOutSchema):
    """A communication item's date is kept as text; shown as a date."""

    published_on = fields.String(metadata={"format": "date"})


SchoolLessonOutSchema = output_schema(SchoolLessonGiven, RecordOutSchema)
AdviceConversationOutSchema = output_schema(AdviceConversationHeld, RecordOutSchema)
MeetingOutSchema = output_schema(CommunityMeetingHeld, RecordOutSchema)
CommunicationOutSchema = output_schema(CommunicationPublished, PublishedOutSchema)


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


class CommunicationSummarySchema(Schema):
    period = fields.String()
    total = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
