"""Records with a lifespan: a community or a partnership opens, and later closes.

Folded from their streams: the opening event's fields, when it opened, and when
and why it closed, if it did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_smorest import abort

from app.api.reach import stream_in_reach
from app.api.recording import answer, append
from events import Event, RecordedEvent


def lifespan(
    history: Iterable[RecordedEvent], opened: str, closed: str
) -> dict[str, Any] | None:
    """A stream's record with when it opened and closed; None if never opened."""
    state: dict[str, Any] | None = None
    for event in history:
        if event.type == opened:
            state = {**event.data, "opened_at": event.occurred_at}
            state.update(closed_at=None, closed_reason=None)
        elif event.type == closed and state is not None:
            state.update(closed_at=event.occurred_at)
            state.update(closed_reason=event.data["reason"])
    return state


def lifespans(
    events: Iterable[RecordedEvent], opened: str, closed: str
) -> list[dict[str, Any]]:
    """The lifespan of each stream among events, in the order the streams began."""
    streams: dict[str, list[RecordedEvent]] = defaultdict(list)
    for event in events:
        streams[event.stream_id].append(event)
    found = (lifespan(history, opened, closed) for history in streams.values())
    return [state for state in found if state is not None]


def alive_between(state: dict[str, Any], start: datetime, end: datetime) -> bool:
    """Whether it had opened before `end` and had not closed before `start`."""
    closed = state["closed_at"]
    return state["opened_at"] < end and (closed is None or closed >= start)


def closed_by(state: dict[str, Any], moment: datetime) -> bool:
    """Whether it had closed at or before a moment."""
    return state["closed_at"] is not None and state["closed_at"] <= moment


def current(
    stream: str, opened: type[Event], closed: type[Event], what: str
) -> tuple[dict[str, Any], int]:
    """A lifespan's state now, and its stream's version; 404 if there is none."""
    history = stream_in_reach(stream)
    state = lifespan(history, opened.TYPE, closed.TYPE)
    if state is None:
        abort(404, message=f"No such {what}.")
    return state, len(history)


def close(stream: str, opened: type[Event], closed: type[Event], data: dict[str, Any],
          what: str, **ids: str) -> dict[str, Any]:  # fmt: skip
    """End a lifespan: 409 if it ended already, 422 if dated before it began."""
    state, version = current(stream, opened, closed, what)
    if state["closed_at"] is not None:
        abort(409, message=f"This {what} has ended already.", kind="ended")
    if data["occurred_at"] < state["opened_at"]:
        detail = f"lies before the {what} began"
        abort(422, errors=[{"field": "occurred_at", "in": "json", "detail": detail}])
    context = {k: state[k] for k in ("municipality", "branch")}
    event = closed(**context, **ids, reason=data["reason"])
    appended = append(event, data, expected_version=version)
    return answer(next(iter(ids.values())), appended)
