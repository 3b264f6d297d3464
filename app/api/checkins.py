"""Check-ins at a session, live or synced from an offline tablet, and retractions."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import abort

from app.api.reach import same_branch, session_header_in_reach, session_in_reach
from app.api.recording import Appended, append, build
from events.activities import ParticipantCheckedIn
from events.corrections import RecordRetracted
from events.sessions import Session


class Sessions:
    """The sessions one request checks in to, each read once."""

    def __init__(self) -> None:
        self.known: dict[str, Session] = {}

    def get(self, session_id: str) -> Session:
        if session_id not in self.known:
            self.known[session_id] = session_header_in_reach(session_id)
        return self.known[session_id]


def check_in(
    session_id: str,
    data: dict[str, Any],
    event_id: uuid.UUID,
    sessions: Sessions | None = None,
) -> Appended:
    """Append one check-in with its event id; the store answers a re-sent one."""
    session = (sessions or Sessions()).get(session_id)
    same_branch(data, session.branch, "session")
    # A tablet that was offline may sync check-ins made before the session closed.
    if session.closed_at is not None and data["occurred_at"] >= session.closed_at:
        abort(409, message="The session was closed by then.", kind="session-closed")
    event = build(ParticipantCheckedIn, data, session_id=session_id)
    return append(event, data, event_id=event_id)


def retract_check_in(
    session_id: str, checkin_id: str, data: dict[str, Any]
) -> Appended:
    """Append a RecordRetracted for a live check-in of the session."""
    session, _ = session_in_reach(session_id)
    same_branch(data, session.branch, "session")
    target = _event_id(checkin_id)
    if target in session.retracted:
        abort(409, message="This check-in was retracted already.", kind="retracted")
    if target not in session.checkins:
        abort(404, message="No such check-in at this session.")
    event = build(
        RecordRetracted,
        data,
        stream=f"session-{session_id}",
        retracted_event_id=target,
        retracted_type=ParticipantCheckedIn.TYPE,
    )
    return append(event, data, expected_version=session.version)


def _event_id(text: str) -> str:
    """An event id in the form the store gives it; '' for what is none."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""
