"""What every event carries, and the two shapes an event takes around the store."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, NamedTuple


class Metadata(NamedTuple):
    """Who and what caused an event: stored beside its payload, never in it.

    A NamedTuple rather than a dataclass: one is built for every event read, and
    a tuple is several times cheaper to build than a frozen dataclass.
    """

    actor: str
    device: str | None = None
    request_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    # How the fact reached the register: "live" as it happened, "backdated" when
    # recorded after the fact, "imported" from the spreadsheets kept before it.
    # Metadata, not payload: a retry recorded later must carry the same payload.
    source: str = "live"

    def to_dict(self) -> dict[str, str | None]:
        return self._asdict()


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """An event on its way into the store.

    `event_id` is the client's id for this event: appending the same id twice
    writes it once.
    """

    type: str
    data: dict[str, Any]
    occurred_at: datetime
    metadata: Metadata
    version: int = 1
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        if self.version < 1:
            raise ValueError("version must be 1 or more")


class RecordedEvent(NamedTuple):
    """An event as read from the store, already upcast to its current version.

    Immutable, and a tuple for the same reason as Metadata: reads build many.
    """

    position: int
    event_id: uuid.UUID
    stream_id: str
    stream_version: int
    type: str
    version: int
    data: dict[str, Any]
    metadata: Metadata
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of the domain events: a frozen record with a stable TYPE and VERSION.

    Subclasses declare `TYPE` (never the module path, so classes can move) and
    `VERSION` (raised with an upcaster whenever the fields change).
    """

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    # The stream an event of this type belongs to, filled with its fields.
    STREAM: ClassVar[str]

    municipality: str
    branch: str

    @property
    def stream_id(self) -> str:
        return self.STREAM.format(**self.to_data())

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Event:
        return cls(**data)
