"""Helpers every resource uses to record and to read back its records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_smorest import abort

from app.commands import record, source_of
from events import Event, RecordedEvent
from events.corrections import RecordRetracted
from events.periods import Period, parse_period
from events.store import AppendResult


def new_id() -> str:
    return uuid.uuid4().hex


def answer(record_id: str, result: AppendResult, source: str) -> dict[str, Any]:
    return {
        "id": record_id,
        "stream": result.stream_id,
        "positions": list(result.positions),
        "source": source,
    }


def record_one(event_type: type[Event], record_id: str, data: dict[str, Any],
               **fields: Any) -> dict[str, Any]:  # fmt: skip
    """Build one event from loaded request data and append it; the 201 body."""
    context = {k: data[k] for k in ("municipality", "branch")}
    source = source_of(data["occurred_at"])
    payload = {k: v for k, v in data.items() if k in event_type.__dataclass_fields__}
    event = event_type(**{**payload, **context, **fields, "source": source})
    result = record([event], data["occurred_at"])
    return answer(record_id, result, source)


def retract(stream: str, retracted_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Append a RecordRetracted for the live record of `retracted_type` in a stream."""
    store = current_app.extensions["store"]
    history = store.read_stream(stream)
    target = next((e for e in history if e.type == retracted_type), None)
    if target is None:
        abort(404, message="No such record.")
    if any(e.type == RecordRetracted.TYPE for e in history):
        abort(409, message="This record was retracted already.", kind="retracted")
    event = RecordRetracted(
        municipality=target.data["municipality"],
        branch=target.data["branch"],
        source=source_of(data["occurred_at"]),
        stream=stream,
        retracted_event_id=str(target.event_id),
        retracted_type=retracted_type,
        reason=data.get("reason"),
    )
    result = record([event], data["occurred_at"], expected_version=len(history))
    return answer(stream, result, event.source)


def period_arg(text: str) -> Period:
    try:
        return parse_period(text)
    except ValueError as error:
        abort(422, errors=[{"field": "period", "in": "query", "detail": str(error)}])


def live_records(
    event_type: str,
    stream_prefix: str,
    period: Period,
    branches: Sequence[str],
) -> list[RecordedEvent]:
    """The records of a type in a period and branches, leaving out retracted ones."""
    store = current_app.extensions["store"]
    start, end = period.bounds(current_app.extensions["bieb_config"].zone)
    found = store.read_types(
        [event_type], stream_prefix=stream_prefix, occurred_from=start, occurred_to=end
    )
    retracted = {
        e.data["retracted_event_id"]
        for e in store.read_types([RecordRetracted.TYPE], stream_prefix=stream_prefix)
    }
    return [
        e
        for e in found
        if e.data["branch"] in branches and str(e.event_id) not in retracted
    ]
