"""Work with schools, partners and communities, and communication about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.base import Event
from events.registry import register


@register
@dataclass(frozen=True, kw_only=True)
class SchoolLessonGiven(Event):
    """Reach is classes x pupils: counted, or estimated from the average class size."""

    TYPE = "SchoolLessonGiven"
    STREAM = "school-lesson-{lesson_id}"

    lesson_id: str
    school: str
    school_kind: str
    grade: str
    classes: int
    pupils: int
    pupils_estimated: bool
    goal_codes: list[str]
    title: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class AdviceConversationHeld(Event):
    TYPE = "AdviceConversationHeld"
    STREAM = "advice-{conversation_id}"

    conversation_id: str
    organisation: str
    organisation_kind: str
    goal_codes: list[str]
    topic: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class CommunityRegistered(Event):
    TYPE = "CommunityRegistered"
    STREAM = "community-{community_id}"

    community_id: str
    name: str
    target_group: str
    description: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class CommunityEnded(Event):
    TYPE = "CommunityEnded"
    STREAM = "community-{community_id}"

    community_id: str
    reason: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class CommunityMeetingHeld(Event):
    TYPE = "CommunityMeetingHeld"
    STREAM = "community-meeting-{meeting_id}"

    meeting_id: str
    community_id: str
    participants: int
    organised_by_community: bool
    open_to_others: bool
    goal_codes: list[str]
    title: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class PartnerJoined(Event):
    TYPE = "PartnerJoined"
    STREAM = "partner-{partner_id}"

    partner_id: str
    organisation: str
    kind: str
    goal_codes: list[str]


@register
@dataclass(frozen=True, kw_only=True)
class PartnerLeft(Event):
    TYPE = "PartnerLeft"
    STREAM = "partner-{partner_id}"

    partner_id: str
    reason: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class CommunicationPublished(Event):
    TYPE = "CommunicationPublished"
    STREAM = "communication-{item_id}"

    item_id: str
    channel: str
    title: str
    published_on: str
    goal_codes: list[str] = field(default_factory=list)
