"""What an account may read: its branches, and the records of those branches.

The reach itself is the commands' rule (app.commands.where): a tablet reaches
its own branch, staff and viewers their municipality's, an admin every branch.
A record out of reach reads as unknown (404), so that a tablet or another
municipality's staff cannot even learn that it exists; a branch out of reach
named in a query is refused (422 naming `branch`), as is an unknown one.
"""

from __future__ import annotations

from flask_smorest import abort

from app.callers import caller, services
from app.commands import where
from app.commands.sessions import session_in_reach as session_state
from events import RecordedEvent
from events.sessions import Session

# Who may read activities and sessions: readers, and tablets for their own branch.
SEEING = ("admin", "staff", "viewer", "tablet")


def branches_asked(asked: str | None) -> list[str]:
    """The branches a list covers: all in reach, or the one asked for if in reach."""
    allowed = where.reach(services(), caller())
    if asked is None:
        return allowed
    if asked not in allowed:
        detail = "unknown branch, or one out of your reach"
        abort(422, errors=[{"field": "branch", "in": "query", "detail": detail}])
    return [asked]


def read_stream(stream: str) -> list[RecordedEvent]:
    return services().store.read_stream(stream)


def stream_in_reach(stream: str) -> list[RecordedEvent]:
    """A record's stream; 404 when it is empty or of a branch out of reach."""
    return where.history_in_reach(services(), caller(), stream)


def session_in_reach(session_id: str) -> Session:
    """The session as it stands; 404 when unknown or out of reach."""
    return session_state(services(), caller(), session_id)
