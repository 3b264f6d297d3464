"""Words where numbers fall short, and figures from before the register."""

from __future__ import annotations

from dataclasses import dataclass

from events.base import Event
from events.registry import register


@register
@dataclass(frozen=True, kw_only=True)
class EffortNoted(Event):
    """What the library did for a goal in a period (inspanningsverplichting)."""

    TYPE = "EffortNoted"
    STREAM = "effort-{note_id}"

    note_id: str
    goal_code: str
    period: str
    text: str


@register
@dataclass(frozen=True, kw_only=True)
class HistoricFigureImported(Event):
    """A figure kept in a spreadsheet before the register existed.

    Its metadata says source "imported". Imported again for the same goal,
    period and indicator, it replaces the earlier import.
    """

    TYPE = "HistoricFigureImported"
    STREAM = "history-{municipality}-{goal_code}-{period}"

    goal_code: str
    period: str
    indicator: str
    value: float
    note: str | None = None
