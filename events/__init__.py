"""The event vocabulary and the append-only log: the lowest layer.

Importing this package registers every domain event type.
"""

from events import activities, corrections, counts, efforts, ido, outreach
from events.base import Event, Metadata, NewEvent, RecordedEvent
from events.registry import EVENT_TYPES, lookup, register

__all__ = [
    "EVENT_TYPES",
    "Event",
    "Metadata",
    "NewEvent",
    "RecordedEvent",
    "activities",
    "corrections",
    "counts",
    "efforts",
    "ido",
    "lookup",
    "outreach",
    "register",
]
