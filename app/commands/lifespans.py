"""Records with a lifespan: a community or a partnership opens, and later closes.

Folded from their streams: the opening event's fields, when it opened, and when
and why it closed, if it did. Ending one is the same command for both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from app.commands.caller import Caller
from app.commands.errors import Conflict, Invalid, NotFound
from app.commands.inputs import Doc, MaxLen, RecordInput
from app.commands.services import Services
from app.commands.where import history_in_reach, locate
from app.commands.writing import Recorded, write
from events import Event, RecordedEvent

State = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Ending(RecordInput):
    """A community ends or a partner leaves; `occurred_at` is when."""

    reason: Annotated[str | None, MaxLen(500), Doc("Why, in a few words.")] = None


@dataclass(frozen=True)
class Life:
    """A kind of lifespan: the events that open and close it, and its name."""

    opened: type[Event]
    closed: type[Event]
    what: str


def lifespan(
    history: Iterable[RecordedEvent], opened: str, closed: str
) -> State | None:
    """A stream's record with when it opened and closed; None if never opened."""
    state: State | None = None
    for event in history:
        if event.type == opened:
            state = {**event.data, "opened_at": event.occurred_at}
            state.update(closed_at=None, closed_reason=None)
        elif event.type == closed and state is not None:
            state.update(closed_at=event.occurred_at)
            state.update(closed_reason=event.data["reason"])
    return state


def closed_by(state: State, moment: datetime) -> bool:
    """Whether it had closed at or before a moment."""
    return state["closed_at"] is not None and state["closed_at"] <= moment


def current(
    services: Services, caller: Caller, stream: str, life: Life
) -> tuple[State, int]:
    """A lifespan's state now, and its stream's version; NotFound if there is none."""
    history = history_in_reach(services, caller, stream)
    state = lifespan(history, life.opened.TYPE, life.closed.TYPE)
    if state is None:
        raise NotFound(f"No such {life.what}.")
    return state, len(history)


def close(
    services: Services, caller: Caller, life: Life, ending: Ending, **ids: str
) -> Recorded:
    """End a lifespan: refused if it ended already, or dated before it began."""
    where = locate(services, caller, ending.branch, ending.occurred_at)
    record_id = next(iter(ids.values()))
    stream = life.closed.STREAM.format(**ids)
    state, version = current(services, caller, stream, life)
    if state["closed_at"] is not None:
        raise Conflict(f"This {life.what} has ended already.", "ended")
    if where.occurred_at < state["opened_at"]:
        raise Invalid("occurred_at", f"lies before the {life.what} began")
    # The record's own branch, whichever branch in reach the caller named.
    context = {k: state[k] for k in ("municipality", "branch")}
    event = life.closed(**context, **ids, reason=ending.reason)
    return write(services, caller, record_id, [event], where,
                 expected_version=version)  # fmt: skip
