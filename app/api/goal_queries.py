"""A goal's figures: monthly sums from the read model, and the records behind them.

The figures are read from `goal_figures`, kept by the workers; the records
behind a figure are read from the log itself, so that every number can be
traced to its events (DESIGN invariant 7).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Engine, func, select

from app.api.reach import read_stream
from app.api.reading import live_records
from app.api.sessions_state import Session, fold_session
from events import RecordedEvent
from events.activities import ParticipantCheckedIn, SessionOpened
from events.catalogue.indicators import Indicator
from events.periods import Period
from events.registry import lookup
from events.store.read_models import (
    goal_figures,
    projection_checkpoints,
    session_figures,
)

Figure = tuple[float, int]  # the value, and the records behind it
NOTHING: Figure = (0.0, 0)


def months_of(period: Period) -> list[str]:
    """The months ("2025-01") a period spans."""
    months, day = [], period.start
    while day < period.end:
        months.append(f"{day.year}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def _engine() -> Engine:
    return current_app.extensions["store"].engine


def _local_month(when) -> str:
    return when.astimezone(current_app.extensions["bieb_config"].zone).strftime("%Y-%m")


class Figures:
    """A goal's monthly figures in some branches, summed as a period asks."""

    def __init__(self, municipality: str, branches: Sequence[str], goal: str,
                 months: Sequence[str]) -> None:  # fmt: skip
        t = goal_figures
        query = select(
            t.c.indicator, t.c.dimension, t.c.month, func.sum(t.c.value),
            func.sum(t.c.records),
        ).where(
            t.c.municipality == municipality, t.c.branch.in_(branches),
            t.c.goal == goal, t.c.month.in_(months),
        ).group_by(t.c.indicator, t.c.dimension, t.c.month)  # fmt: skip
        with _engine().connect() as conn:
            rows = conn.execute(query).all()
        self.rows = {(i, d, m): (float(v), int(r)) for i, d, m, v, r in rows}
        self.sessions = _sessions_per_month(municipality, branches, goal, months)

    def month(self, indicator: Indicator, month: str, dimension: str = "") -> Figure:
        value, records = self.rows.get((indicator.code, dimension, month), NOTHING)
        if indicator.measure == "participants" and not dimension:
            # Participants are counted per session: the sessions are its records.
            records = self.sessions[month]
        return value, records

    def total(self, indicator: Indicator, months: Sequence[str]) -> Figure:
        """The sum of some months."""
        found = [self.month(indicator, month) for month in months]
        return sum(v for v, _ in found), sum(r for _, r in found)

    def by_dimension(
        self, indicator: Indicator, months: Sequence[str]
    ) -> dict[str, dict[str, float]]:
        """{"themes": {"digid": 12, ...}} summed over some months."""
        split: dict[str, dict[str, float]] = defaultdict(dict)
        for (code, dimension, month), (value, _) in self.rows.items():
            if code == indicator.code and dimension and month in months:
                name, _, item = dimension.partition(":")
                split[name][item] = split[name].get(item, 0.0) + value
        return dict(split)


def _sessions_per_month(
    municipality: str, branches: Sequence[str], goal: str, months: Sequence[str]
) -> Counter:
    t = session_figures
    query = select(t.c.month, t.c.goal_codes).where(
        t.c.municipality == municipality,
        t.c.branch.in_(branches),
        t.c.month.in_(months),
    )
    with _engine().connect() as conn:
        rows = conn.execute(query).all()
    return Counter(month for month, codes in rows if goal in codes.split(","))


def figures_position() -> int:
    """The log position the goal figures are counted up to."""
    t = projection_checkpoints
    query = select(t.c.position).where(t.c.name == "goal_figures")
    with _engine().connect() as conn:
        return conn.execute(query).scalar_one_or_none() or 0


# -- the records behind a figure, from the log --------------------------------------


def records_behind(
    indicator: Indicator, period: Period, branches: Sequence[str]
) -> list[dict[str, Any]]:
    """The live records an indicator counts in a period, each with its share."""
    if indicator.measure == "participants":
        sessions = _sessions(period, branches)
        return [
            _participants(o, s) for o, s, _ in sessions if indicator.accepts(o.data)
        ]
    if ParticipantCheckedIn.TYPE in indicator.events:
        return _checkins(indicator, period, branches)
    months = set(months_of(period))
    if indicator.measure == "latest":
        return _latest(indicator, months, branches)
    window = None if indicator.date else period
    found = live_records(indicator.events, _prefix(indicator), branches, window)
    return [
        _shown(e, float(e.data[indicator.value]) if indicator.value else 1.0)
        for e in found
        if indicator.accepts(e.data) and _month(indicator, e) in months
    ]


def _sessions(
    period: Period, branches: Sequence[str]
) -> Iterator[tuple[RecordedEvent, Session, list[RecordedEvent]]]:
    """The sessions opened in a period: counted in the month they opened."""
    for opened in live_records([SessionOpened.TYPE], "session-", branches, period):
        history = read_stream(opened.stream_id)
        session = fold_session(history)
        if session is not None:
            yield opened, session, history


def _participants(opened: RecordedEvent, session: Session) -> dict[str, Any]:
    counted = {"checkins": len(session.checkins), "headcount": session.headcount}
    return {**_shown(opened, session.participants), "data": {**opened.data, **counted}}


def _checkins(
    indicator: Indicator, period: Period, branches: Sequence[str]
) -> list[dict[str, Any]]:
    """Check-ins count for the goals of their session, in the month it opened."""
    found = []
    for _, session, history in _sessions(period, branches):
        for event in history:
            data = {**event.data, "goal_codes": session.goal_codes}
            live = str(event.event_id) in session.checkins
            if live and indicator.accepts(data):
                found.append({**_shown(event, 1.0), "data": data})
    return found


def _latest(
    indicator: Indicator, months: set[str], branches: Sequence[str]
) -> list[dict[str, Any]]:
    """Per key, the last figure of the period: it adds what it changed there."""
    chains: dict[tuple, list[RecordedEvent]] = defaultdict(list)
    for event in live_records(indicator.events, _prefix(indicator), branches):
        if indicator.accepts(event.data):
            key = tuple(str(event.data[k]) for k in ("branch", *indicator.key))
            chains[key].append(event)
    found = []
    for chain in chains.values():
        before, change, last = 0.0, 0.0, None
        for event in chain:
            now = float(event.data[indicator.value])  # type: ignore[index]
            if _month(indicator, event) in months:
                change, last = change + now - before, event
            before = now
        if last is not None:
            found.append(_shown(last, change))
    return sorted(found, key=lambda r: r["position"])


def _prefix(indicator: Indicator) -> str:
    """The stream prefix the indicator's event types share."""
    prefixes = {lookup(name).STREAM.split("{")[0] for name in indicator.events}
    return prefixes.pop() if len(prefixes) == 1 else ""


def _month(indicator: Indicator, event: RecordedEvent) -> str:
    if indicator.date:
        return str(event.data[indicator.date])[:7]
    return _local_month(event.occurred_at)


def _shown(event: RecordedEvent, value: float) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "position": event.position,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "value": value,
        "data": event.data,
    }
