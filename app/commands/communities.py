"""Communities (goal 2.1, footnote 3): registered, meeting, ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.errors import Conflict, Invalid
from app.commands.inputs import (
    Doc,
    GoalCodes,
    Interval,
    Len,
    MaxLen,
    NotBlank,
    RecordInput,
)
from app.commands.lifespans import Ending, Life, State, close, closed_by, current
from app.commands.retractions import Retraction, retract
from app.commands.services import Services
from app.commands.where import Where, check_goals, locate
from app.commands.writing import Recorded, create, payload
from events.outreach import CommunityEnded, CommunityMeetingHeld, CommunityRegistered

TargetGroup = Literal[
    "children", "youth", "adults", "seniors", "families", "newcomers", "mixed",
]  # fmt: skip
TARGET_GROUPS: tuple[str, ...] = get_args(TargetGroup)
LIFE = Life(CommunityRegistered, CommunityEnded, "community")


@dataclass(frozen=True, kw_only=True)
class Community(RecordInput):
    """A community (footnote 3): a group that organises its own activities."""

    name: Annotated[
        str, Len(1, 200), NotBlank(), Doc("The community's name, not a person's")
    ]
    target_group: TargetGroup
    description: Annotated[str | None, MaxLen(1000)] = None


@dataclass(frozen=True, kw_only=True)
class Meeting(RecordInput):
    """One meeting of a community, with how many took part."""

    participants: Annotated[int, Interval(ge=0, le=5000)]
    organised_by_community: bool
    open_to_others: bool
    goal_codes: Annotated[GoalCodes, Doc(example=["2.1"])] = field(
        default_factory=lambda: ["2.1"]
    )
    title: Annotated[str | None, MaxLen(200)] = None


def register_community(
    services: Services, caller: Caller, community: Community
) -> Recorded:
    """Register a community that organises its own activities."""
    where = locate(services, caller, community.branch, community.occurred_at)
    data = payload(community)
    return create(services, caller, where, CommunityRegistered, data, "community_id")


def end_community(
    services: Services, caller: Caller, community_id: str, ending: Ending
) -> Recorded:
    """Record that a community stopped."""
    return close(services, caller, LIFE, ending, community_id=community_id)


def hold_meeting(
    services: Services, caller: Caller, community_id: str, meeting: Meeting
) -> Recorded:
    """Record a meeting of a community and how many took part."""
    where = locate(services, caller, meeting.branch, meeting.occurred_at)
    check_goals(where.agreement, "goal_codes", meeting.goal_codes)
    state, _ = current(services, caller, f"community-{community_id}", LIFE)
    _check_meeting(state, where)
    return create(services, caller, where, CommunityMeetingHeld, payload(meeting),
                  "meeting_id", community_id=community_id)  # fmt: skip


def retract_meeting(
    services: Services,
    caller: Caller,
    community_id: str,
    meeting_id: str,
    retraction: Retraction,
) -> Recorded:
    """Retract a community meeting recorded in error, only through its community."""
    stream = f"community-meeting-{meeting_id}"
    return retract(services, caller, stream, CommunityMeetingHeld.TYPE, retraction,
                   community_id=community_id)  # fmt: skip


def _check_meeting(state: State, where: Where) -> None:
    """A meeting is held at the community's branch, while it exists."""
    if closed_by(state, where.occurred_at):
        raise Conflict("This community has ended.", "ended")
    problems = {}
    if where.occurred_at < state["opened_at"]:
        problems["occurred_at"] = "lies before the community was registered"
    if where.branch != state["branch"]:
        problems["branch"] = "is not the community's branch"
    if problems:
        (name, detail), *_ = problems.items()
        raise Invalid(name, detail, **problems)
