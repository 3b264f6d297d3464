"""Who calls a command: an account, the request it came with, its idempotency key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from events import Metadata

NAMESPACE = uuid.UUID("5b0c3c59-7d8c-4bd5-9a43-0d0f1c4a2f61")


@dataclass(frozen=True, kw_only=True)
class Caller:
    """An account's identity and reach, as every command sees it.

    `key` is the caller's idempotency key: with one, every id a command makes
    (event ids and record ids) is derived from it, so two copies of a request,
    even racing each other, write the same events once.
    """

    account_id: str
    role: str
    municipality: str | None = None
    branch: str | None = None
    key: str | None = None
    request_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None

    @property
    def actor(self) -> str:
        """How events name the caller: by account id, never by name."""
        return f"{self.role}:{self.account_id}"

    def event_id(self, index: int = 0) -> uuid.UUID:
        """The id of the index-th event this call writes: stable under a key."""
        if self.key is None:
            return uuid.uuid4()
        return uuid.uuid5(NAMESPACE, f"{self.account_id}|{self.key}|{index}")

    def new_id(self) -> str:
        """A new record's id: derived from the key, so a retry names the same one."""
        if self.key is None:
            return uuid.uuid4().hex
        return uuid.uuid5(NAMESPACE, f"{self.account_id}|{self.key}|record").hex

    def metadata(self, source: str) -> Metadata:
        """What every event of this call says about who and how."""
        return Metadata(
            actor=self.actor,
            device=f"tablet:{self.account_id}" if self.role == "tablet" else None,
            request_id=self.request_id,
            correlation_id=self.correlation_id or self.request_id,
            causation_id=self.causation_id,
            source=source,
        )
