"""Activities and their sessions, and who took part (never by name)."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.base import Event
from events.registry import register


@dataclass(frozen=True, kw_only=True)
class ActivityPlan(Event):
    """The fields of a plan; planned first, changed later as a whole.

    v2: `age_band` is one of the bands that do not overlap ("4-11", not "4-12");
    v1 plans are lifted by `events.upcasters`.
    """

    VERSION = 2
    STREAM = "activity-{activity_id}"

    activity_id: str
    title: str
    kind: str
    goal_codes: list[str]
    target_group: str
    age_band: str
    starts_at: str
    ends_at: str
    partners: list[str] = field(default_factory=list)
    room: str | None = None
    series_id: str | None = None
    description: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class ActivityPlanned(ActivityPlan):
    """An activity is planned; its goal codes say which goals it counts for."""

    TYPE = "ActivityPlanned"


@register
@dataclass(frozen=True, kw_only=True)
class ActivityChanged(ActivityPlan):
    """The plan changed: the event carries the whole plan as it now stands."""

    TYPE = "ActivityChanged"


@register
@dataclass(frozen=True, kw_only=True)
class ActivityCancelled(Event):
    TYPE = "ActivityCancelled"
    STREAM = "activity-{activity_id}"

    activity_id: str
    reason: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class SessionOpened(Event):
    """One occurrence of an activity starts taking check-ins."""

    TYPE = "SessionOpened"
    STREAM = "session-{session_id}"

    session_id: str
    activity_id: str
    goal_codes: list[str]


@register
@dataclass(frozen=True, kw_only=True)
class SessionClosed(Event):
    """A session ends with its headcount and the tickets issued (seed footnote 1)."""

    TYPE = "SessionClosed"
    STREAM = "session-{session_id}"

    session_id: str
    headcount: int | None = None
    tickets_issued: int | None = None


@register
@dataclass(frozen=True, kw_only=True)
class HeadcountCorrected(Event):
    TYPE = "HeadcountCorrected"
    STREAM = "session-{session_id}"

    session_id: str
    headcount: int
    tickets_issued: int | None = None
    reason: str | None = None


@register
@dataclass(frozen=True, kw_only=True)
class ParticipantCheckedIn(Event):
    """One person checked in at a session: a role and an age band, never a name.

    v2: `age_band` is one of the bands that do not overlap ("4-11", not "4-12");
    v1 check-ins are lifted by `events.upcasters`.
    """

    TYPE = "ParticipantCheckedIn"
    VERSION = 2
    STREAM = "session-{session_id}"

    session_id: str
    role: str
    age_band: str
    district: str | None = None
    new_target_group: str | None = None
