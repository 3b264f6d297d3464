"""Sessions of an activity: opened, closed with a headcount, the count corrected.

A tablet that is offline opens a session under an id it makes itself (the
`session_id` of the opening), so that the check-ins it takes meanwhile can name
the session before the server has seen it. Each write takes the event id it is
given (an offline item's own id), so one sent again is answered by the store
with the first.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from app.commands.caller import Caller
from app.commands.errors import Conflict, NotFound
from app.commands.formats import Parses
from app.commands.inputs import Doc, Interval, Len, MaxLen, RecordInput
from app.commands.services import Services
from app.commands.where import Where, locate, may_see, same_branch
from app.commands.writing import Recorded, build, payload, write
from events import RecordedEvent
from events.activities import HeadcountCorrected, SessionClosed, SessionOpened
from events.sessions import Session, fold_activity, fold_session
from events.store import WrongExpectedVersion

Count = Annotated[int | None, Interval(ge=0, le=5000)]
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
TAKEN = "This session_id is taken by another session."
# How often a write that expects a session's version is tried when check-ins race it.
RACES = 5


def session_code(text: str) -> str:
    """A session id a client made: 1-64 letters, digits, '-' and '_'."""
    if not SESSION_ID.fullmatch(text):
        raise ValueError("1 to 64 of A-Z, a-z, 0-9, '-' and '_', e.g. a uuid's hex")
    return text


ClientSessionId = Annotated[
    str,
    Len(1, 64),
    Parses(session_code),
    Doc("The session's id made by the client (1-64 of A-Z a-z 0-9 - _, e.g. a "
        "uuid's hex), as a tablet does offline.",
        example="3f2a9c0e5b7d4e1f8a6b2c4d9e0f1a2b"),
]  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Opening(RecordInput):
    """Open a session of an activity: it starts taking check-ins.

    Without `session_id` the server makes the session's id.
    """

    activity_id: Annotated[str, Len(1, 64)]
    session_id: ClientSessionId | None = None


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


def open_session(
    services: Services,
    caller: Caller,
    opening: Opening,
    event_id: uuid.UUID | None = None,
) -> Recorded:
    """Open a session of a planned activity, counting for the activity's goals.

    Under a client's session id, the same opening sent again (the same event
    id) is answered with the first, whatever became of the activity since; any
    other opening under that id is refused, naming `session_id`.
    """
    where = locate(services, caller, opening.branch, opening.occurred_at)
    event_id = event_id or caller.event_id()
    session_id = opening.session_id or caller.new_id()
    opened = _opening_of(services, session_id) if opening.session_id else None
    if opened is None:
        goal_codes = _goals_of(services, caller, where, opening.activity_id)
    elif opened.event_id == event_id:
        goal_codes = opened.data["goal_codes"]  # the store compares the rest
    else:
        raise Conflict(TAKEN, "session-id-taken", "session_id")
    event = build(SessionOpened, where, payload(opening, skip=("session_id",)),
                  session_id=session_id, goal_codes=goal_codes)  # fmt: skip
    try:
        return write(services, caller, session_id, [event], where,
                     expected_version=0, event_ids=[event_id])  # fmt: skip
    except WrongExpectedVersion:  # another opening under this id came first
        raise Conflict(TAKEN, "session-id-taken", "session_id") from None


def close_session(
    services: Services,
    caller: Caller,
    session_id: str,
    closing: Closing,
    event_id: uuid.UUID | None = None,
) -> Recorded:
    """Close an open session, with its headcount and tickets if counted.

    A session closes once: the same close sent again (the same event id) is
    answered with the first; another close is refused.
    """
    where = locate(services, caller, closing.branch, closing.occurred_at)
    event_id = event_id or caller.event_id()

    def attempt() -> Recorded:
        session = session_in_reach(services, caller, session_id)
        same_branch(where, session.branch, "session")
        # The same close sent again goes on: the store answers it with the first.
        if session.closed_at is not None and not written(
            services, session_id, SessionClosed.TYPE, event_id
        ):
            raise Conflict("The session was closed already.", "closed", "session_id")
        event = build(SessionClosed, where, payload(closing), session_id=session_id)
        return write(services, caller, session_id, [event], where,
                     expected_version=session.version,
                     event_ids=[event_id])  # fmt: skip

    return settled(attempt)


def correct_headcount(
    services: Services, caller: Caller, session_id: str, correction: Correction
) -> Recorded:
    """Correct a session's headcount: the typed-in total replaces the count."""
    where = locate(services, caller, correction.branch, correction.occurred_at)
    session = session_in_reach(services, caller, session_id)
    same_branch(where, session.branch, "session")
    event = build(HeadcountCorrected, where, payload(correction), session_id=session_id)
    return write(services, caller, session_id, [event], where)


def _goals_of(
    services: Services, caller: Caller, where: Where, activity_id: str
) -> list[str]:
    """The goal codes a new session of the activity counts for."""
    activity = fold_activity(services.store.read_stream(f"activity-{activity_id}"))
    if activity is None or not may_see(services, caller, activity.branch):
        raise NotFound("No such activity.", field="activity_id")
    same_branch(where, activity.branch, "activity")
    if activity.cancelled:
        raise Conflict("The activity was cancelled.", "cancelled", "activity_id")
    return activity.plan["goal_codes"]


def _opening_of(services: Services, session_id: str) -> RecordedEvent | None:
    """The event that opened a session, if one did."""
    first = services.store.read_stream(f"session-{session_id}", limit=1)
    return first[0] if first else None


def settled(attempt: Callable[[], Recorded]) -> Recorded:
    """A write that expects the session's version, tried again (reading the
    session afresh) when a check-in from another tablet came in between."""
    for _ in range(RACES - 1):
        try:
            return attempt()
        except WrongExpectedVersion:
            continue
    return attempt()


def written(
    services: Services, session_id: str, event_type: str, event_id: uuid.UUID
) -> bool:
    """Whether the session's stream holds an event of the type with this id."""
    stream = services.store.read_stream(f"session-{session_id}", types=[event_type])
    return any(e.event_id == event_id for e in stream)
