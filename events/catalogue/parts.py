"""The pieces an agreement is made of: goals, branches, districts, hours, ..."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

import holidays

from events.catalogue.indicators import Indicator

GoalKind = Literal["countable", "effort"]
ReportPeriod = Literal["half-year", "year"]

# The seed's superscript footnote marks, kept in the text as plain "[n]".
FOOTNOTE_MARK = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Municipality:
    """The municipality that is party to the agreement."""

    code: str
    name: str


WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
            "zondag")  # fmt: skip
OpeningHours = dict[int, list[tuple[time, time]]]  # ISO weekday -> open stretches


@dataclass(frozen=True)
class Branch:
    """A library branch ("vestiging") the agreement covers."""

    code: str
    name: str
    # When the building is open: what visitor estimates extrapolate to.
    opening_hours: OpeningHours = field(default_factory=dict)
    # Closed on the Dutch public holidays (by their Dutch names), less those
    # named in `open_on`; and on the days listed in `closed_days`.
    closed_on_public_holidays: bool = False
    open_on: tuple[str, ...] = ()
    closed_days: tuple[date, ...] = ()

    def closed_between(self, first: date, end: date) -> set[date]:
        """The days in [first, end) the branch is closed all day."""
        closed = {day for day in self.closed_days if first <= day < end}
        if self.closed_on_public_holidays:
            years = range(first.year, end.year + 1)
            found = holidays.country_holidays("NL", years=years, language="nl")
            closed |= {
                day
                for day, name in found.items()
                if first <= day < end and name not in self.open_on
            }
        return closed


@dataclass(frozen=True)
class District:
    """A part of the municipality a check-in may name; never an address."""

    code: str
    name: str


@dataclass(frozen=True)
class Ambition:
    """One of the agreement's ambitions, with its covenant line and theme."""

    number: int
    covenant: str
    theme: str
    text: str


@dataclass(frozen=True)
class Goal:
    """One goal ("doel") and the seed's columns for it."""

    code: str
    text: str
    target_group: str
    branch: str | None
    reach: str
    partners: tuple[str, ...]
    partners_text: str
    kind: GoalKind
    indicators: tuple[Indicator, ...] = ()

    @property
    def ambition(self) -> int:
        """The number of the ambition this goal belongs to (the N of N.M)."""
        return int(self.code.split(".", 1)[0])

    @property
    def is_effort(self) -> bool:
        """True for an obligation of effort ("inspanningsverplichting")."""
        return self.kind == "effort"

    @property
    def footnotes(self) -> tuple[int, ...]:
        """The footnote numbers marked in this goal's columns, in order."""
        columns = (self.text, self.target_group, self.reach, self.partners_text)
        marks = (int(m) for text in columns for m in FOOTNOTE_MARK.findall(text))
        return tuple(dict.fromkeys(marks))


@dataclass(frozen=True)
class Footnote:
    """A numbered footnote of the agreement's table."""

    number: int
    text: str


@dataclass(frozen=True)
class Context:
    """Figures the indicators need that the library does not record itself."""

    average_class_size: int
    low_literate_adults: int | None = None


@dataclass(frozen=True)
class ServiceHours:
    """A general agreement on opening hours per week (staffed, self-service)."""

    code: str
    name: str
    text: str
    min_per_week: float
    max_per_week: float | None = None

    def complies(self, hours_per_week: float) -> bool:
        """Whether a week's recorded hours meet this agreement."""
        if hours_per_week < self.min_per_week:
            return False
        return self.max_per_week is None or hours_per_week <= self.max_per_week


@dataclass(frozen=True)
class ReportObligation:
    """A written report the library owes the municipality."""

    code: str
    name: str
    period: ReportPeriod
