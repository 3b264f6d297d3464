"""Appending one event about a record that may already have a history.

Like `recording.record_one`, but the caller passes the stream version it read
(so that a check made on that history still holds when the event lands) and,
for check-ins and offline items, the event id.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from flask_smorest import abort

from app.api.recording import answer
from app.commands import record, source_of
from events import Event, RecordedEvent
from events.store import ANY, AppendResult


def build(event_type: type[Event], data: dict[str, Any], **fields: Any) -> Event:
    """An event from loaded request data, with the branch's context and source."""
    context = {k: data[k] for k in ("municipality", "branch")}
    payload = {k: v for k, v in data.items() if k in event_type.__dataclass_fields__}
    source = source_of(data["occurred_at"])
    return event_type(**{**payload, **context, **fields, "source": source})


def append(
    event: Event,
    data: dict[str, Any],
    *,
    expected_version: int | None = ANY,
    event_id: uuid.UUID | None = None,
) -> AppendResult:
    """Append one event (screened, stamped) at the moment the request gave."""
    ids = None if event_id is None else [event_id]
    return record(
        [event], data["occurred_at"], expected_version=expected_version, event_ids=ids
    )


def recorded(record_id: str, event: Event, data: dict[str, Any],
             **options: Any) -> dict[str, Any]:  # fmt: skip
    """Append one event; the 201 body naming `record_id`."""
    return answer(record_id, append(event, data, **options), event.source)


def earlier(
    found: RecordedEvent | None, event: Event, event_id: uuid.UUID
) -> AppendResult | None:
    """The earlier append of this event id, if `found`: a re-sent record.

    Compared without `source`: an item re-sent an hour later is the same record,
    though it would now count as back-dated.
    """
    if found is None:
        return None
    if found.type != event.TYPE or _content(found.data) != _content(event.to_data()):
        message = f"The id {event_id} was used for another record."
        abort(409, message=message, kind="event-id-reused")
    return AppendResult(
        found.stream_id, (found.position,), found.stream_version, replayed=True
    )


def with_id(
    history: Sequence[RecordedEvent], event_id: uuid.UUID
) -> RecordedEvent | None:
    """The event of a stream with this id, if any."""
    return next((e for e in history if e.event_id == event_id), None)


def _content(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps({k: v for k, v in data.items() if k != "source"}))
