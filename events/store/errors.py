"""What an append can refuse, as exceptions the API turns into 409s."""

from __future__ import annotations

from events.privacy import Finding


class StoreError(Exception):
    """Base of the store's refusals."""


class WrongExpectedVersion(StoreError):
    """The stream is not at the version the writer expected (optimistic concurrency)."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, expected {expected}"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class EventIdConflict(StoreError):
    """A client event id was used before for a different event."""

    def __init__(self, event_ids: list[str], reason: str) -> None:
        super().__init__(
            f"event ids reused for different events ({reason}): {event_ids}"
        )
        self.event_ids = event_ids


class StreamContended(StoreError):
    """Appends with ANY kept losing the race for a stream's next version."""

    def __init__(self, stream_id: str, attempts: int) -> None:
        super().__init__(
            f"stream {stream_id!r}: no free version after {attempts} tries"
        )
        self.stream_id = stream_id


class PersonalDataFound(StoreError):
    """A payload holds a BSN, an e-mail address or a phone number (invariant 9).

    The log is immutable, so such an event is refused before it is written; the
    findings name the fields, never the data.
    """

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(", ".join(f"{f.field}: {f.kind}" for f in findings))
        self.findings = findings
