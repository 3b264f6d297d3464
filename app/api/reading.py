"""Reading records back: the period a list asks for, and its live records, paged.

The store answers at most PAGE events a read, so every list reads page by page
rather than stopping silently at the first PAGE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from flask_smorest import abort

from events import Event, RecordedEvent
from events.corrections import RecordRetracted, live
from events.periods import Period, parse_period

PAGE = 10_000


def period_arg(text: str) -> Period:
    """The period a query names; 422 naming `period` if it names none."""
    try:
        return parse_period(text)
    except ValueError as error:
        abort(422, errors=[{"field": "period", "in": "query", "detail": str(error)}])


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """A period's first instant and the instant after it, in the register's zone."""
    return period.bounds(current_app.extensions["bieb_config"].zone)


def read_every(types: Sequence[str], prefix: str, **window: Any) -> list[RecordedEvent]:
    """Every event of some types in streams with a prefix, page by page."""
    store = current_app.extensions["store"]
    found: list[RecordedEvent] = []
    while True:
        after = found[-1].position if found else 0
        page = store.read_types(
            types, stream_prefix=prefix, after=after, limit=PAGE, **window
        )
        found.extend(page)
        if len(page) < PAGE:
            return found


def live_records(
    types: Sequence[str],
    prefix: str,
    branches: Sequence[str],
    period: Period | None = None,
) -> list[RecordedEvent]:
    """The records of some types and branches (in a period), less retracted ones."""
    bounds = None if period is None else period_bounds(period)
    return live_between(types, prefix, branches, bounds)


def live_between(
    types: Sequence[str],
    prefix: str,
    branches: Sequence[str],
    bounds: tuple[datetime, datetime] | None,
) -> list[RecordedEvent]:
    """The records of some types and branches (between two instants), less
    retracted ones."""
    window: dict[str, datetime] = {}
    if bounds is not None:
        window["occurred_from"], window["occurred_to"] = bounds
    found = read_every(types, prefix, **window)
    found += read_every([RecordRetracted.TYPE], prefix)
    return [e for e in live(found) if e.data["branch"] in branches]


def read_branch(
    event_type: type[Event],
    branch: str,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[RecordedEvent]:
    """Every event of a type in a branch's streams ("<kind>-{branch}-...")."""
    prefix = event_type.STREAM.split("{branch}")[0] + f"{branch}-"
    found = read_every([event_type.TYPE], prefix, occurred_from=start, occurred_to=end)
    # "loans-heemstede-" also starts "loans-heemstede-zuid-": the data decides.
    return [e for e in found if e.data["branch"] == branch]


def shown(event: RecordedEvent) -> dict[str, Any]:
    """A record as the API shows it: its fields, when, how it came, where in the log."""
    return {
        **event.data,
        "source": event.metadata.source,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "position": event.position,
    }
