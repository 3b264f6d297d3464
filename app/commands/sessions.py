"""Sessions of an activity: opened, closed with a headcount, the count corrected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from app.commands.caller import Caller
from app.commands.errors import Conflict, NotFound
from app.commands.inputs import Doc, Interval, Len, MaxLen, RecordInput
from app.commands.services import Services
from app.commands.where import locate, may_see, same_branch
from app.commands.writing import Recorded, build, create, payload, write
from events.activities import HeadcountCorrected, SessionClosed, SessionOpened
from events.sessions import Session, fold_activity, fold_session

Count = Annotated[int | None, Interval(ge=0, le=5000)]


@dataclass(frozen=True, kw_only=True)
class Opening(RecordInput):
    """Open a session of an activity: it starts taking check-ins."""

    activity_id: Annotated[str, Len(1, 64)]


@dataclass(frozen=True, kw_only=True)
class Closing(RecordInput):
    """Close a session with its headcount and the tickets issued, if counted."""

    headcount: Count = None
    tickets_issued: Count = None


@dataclass(frozen=True, kw_only=True)
class Correction(RecordInput):
    """A typed-in total that replaces the count of check-ins."""

    headcount: Annotated[int, Interval(ge=0, le=5000)]
    tickets_issued: Count = None
    reason: Annotated[str | None, MaxLen(500), Doc("Why it changed.")] = None


def session_in_reach(
    services: Services, caller: Caller, session_id: str, header: bool = False
) -> Session:
    """The session as it stands; NotFound when unknown or out of reach.

    `header` reads only its opening and closing: a check-in needs its branch
    and when it closed, not the thousands of check-ins before it.
    """
    types = [SessionOpened.TYPE, SessionClosed.TYPE] if header else None
    stream = services.store.read_stream(f"session-{session_id}", types=types)
    session = fold_session(stream)
    if session is None or not may_see(services, caller, session.branch):
        raise NotFound("No such session.", field="session_id")
    return session


def open_session(services: Services, caller: Caller, opening: Opening) -> Recorded:
    """Open a session of a planned activity, counting for the activity's goals."""
    where = locate(services, caller, opening.branch, opening.occurred_at)
    history = services.store.read_stream(f"activity-{opening.activity_id}")
    activity = fold_activity(history)
    if activity is None or not may_see(services, caller, activity.branch):
        raise NotFound("No such activity.", field="activity_id")
    same_branch(where, activity.branch, "activity")
    if activity.cancelled:
        raise Conflict("The activity was cancelled.", "cancelled", "activity_id")
    return create(services, caller, where, SessionOpened, payload(opening),
                  "session_id", expected_version=0,
                  goal_codes=activity.plan["goal_codes"])  # fmt: skip


def close_session(
    services: Services, caller: Caller, session_id: str, closing: Closing
) -> Recorded:
    """Close an open session, with its headcount and tickets if counted."""
    where = locate(services, caller, closing.branch, closing.occurred_at)
    session = session_in_reach(services, caller, session_id)
    same_branch(where, session.branch, "session")
    if session.closed_at is not None:
        raise Conflict("The session was closed already.", "closed")
    event = build(SessionClosed, where, payload(closing), session_id=session_id)
    return write(services, caller, session_id, [event], where,
                 expected_version=session.version)  # fmt: skip


def correct_headcount(
    services: Services, caller: Caller, session_id: str, correction: Correction
) -> Recorded:
    """Correct a session's headcount: the typed-in total replaces the count."""
    where = locate(services, caller, correction.branch, correction.occurred_at)
    session = session_in_reach(services, caller, session_id)
    same_branch(where, session.branch, "session")
    event = build(HeadcountCorrected, where, payload(correction), session_id=session_id)
    return write(services, caller, session_id, [event], where)
