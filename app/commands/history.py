"""Figures from before the register: imported from the spreadsheets kept before.

An import is checked whole before anything is written; only the figures it
changes are appended, with event ids derived from their content and from the
figure each replaces, so a retried import writes nothing twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, NamedTuple

from app.commands.caller import Caller
from app.commands.dated import SpanInput, invalid, locate_period, parsed
from app.commands.errors import Invalid
from app.commands.formats import Parses, indicator_code
from app.commands.inputs import Doc, Interval, Len, MaxLen
from app.commands.services import Services
from app.commands.where import Where, check_goals, resolve_branch
from app.commands.writing import build, payload, write
from events import RecordedEvent
from events.efforts import HistoricFigureImported
from events.periods import parse_period
from events.privacy import Finding, find_personal_data
from events.store import PersonalDataFound

NAMESPACE = uuid.UUID("0d3e6b8a-51c7-4a92-8f1e-6c2b9d4e7a15")
MAX_ITEMS = 500
Key = tuple[str, str]  # a figure's stream and indicator


@dataclass(frozen=True, kw_only=True)
class HistoricFigure:
    """One figure for a goal and period, from the spreadsheets kept before."""

    goal_code: Annotated[str, Len(1, 10), Doc(example="1.1")]
    period: Annotated[str, Parses(parse_period), Doc(example="2024-H1")]
    indicator: Annotated[str, Parses(indicator_code), Doc(example="youth-loans")]
    value: Annotated[float, Interval(ge=0, le=1e12)]
    note: Annotated[str | None, MaxLen(1000)] = None


@dataclass(frozen=True, kw_only=True)
class HistoryImport(SpanInput):
    """Up to 500 figures; all are checked before any is written."""

    items: Annotated[list[HistoricFigure], Len(1, MAX_ITEMS)]


@dataclass(frozen=True)
class HistoryImported:
    """Figures written now, and those the register held already."""

    imported: int
    unchanged: int
    positions: list[int]


class Placed(NamedTuple):
    event: HistoricFigureImported
    where: Where

    @property
    def key(self) -> Key:
        return (self.event.stream_id, self.event.indicator)


def import_history(
    services: Services, caller: Caller, batch: HistoryImport
) -> HistoryImported:
    """Import figures kept before the register: all of them, or none."""
    branch = resolve_branch(services, caller, batch.branch)
    placed = _checked(services, caller, branch, batch.items)
    _screen(batch.items)
    current = _current(services, placed)
    changed = [p for p in placed if _changes(p, current)]
    positions = _append(services, caller, changed, current)
    return HistoryImported(len(positions), len(placed) - len(positions), positions)


def _checked(
    services: Services, caller: Caller, branch: str, items: Sequence[HistoricFigure]
) -> list[Placed]:
    """Every item placed in its agreement; Invalid naming each bad item's field."""
    problems: dict[str, str] = {}
    placed: list[Placed] = []
    firsts = _firsts(items)
    for index, item in enumerate(items):
        try:
            placed.append(_place(services, caller, branch, item))
        except Invalid as error:
            problems |= {f"items.{index}.{k}": v for k, v in error.fields.items()}
            continue
        if firsts[index] != index:
            detail = f"the same goal and period as item {firsts[index]}"
            problems[f"items.{index}.indicator"] = detail
    if problems:
        raise invalid(problems)
    return placed


def _place(
    services: Services, caller: Caller, branch: str, item: HistoricFigure
) -> Placed:
    """An item's event, at its period's start in the branch's agreement."""
    period = parsed(parse_period, item.period, "period")
    parsed(indicator_code, item.indicator, "indicator")
    where = locate_period(services, caller, branch, period)
    check_goals(where.agreement, "goal_code", [item.goal_code])
    data = {**payload(item), "period": period.label, "value": float(item.value)}
    return Placed(build(HistoricFigureImported, where, data), where)


def _firsts(items: Sequence[HistoricFigure]) -> list[int]:
    """Per item, the first item with its goal, period and indicator."""
    seen: dict[tuple[str, str, str], int] = {}
    return [
        seen.setdefault((item.goal_code, _label(item.period), item.indicator), index)
        for index, item in enumerate(items)
    ]


def _label(period: str) -> str:
    try:
        return parse_period(period).label
    except ValueError:
        return period


def _screen(items: Sequence[HistoricFigure]) -> None:
    """Refuse the whole import if any note holds personal data."""
    findings = [
        Finding(f"items.{index}.note", kind)
        for index, item in enumerate(items)
        for kind in find_personal_data(item.note or "")
    ]
    if findings:
        raise PersonalDataFound(findings)


def _current(services: Services, placed: list[Placed]) -> dict[Key, RecordedEvent]:
    """The latest imported figure per stream (goal and period) and indicator."""
    latest: dict[Key, RecordedEvent] = {}
    for stream in sorted({p.key[0] for p in placed}):
        for event in services.store.read_stream(stream):
            latest[(stream, event.data["indicator"])] = event
    return latest


def _changes(placed: Placed, current: dict[Key, RecordedEvent]) -> bool:
    now = current.get(placed.key)
    if now is None:
        return True
    event = placed.event
    return (now.data["value"], now.data["note"]) != (event.value, event.note)


def _append(
    services: Services,
    caller: Caller,
    changed: list[Placed],
    current: dict[Key, RecordedEvent],
) -> list[int]:
    """One append per stream; an event's id derives from it and what it replaces."""
    streams: dict[str, list[Placed]] = defaultdict(list)
    for p in changed:
        streams[p.key[0]].append(p)
    positions: list[int] = []
    for stream, group in streams.items():
        events = [p.event for p in group]
        ids = [_event_id(p, current) for p in group]
        recorded = write(services, caller, stream, events, group[0].where,
                         event_ids=ids, source="imported")  # fmt: skip
        positions.extend(recorded.result.positions)
    return positions


def _event_id(placed: Placed, current: dict[Key, RecordedEvent]) -> uuid.UUID:
    replaced = current.get(placed.key)
    before = str(replaced.event_id) if replaced else "-"
    event = placed.event
    content = f"{event.stream_id}|{event.indicator}|{event.value!r}|{event.note}"
    return uuid.uuid5(NAMESPACE, f"{content}|{event.branch}|{before}")
