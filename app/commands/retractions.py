"""Retracting a record made in error: it stays in the log, marked as retracted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from app.commands.caller import Caller
from app.commands.errors import Conflict, NotFound
from app.commands.inputs import Doc, MaxLen, RecordInput
from app.commands.services import Services
from app.commands.where import locate, may_see
from app.commands.writing import Recorded, write
from events import RecordedEvent
from events.corrections import RecordRetracted


@dataclass(frozen=True, kw_only=True)
class Retraction(RecordInput):
    """Take back a record made in error; it stays in the log, marked as retracted."""

    reason: Annotated[str | None, MaxLen(500), Doc("Why, in a few words.")] = None


def retract(
    services: Services,
    caller: Caller,
    stream: str,
    retracted_type: str,
    retraction: Retraction,
    **match: str,
) -> Recorded:
    """Append a RecordRetracted for the live record of `retracted_type` in a stream.

    `match` names fields the record must hold: a community's meeting is
    retracted only through that community.
    """
    where = locate(services, caller, retraction.branch, retraction.occurred_at)
    history = services.store.read_stream(stream)
    target = _target(history, retracted_type, match)
    if target is None or not may_see(services, caller, target.data["branch"]):
        raise NotFound()
    if any(e.type == RecordRetracted.TYPE for e in history):
        raise Conflict("This record was retracted already.", "retracted")
    event = RecordRetracted(
        municipality=target.data["municipality"],
        branch=target.data["branch"],
        stream=stream,
        retracted_event_id=str(target.event_id),
        retracted_type=retracted_type,
        reason=retraction.reason,
    )
    return write(services, caller, stream, [event], where,
                 expected_version=len(history))  # fmt: skip


def _target(
    history: Sequence[RecordedEvent], retracted_type: str, match: dict[str, str]
) -> RecordedEvent | None:
    target = next((e for e in history if e.type == retracted_type), None)
    if target is None or any(target.data.get(k) != v for k, v in match.items()):
        return None
    return target
