"""The records behind a figure, read from the log itself.

The figures are read from the read models (events.figures.read); the records
behind one are read from the log, so that every number can be traced to its
events (DESIGN invariant 7).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from flask import current_app

from app.api.reach import read_stream
from app.api.reading import live_records
from events import RecordedEvent
from events.activities import ParticipantCheckedIn, SessionOpened
from events.catalogue.indicators import Indicator
from events.figures.read import months_of
from events.periods import Period
from events.registry import lookup
from events.sessions import Session, fold_session

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
    if indicator.measure == "active":
        return _active(indicator, period, branches)
    if indicator.measure == "stock":
        return _stock(indicator, period, branches)
    if indicator.measure in ("estimate", "occupancy"):
        field = "people" if indicator.measure == "estimate" else "occupied"
        found = live_records(indicator.events, _prefix(indicator), branches)
        return [
            _shown(e, float(e.data[field]))
            for e in found
            if indicator.accepts(e.data) and period.start <= _sample_day(e) < period.end
        ]
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


def _active(
    indicator: Indicator, period: Period, branches: Sequence[str]
) -> list[dict[str, Any]]:
    """The start record of each thing active in the period (not ended before)."""
    started: dict[str, RecordedEvent] = {}
    ended: dict[str, date] = {}
    for event in live_records(indicator.events, _prefix(indicator), branches):
        entity = "|".join(str(event.data[k]) for k in indicator.key)
        if event.type == indicator.events[0] and indicator.accepts(event.data):
            started[entity] = event
        elif event.type != indicator.events[0]:
            ended[entity] = _local_day(event.occurred_at)
    return [
        _shown(event, 1.0)
        for entity, event in started.items()
        if _local_day(event.occurred_at) < period.end
        and (entity not in ended or ended[entity] >= period.start)
    ]


def _stock(
    indicator: Indicator, period: Period, branches: Sequence[str]
) -> list[dict[str, Any]]:
    """Per key, the last count before the period's end: the stock at its end."""
    day, value = str(indicator.date), str(indicator.value)
    last: dict[str, RecordedEvent] = {}
    for event in live_records(indicator.events, _prefix(indicator), branches):
        on = str(event.data[day])[:10]
        if indicator.accepts(event.data) and on < period.end.isoformat():
            key = "|".join(str(event.data[k]) for k in ("branch", *indicator.key))
            earlier = last.get(key)
            if earlier is None or on >= str(earlier.data[day])[:10]:
                last[key] = event
    return [_shown(e, float(e.data[value])) for e in last.values()]


def _sample_day(event: RecordedEvent) -> date:
    return _local_day(datetime.fromisoformat(event.data["window_start"]))


def _local_day(when: datetime) -> date:
    return when.astimezone(current_app.extensions["bieb_config"].zone).date()


def _prefix(indicator: Indicator) -> str:
    """The stream prefix the indicator's event types share."""
    prefixes = {lookup(name).STREAM.split("{")[0] for name in indicator.events}
    return prefixes.pop() if len(prefixes) == 1 else ""


def _month(indicator: Indicator, event: RecordedEvent) -> str:
    if indicator.date:
        return str(event.data[indicator.date])[:7]
    return _local_day(event.occurred_at).strftime("%Y-%m")


def _shown(event: RecordedEvent, value: float) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "position": event.position,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "value": value,
        "data": event.data,
    }
