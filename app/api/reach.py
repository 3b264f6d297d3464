"""What an account may see: its branches, and the records of those branches.

A tablet reaches its own branch; staff and viewers the branches of their
municipality; an admin every branch. A record out of an account's reach is
answered as unknown (404), so that a tablet or another municipality's staff
cannot even learn that it exists; a branch out of reach named in a query is
refused (422 naming `branch`), as is an unknown one.
"""

from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from app.agreements import branches_of
from app.auth import current_account
from events import RecordedEvent
from events.activities import SessionClosed, SessionOpened
from events.sessions import Activity, Session, fold_activity, fold_session

# Who may read activities and sessions: readers, and tablets for their own branch.
SEEING = ("admin", "staff", "viewer", "tablet")


def branches_in_reach() -> list[str]:
    """The branches the account reads and writes for."""
    account = current_account()
    if account.role == "tablet":
        return [account.branch]
    return branches_of(account.municipality)


def may_see(branch: str) -> bool:
    """Whether the account reads and writes for this branch."""
    return branch in branches_in_reach()


def branches_asked(asked: str | None) -> list[str]:
    """The branches a list covers: all in reach, or the one asked for if in reach."""
    allowed = branches_in_reach()
    if asked is None:
        return allowed
    if asked not in allowed:
        detail = f"unknown branch {asked!r}"
        abort(422, errors=[{"field": "branch", "in": "query", "detail": detail}])
    return [asked]


def read_stream(stream: str) -> list[RecordedEvent]:
    return current_app.extensions["store"].read_stream(stream)


def stream_in_reach(stream: str) -> list[RecordedEvent]:
    """A record's stream; 404 when it is empty or of a branch out of reach."""
    history = read_stream(stream)
    if not history or not may_see(history[0].data["branch"]):
        abort(404, message="No such record.")
    return history


def activity_in_reach(activity_id: str) -> tuple[Activity, list[RecordedEvent]]:
    """The activity and its stream; 404 when unknown or out of reach."""
    history = read_stream(f"activity-{activity_id}")
    activity = fold_activity(history)
    if activity is None or not may_see(activity.branch):
        abort(404, message="No such activity.")
    return activity, history


def session_in_reach(session_id: str) -> tuple[Session, list[RecordedEvent]]:
    """The session and its stream; 404 when unknown or out of reach."""
    history = read_stream(f"session-{session_id}")
    session = fold_session(history)
    if session is None or not may_see(session.branch):
        abort(404, message="No such session.")
    return session, history


def session_header_in_reach(session_id: str) -> Session:
    """The session as opened and closed, without reading its check-ins; 404 else.

    A check-in needs to know the session's branch and when it closed, not the
    thousands of check-ins before it.
    """
    stream = current_app.extensions["store"].read_stream(
        f"session-{session_id}", types=[SessionOpened.TYPE, SessionClosed.TYPE]
    )
    session = fold_session(stream)
    if session is None or not may_see(session.branch):
        abort(404, message="No such session.")
    return session


def same_branch(data: dict, branch: str, what: str) -> None:
    """A write about a record is for the record's branch: 422 naming `branch`."""
    if data["branch"] != branch:
        detail = f"the {what} is of branch {branch!r}"
        abort(422, errors=[{"field": "branch", "in": "json", "detail": detail}])
