"""Indicators, declared per goal in the agreement file (in the manner of DHIS2).

An indicator says which event types count, which filter they must pass and which
measure turns them into a figure. The measures are registered in one table
(events.figures.measures), which also checks what a declaration names. The
projection evaluates the declarations; a new indicator is a few lines of TOML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from events.catalogue.reader import Table

if TYPE_CHECKING:
    from events.figures.measures.base import Measure

# A filter value meaning "the goal this indicator belongs to".
THIS_GOAL = "@goal"
# What a target (streefwaarde) is set for: a year, or each half year.
TARGET_MONTHS = {"year": 12, "half-year": 6}


def measures() -> dict[str, Measure]:
    """The measures an indicator may declare, by name (events.figures.measures)."""
    # Imported when first asked, not with the catalogue: the measures count and
    # read figures (SQLAlchemy), and the figures import the catalogue.
    from events.figures.measures import MEASURES

    return MEASURES


@dataclass(frozen=True)
class Target:
    """The library's own intention for an indicator (streefwaarde), per period."""

    value: float
    per: str = "year"  # "year" or "half-year" (TARGET_PERIODS)

    def for_period(self, months: int, prorated: bool) -> float:
        """The target for a period of some months; pro rata where figures add up.

        A yearly target of 1.000 is 500 for a half year, and a half-yearly one of
        500 is 1.000 for a year; a share or a stock keeps its target as it is.
        """
        if not prorated:
            return self.value
        return self.value * months / TARGET_MONTHS[self.per]


@dataclass(frozen=True)
class Indicator:
    """What is counted for a goal, and how."""

    goal: str
    code: str
    label: str
    measure: str  # a name in events.figures.measures.MEASURES
    events: tuple[str, ...]
    value: str | None = None  # the field summed ("sum", "latest", "stock")
    # fields naming one figure ("latest", "stock": later replaces) or one
    # thing that is active for a while ("active": the first event type starts
    # it, the second ends it)
    key: tuple[str, ...] = ()
    where: dict[str, Any] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()  # fields the figure is also split by
    date: str | None = None  # a date field that places the figure, if not occurred_at
    target: Target | None = None  # None: the agreement names no streefwaarde

    @property
    def additive(self) -> bool:
        """Whether a period's figure is the sum of its months' figures."""
        return measures()[self.measure].additive

    @property
    def grows_with_period(self) -> bool:
        """Whether a longer period has a larger figure (a target scales pro rata)."""
        return self.additive or self.measure == "estimate"

    @property
    def method(self) -> str:
        """How its figures are obtained: counted, or estimated from samples."""
        return measures()[self.measure].method

    def accepts(self, data: dict[str, Any]) -> bool:
        """Whether an event's data passes the filter."""
        return all(
            self._holds(data.get(name), want) for name, want in self.where.items()
        )

    def _holds(self, value: Any, want: Any) -> bool:
        want = self.goal if want == THIS_GOAL else want
        if want == "*":
            return value is not None
        if isinstance(value, list):
            return want in value
        return value == want


def read_indicators(table: Table, goal: str, known_events: frozenset[str]) -> tuple:
    """The `[[goals.indicators]]` of one goal's table."""
    found = []
    for entry in table.optional_tables("indicators"):
        with entry:
            found.append(_indicator(entry, goal, known_events))
    codes = [i.code for i in found]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise table.error(f"indicator {duplicate!r} is declared twice")
    return tuple(found)


def _indicator(entry: Table, goal: str, known_events: frozenset[str]) -> Indicator:
    known = measures()
    measure = entry.choice("measure", tuple(known))
    events = entry.texts("events")
    unknown = [name for name in events if known_events and name not in known_events]
    if unknown:
        raise entry.error(f"unknown event type {unknown[0]!r}")
    indicator = Indicator(
        goal=goal,
        code=entry.slug("code"),
        label=entry.text("label"),
        measure=measure,
        events=events,
        value=entry.optional_text("value"),
        key=entry.optional_texts("key"),
        where=entry.scalars("where"),
        dimensions=entry.optional_texts("dimensions"),
        date=entry.optional_text("date"),
        target=_target(entry),
    )
    problem = known[measure].validate(indicator)
    if problem:
        raise entry.error(problem)
    return indicator


def _target(entry: Table) -> Target | None:
    """`streefwaarde = { value = 1200, per = "year" }`, if the agreement names one."""
    table = entry.optional_table("streefwaarde")
    if table is None:
        return None
    with table:
        per = table.choice("per", tuple(TARGET_MONTHS))
        return Target(value=table.number("value"), per=per)
