"""Corrections: the log is immutable, so a wrong record is retracted by an event."""

from __future__ import annotations

from dataclasses import dataclass

from events.base import Event
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
