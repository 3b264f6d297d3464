"""Corrections: the log is immutable, so a wrong record is retracted by an event."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from events.base import Event, RecordedEvent
from events.registry import register


@register
@dataclass(frozen=True, kw_only=True)
class RecordRetracted(Event):
    """The record made by event `retracted_event_id` no longer counts.

    Appended to the same stream as the record it retracts; works for a check-in,
    an IDO question, a sample or any other single record.
    """

    TYPE = "RecordRetracted"
    STREAM = "{stream}"

    stream: str
    retracted_event_id: str
    retracted_type: str
    reason: str | None = None


def retracted(events: Iterable[RecordedEvent]) -> set[str]:
    """The ids of the records that the retractions among `events` take back."""
    return {
        e.data["retracted_event_id"] for e in events if e.type == RecordRetracted.TYPE
    }


def live(events: Iterable[RecordedEvent]) -> list[RecordedEvent]:
    """The records that count, in their order: neither retracted nor a retraction."""
    events = list(events)
    gone = retracted(events)
    return [
        e
        for e in events
        if e.type != RecordRetracted.TYPE and str(e.event_id) not in gone
    ]
