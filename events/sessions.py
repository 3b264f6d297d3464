"""An activity's or a session's stream folded into its current state (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from events import RecordedEvent
from events.corrections import live, retracted


def participants(checkins: int, headcount: int | None) -> int:
    """A typed-in headcount replaces the taps: 23 counted, not 23 plus taps."""
    return checkins if headcount is None else headcount


PLAN_TYPES = ("ActivityPlanned", "ActivityChanged")
# The base fields every event carries: not part of a plan.
BASE_FIELDS = ("municipality", "branch", "activity_id")


@dataclass(frozen=True)
class Activity:
    """An activity's plan as it now stands, whether it is cancelled, its version."""

    activity_id: str
    municipality: str
    branch: str
    plan: dict[str, Any]
    cancelled: bool
    version: int
    planned_at: datetime

    @property
    def status(self) -> str:
        return "cancelled" if self.cancelled else "planned"


@dataclass(frozen=True)
class Session:
    """A session: open or closed, its live check-ins and its latest headcount."""

    session_id: str
    activity_id: str
    municipality: str
    branch: str
    goal_codes: list[str]
    opened_at: datetime
    version: int
    closed_at: datetime | None = None
    checkins: dict[str, dict[str, Any]] = field(default_factory=dict)
    retracted: frozenset[str] = frozenset()
    headcount: int | None = None
    tickets_issued: int | None = None

    @property
    def status(self) -> str:
        return "open" if self.closed_at is None else "closed"

    @property
    def participants(self) -> int:
        return participants(len(self.checkins), self.headcount)

    def by(self, name: str) -> dict[str, int]:
        """The live check-ins counted by one of their fields (role, age band)."""
        return dict(Counter(c[name] for c in self.checkins.values()))


def fold_activity(history: Sequence[RecordedEvent]) -> Activity | None:
    """An activity's stream to its state; None for a stream without a plan."""
    plans = [e for e in history if e.type in PLAN_TYPES]
    if not plans:
        return None
    first, latest = plans[0], plans[-1]
    plan = {k: v for k, v in latest.data.items() if k not in BASE_FIELDS}
    return Activity(
        activity_id=first.data["activity_id"],
        municipality=first.data["municipality"],
        branch=first.data["branch"],
        plan=plan,
        cancelled=any(e.type == "ActivityCancelled" for e in history),
        version=history[-1].stream_version,
        planned_at=first.occurred_at,
    )


def fold_session(history: Sequence[RecordedEvent]) -> Session | None:
    """A session's stream to its state; None for a stream that was never opened."""
    if not history or history[0].type != "SessionOpened":
        return None
    opened = history[0]
    state: dict[str, Any] = {}
    for event in history[1:]:
        if event.type in COUNTED:
            _counted(state, event)
        if event.type == "SessionClosed":
            state["closed_at"] = event.occurred_at
    checkins = {
        str(e.event_id): e.data
        for e in live(history)
        if e.type == "ParticipantCheckedIn"
    }
    return Session(
        session_id=opened.data["session_id"],
        activity_id=opened.data["activity_id"],
        municipality=opened.data["municipality"],
        branch=opened.data["branch"],
        goal_codes=list(opened.data["goal_codes"]),
        opened_at=opened.occurred_at,
        version=history[-1].stream_version,
        checkins=checkins,
        retracted=frozenset(retracted(history)),
        **state,
    )


# The events that give a session's headcount and tickets: the latest figure wins.
COUNTED = ("SessionClosed", "HeadcountCorrected")


def _counted(state: dict[str, Any], event: RecordedEvent) -> None:
    # A close without a figure keeps an earlier correction.
    for name in ("headcount", "tickets_issued"):
        if event.data.get(name) is not None:
            state[name] = event.data[name]
