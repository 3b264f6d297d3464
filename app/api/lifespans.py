"""Reading records with a lifespan: which communities or partners lived when.

The fold of one stream and the rules of ending one are the commands'
(`app.commands.lifespans`); here, many streams are folded for a list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from app.commands.lifespans import State, closed_by, lifespan
from events import RecordedEvent

__all__ = ["alive_between", "closed_by", "lifespan", "lifespans"]


def lifespans(events: Iterable[RecordedEvent], opened: str, closed: str) -> list[State]:
    """The lifespan of each stream among events, in the order the streams began."""
    streams: dict[str, list[RecordedEvent]] = defaultdict(list)
    for event in events:
        streams[event.stream_id].append(event)
    found = (lifespan(history, opened, closed) for history in streams.values())
    return [state for state in found if state is not None]


def alive_between(state: State, start: datetime, end: datetime) -> bool:
    """Whether it had opened before `end` and had not closed before `start`."""
    closed = state["closed_at"]
    return state["opened_at"] < end and (closed is None or closed >= start)
