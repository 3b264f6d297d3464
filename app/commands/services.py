"""What commands write with: the store, the agreements, the nudge, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from app.agreements import ByBranch, covering, municipality_branches
from app.config import DEFAULT_TIME_ZONE
from events.catalogue import Agreement
from events.store import SqlEventStore

DEFAULT_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)


def _now() -> datetime:
    return datetime.now(UTC)


def _no_nudge() -> None:
    """Without workers (the CLI, a test), projections catch up on their tick."""


@dataclass(frozen=True)
class Services:
    """The dependencies of every command, passed in explicitly (no globals)."""

    store: SqlEventStore
    agreements: ByBranch
    # What day a moment is on: the configured zone (BIEB_TIME_ZONE; its default
    # when none is passed, as in tests that build their own services).
    zone: tzinfo = DEFAULT_ZONE
    nudge: Callable[[], None] = _no_nudge
    clock: Callable[[], datetime] = field(default=_now)

    def agreement_for(self, branch: str, when: datetime) -> Agreement | None:
        """The agreement covering a branch at a moment, if any."""
        return covering(self.agreements, branch, when, self.zone)

    def branches_of(self, municipality: str | None) -> list[str]:
        """The branch codes of a municipality (of every one when None)."""
        return municipality_branches(self.agreements, municipality)
