"""Building events from a command's input, and appending them stamped.

`build` refuses an input field that the event does not carry: a field accepted
at the edge but dropped on the way in is a programming error, found by the
tests, never a silent 201.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from app.commands.caller import Caller
from app.commands.inputs import RecordInput
from app.commands.services import Services
from app.commands.where import Where
from events import Event, NewEvent
from events.store import ANY, AppendResult

# Recorded this long after it happened, a fact counts as back-dated.
BACKDATE_AFTER = timedelta(minutes=15)
# Fields of every input that the Where carries, not the event's payload.
CONTEXT = frozenset(f.name for f in dataclasses.fields(RecordInput))

E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Recorded:
    """A command's answer: the record's id, where its events went, its source."""

    id: str
    result: AppendResult
    source: str


def source_of(occurred_at: datetime, now: datetime) -> str:
    """'backdated' for what is recorded well after the fact, else 'live'."""
    return "backdated" if now - occurred_at > BACKDATE_AFTER else "live"


def payload(values: Any, skip: Collection[str] = ()) -> dict[str, Any]:
    """An input's fields as event data, less its context and what the command used."""
    return {
        f.name: getattr(values, f.name)
        for f in dataclasses.fields(values)
        if f.name not in CONTEXT and f.name not in skip
    }


def build(event_type: type[E], where: Where, data: dict[str, Any], **more: Any) -> E:
    """The event of a write; every field given must be one the event carries."""
    fields = {**data, **more}
    unknown = set(fields) - set(event_type.__dataclass_fields__)
    if unknown:
        raise TypeError(f"{event_type.TYPE} lacks {sorted(unknown)}")
    return event_type(municipality=where.municipality, branch=where.branch, **fields)


def write(
    services: Services,
    caller: Caller,
    record_id: str,
    events: Sequence[Event],
    where: Where,
    *,
    expected_version: int | None = ANY,
    event_ids: Sequence[uuid.UUID] | None = None,
    source: str | None = None,
) -> Recorded:
    """Append events of one stream atomically (the store screens them first)."""
    streams = {event.stream_id for event in events}
    if len(streams) != 1:
        raise ValueError(f"one append, one stream; got {sorted(streams)}")
    source = source or source_of(where.occurred_at, services.clock())
    metadata = caller.metadata(source)
    ids = event_ids or [caller.event_id(i) for i in range(len(events))]
    new_events = [
        NewEvent(
            type=event.TYPE,
            version=event.VERSION,
            data=event.to_data(),
            occurred_at=where.occurred_at,
            metadata=metadata,
            event_id=ids[i],
        )
        for i, event in enumerate(events)
    ]
    result = services.store.append(streams.pop(), new_events, expected_version)
    if not result.replayed:
        services.nudge()
    return Recorded(record_id, result, source)


def create(
    services: Services,
    caller: Caller,
    where: Where,
    event_type: type[Event],
    data: dict[str, Any],
    id_field: str,
    *,
    expected_version: int | None = ANY,
    **more: Any,
) -> Recorded:
    """A new record: its id made by the caller (from the key, so a retry names it
    again), put in the event's `id_field`, and the event appended."""
    record_id = caller.new_id()
    event = build(event_type, where, data, **{id_field: record_id}, **more)
    return write(services, caller, record_id, [event], where,
                 expected_version=expected_version)  # fmt: skip
