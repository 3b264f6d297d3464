"""One explicit table from an event TYPE to its class: no scanning, no import magic."""

from __future__ import annotations

from typing import TypeVar

from events.base import Event, RecordedEvent

E = TypeVar("E", bound=type[Event])

EVENT_TYPES: dict[str, type[Event]] = {}


def register(cls: E) -> E:
    """Class decorator: make `cls` known by its TYPE; a TYPE is registered once."""
    existing = EVENT_TYPES.get(cls.TYPE)
    if existing is not None and existing is not cls:
        raise ValueError(f"event type {cls.TYPE!r} is already registered")
    EVENT_TYPES[cls.TYPE] = cls
    return cls


def lookup(type_name: str) -> type[Event]:
    """The class registered for `type_name`; KeyError if none is."""
    return EVENT_TYPES[type_name]


def to_domain(recorded: RecordedEvent) -> Event:
    """The domain event behind a recorded one (already upcast by the store)."""
    cls = lookup(recorded.type)
    if recorded.version != cls.VERSION:
        raise ValueError(
            f"{recorded.type} read as v{recorded.version}, class is v{cls.VERSION}:"
            " an upcaster is missing"
        )
    return cls.from_data(recorded.data)
