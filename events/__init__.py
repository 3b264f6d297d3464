"""The event vocabulary and the append-only log: the lowest layer."""

from events.base import Event, Metadata, NewEvent, RecordedEvent
from events.registry import lookup, register

__all__ = ["Event", "Metadata", "NewEvent", "RecordedEvent", "lookup", "register"]
