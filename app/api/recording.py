"""Writing records: build an event from request data, append it, answer the 201.

Every write of one event goes through `append`, which decides the event's
source once (live or back-dated, kept in the metadata) and hands it back for
the answer. A caller that checked a stream's history passes the version it read
(`expected_version`), so the check still holds when the event lands; check-ins
and offline items pass the client's `event_id`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from flask_smorest import abort

from app.api.reach import may_see, read_stream
from app.commands import Recorded
from app.legacy_record import record, source_of
from events import Event, RecordedEvent
from events.corrections import RecordRetracted
from events.store import ANY, AppendResult


class Appended(NamedTuple):
    """Where an append put its event, and the source it was recorded with."""

    result: AppendResult
    source: str


def answered(recorded: Recorded) -> dict[str, Any]:
    """The 201 body of a command: the record's id, and where it is in the log."""
    result = recorded.result
    return {
        "id": recorded.id,
        "stream": result.stream_id,
        "positions": list(result.positions),
        "source": recorded.source,
    }


def new_id() -> str:
    return uuid.uuid4().hex


def answer(record_id: str, appended: Appended) -> dict[str, Any]:
    """The 201 body of a write: the record's id, and where it is in the log."""
    result = appended.result
    return {
        "id": record_id,
        "stream": result.stream_id,
        "positions": list(result.positions),
        "source": appended.source,
    }


def build(event_type: type[Event], data: dict[str, Any], **fields: Any) -> Event:
    """An event from loaded request data, with its branch's context."""
    context = {k: data[k] for k in ("municipality", "branch")}
    payload = {k: v for k, v in data.items() if k in event_type.__dataclass_fields__}
    return event_type(**{**payload, **context, **fields})


def append(
    event: Event,
    data: dict[str, Any],
    *,
    expected_version: int | None = ANY,
    event_id: uuid.UUID | None = None,
) -> Appended:
    """Append one event (screened, stamped) at the moment the request gave."""
    when = data["occurred_at"]
    source = source_of(when)
    ids = None if event_id is None else [event_id]
    result = record(
        [event], when, expected_version=expected_version, event_ids=ids, source=source
    )
    return Appended(result, source)


def record_one(
    event_type: type[Event],
    record_id: str,
    data: dict[str, Any],
    *,
    expected_version: int | None = ANY,
    event_id: uuid.UUID | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Build one event from loaded request data and append it; the 201 body."""
    event = build(event_type, data, **fields)
    options = {"expected_version": expected_version, "event_id": event_id}
    return answer(record_id, append(event, data, **options))


def retract(
    stream: str, retracted_type: str, data: dict[str, Any], **match: str
) -> dict[str, Any]:
    """Append a RecordRetracted for the live record of `retracted_type` in a stream."""
    history = read_stream(stream)
    target = _target(history, retracted_type, match)
    if any(e.type == RecordRetracted.TYPE for e in history):
        abort(409, message="This record was retracted already.", kind="retracted")
    event = RecordRetracted(
        municipality=target.data["municipality"],
        branch=target.data["branch"],
        stream=stream,
        retracted_event_id=str(target.event_id),
        retracted_type=retracted_type,
        reason=data.get("reason"),
    )
    return answer(stream, append(event, data, expected_version=len(history)))


def _target(
    history: Sequence[RecordedEvent], retracted_type: str, match: dict[str, str]
) -> RecordedEvent:
    """The record a retraction is for; 404 if none, out of reach, or not `match`.

    `match` names fields the record must hold: a community's meeting is
    retracted only through that community.
    """
    target = next((e for e in history if e.type == retracted_type), None)
    if (
        target is None
        or not may_see(target.data["branch"])
        or any(target.data.get(k) != v for k, v in match.items())
    ):
        abort(404, message="No such record.")
    return target
