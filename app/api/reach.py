"""What an account may see: its branches, and the activities and sessions in them.

A record out of an account's reach is answered as unknown (404), so that a
tablet or another municipality's staff cannot even learn that it exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_smorest import abort

from app.agreements import branches_of
from app.api.sessions_state import Activity, Session, fold_activity, fold_session
from app.auth import current_account
from events import RecordedEvent

PAGE = 10_000
# Who may read activities and sessions: readers, and tablets for their own branch.
SEEING = ("admin", "staff", "viewer", "tablet")


def may_see(branch: str) -> bool:
    """Whether the account reads and writes for this branch."""
    account = current_account()
    if account.role == "tablet":
        return branch == account.branch
    return branch in branches_of(account.municipality)


def branches_in_reach(asked: str | None = None) -> list[str]:
    """The branches a list is for: the one asked for if in reach, else all in reach."""
    account = current_account()
    allowed = (
        [account.branch]
        if account.role == "tablet"
        else branches_of(account.municipality)
    )
    return [b for b in ([asked] if asked else allowed) if b in allowed]


def read_stream(stream: str) -> list[RecordedEvent]:
    return current_app.extensions["store"].read_stream(stream)


def read_every(types: Sequence[str], prefix: str, **window: Any) -> list[RecordedEvent]:
    """Every event of some types in streams with a prefix, page by page."""
    store = current_app.extensions["store"]
    found: list[RecordedEvent] = []
    while True:
        after = found[-1].position if found else 0
        page = store.read_types(types, stream_prefix=prefix, after=after, **window)
        found.extend(page)
        if len(page) < PAGE:
            return found


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


def same_branch(data: dict, branch: str, what: str) -> None:
    """A write about a record is for the record's branch: 422 naming `branch`."""
    if data["branch"] != branch:
        detail = f"the {what} is of branch {branch!r}"
        abort(422, errors=[{"field": "branch", "in": "json", "detail": detail}])
