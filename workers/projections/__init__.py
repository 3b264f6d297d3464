"""The read models kept from the log, and the projections that keep them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from events.store import SqlEventStore
from workers.projections.base import Projection
from workers.projections.ido import IdoQuestions


def projections(store: SqlEventStore, zone: ZoneInfo) -> list[Projection]:
    """Every projection, in the order the catch-up runs them."""
    return [IdoQuestions(store, zone)]
