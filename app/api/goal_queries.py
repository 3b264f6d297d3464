"""The records behind a figure, read from the log itself.

The figures are read from the read models (events.figures.read); the records
behind one are read from the log, so that every number can be traced to its
events (DESIGN invariant 7). Which records, and each one's share, is the
indicator's measure's to say (events.figures.measures); this module gives it
the log as the app reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from app.api.reach import read_stream
from app.api.reading import live_records
from events import RecordedEvent
from events.catalogue.indicators import Indicator
from events.figures.measures import measure_of
from events.periods import Period


def records_behind(
    indicator: Indicator, period: Period, branches: Sequence[str]
) -> list[dict[str, Any]]:
    """The live records an indicator counts in a period, each with its share."""
    log = _Log(branches, current_app.extensions["bieb_config"].zone)
    return measure_of(indicator).behind(log, indicator, period)


@dataclass(frozen=True)
class _Log:
    """The log of some branches, as a measure's drill-down reads it."""

    branches: Sequence[str]
    zone: ZoneInfo

    def live(
        self, types: Sequence[str], prefix: str, period: Period | None = None
    ) -> list[RecordedEvent]:
        return live_records(types, prefix, self.branches, period)

    def stream(self, stream_id: str) -> list[RecordedEvent]:
        return read_stream(stream_id)
