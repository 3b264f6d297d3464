"""Activities: planned with their goal codes, changed as a whole, cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.errors import Conflict, Invalid, NotFound
from app.commands.inputs import (
    Doc,
    GoalCode,
    Interval,
    Len,
    MaxLen,
    NotBlank,
    RecordInput,
)
from app.commands.services import Services
from app.commands.where import Where, check_goals, covered, locate, may_see, same_branch
from app.commands.writing import Recorded, build, payload, write
from events.activities import (
    ActivityCancelled,
    ActivityChanged,
    ActivityPlan,
    ActivityPlanned,
)
from events.sessions import Activity, fold_activity

Kind = Literal[
    "reading_aloud", "language_cafe", "workshop", "lecture", "digital_skills",
    "community", "school_visit", "exhibition", "meeting", "other",
]  # fmt: skip
TargetGroup = Literal[
    "children", "parents", "youth", "adults", "seniors", "professionals",
    "newcomers", "everyone",
]  # fmt: skip
# A person's bands (app.commands.checkins), and "all": for activities only, as
# one person is in one age band.
AgeBand = Literal["0-3", "4-11", "12-17", "18-29", "30-64", "65+", "all"]
KINDS: tuple[str, ...] = get_args(Kind)
TARGET_GROUPS: tuple[str, ...] = get_args(TargetGroup)
AGE_BANDS: tuple[str, ...] = get_args(AgeBand)


@dataclass(frozen=True, kw_only=True)
class Plan(RecordInput):
    """An activity's whole plan: what, for whom, when, with whom, for which goals."""

    title: Annotated[str, Len(1, 200), NotBlank()]
    kind: Kind
    # A code given twice counts once: kept once, not refused.
    goal_codes: Annotated[list[GoalCode], Len(1, 20), Doc(example=["1.2"])]
    target_group: TargetGroup
    age_band: AgeBand
    starts_at: datetime
    ends_at: datetime
    partners: Annotated[
        list[Annotated[str, MaxLen(200)]],
        MaxLen(50),
        Doc("Partner organisations (never people)."),
    ] = field(default_factory=list)
    room: Annotated[str | None, MaxLen(100)] = None
    series_id: Annotated[
        str | None, Len(1, 64), Doc("Groups the activities of a recurring series.")
    ] = None
    description: Annotated[str | None, MaxLen(2000)] = None


@dataclass(frozen=True, kw_only=True)
class PlanChange(Plan):
    """The whole plan again; `expected_version` refuses to overwrite unseen changes."""

    expected_version: Annotated[
        int | None,
        Interval(ge=1),
        Doc("The version you last read; 409 if it moved on."),
    ] = None


@dataclass(frozen=True, kw_only=True)
class Cancellation(RecordInput):
    """Cancel a planned activity; it stays in the log, marked as cancelled."""

    reason: Annotated[str | None, MaxLen(500), Doc("Why, in a few words.")] = None


def plan_activity(services: Services, caller: Caller, plan: Plan) -> Recorded:
    """Plan an activity in a stream of its own."""
    where = _placed(services, caller, plan)
    activity_id = caller.new_id()
    event = _planned(ActivityPlanned, where, plan, activity_id)
    return write(services, caller, activity_id, [event], where, expected_version=0)


def change_activity(
    services: Services, caller: Caller, activity_id: str, change: PlanChange
) -> Recorded:
    """Replace an activity's plan with a whole new one, if still as last read."""
    where = _placed(services, caller, change)
    activity = _changeable(services, caller, activity_id, where)
    expected = change.expected_version
    if expected is not None and expected != activity.version:
        message = f"The activity is at version {activity.version}, not {expected}."
        raise Conflict(message, "version-conflict", "expected_version")
    event = _planned(ActivityChanged, where, change, activity_id)
    return write(services, caller, activity_id, [event], where,
                 expected_version=activity.version)  # fmt: skip


def cancel_activity(
    services: Services, caller: Caller, activity_id: str, cancellation: Cancellation
) -> Recorded:
    """Cancel an activity; a cancelled one is never changed again."""
    where = locate(services, caller, cancellation.branch, cancellation.occurred_at)
    activity = _changeable(services, caller, activity_id, where)
    event = build(ActivityCancelled, where, payload(cancellation),
                  activity_id=activity_id)  # fmt: skip
    return write(services, caller, activity_id, [event], where,
                 expected_version=activity.version)  # fmt: skip


def activity_in_reach(services: Services, caller: Caller, activity_id: str) -> Activity:
    """The activity as it stands; NotFound when unknown or out of reach."""
    activity = fold_activity(services.store.read_stream(f"activity-{activity_id}"))
    if activity is None or not may_see(services, caller, activity.branch):
        raise NotFound("No such activity.")
    return activity


def _placed(services: Services, caller: Caller, plan: Plan) -> Where:
    """Where a plan is made: both ends inside an agreement, its goals in the first."""
    if plan.ends_at <= plan.starts_at:
        raise Invalid("ends_at", "must lie after starts_at")
    where = locate(services, caller, plan.branch, plan.occurred_at)
    # The goals are those of the agreement the activity takes place under.
    held = covered(services, where.branch, plan.starts_at, "starts_at")
    covered(services, where.branch, plan.ends_at, "ends_at")
    check_goals(held, "goal_codes", plan.goal_codes)
    return where


def _planned(
    event_type: type[ActivityPlan], where: Where, plan: Plan, activity_id: str
) -> ActivityPlan:
    """The event carrying a whole plan, its goal codes each once."""
    return build(
        event_type,
        where,
        payload(plan, skip=("expected_version",)),
        activity_id=activity_id,
        goal_codes=list(dict.fromkeys(plan.goal_codes)),
        starts_at=plan.starts_at.isoformat(),
        ends_at=plan.ends_at.isoformat(),
    )


def _changeable(
    services: Services, caller: Caller, activity_id: str, where: Where
) -> Activity:
    """The activity a change is for: in reach, of the same branch, not cancelled."""
    activity = activity_in_reach(services, caller, activity_id)
    same_branch(where, activity.branch, "activity")
    if activity.cancelled:
        raise Conflict("The activity was cancelled.", "cancelled")
    return activity
