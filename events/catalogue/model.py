"""A performance agreement between a library and a municipality, as frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import TypeVar

from events.catalogue.errors import (
    UnknownAmbition,
    UnknownBranch,
    UnknownCode,
    UnknownDistrict,
    UnknownGoal,
)
from events.catalogue.parts import (
    FOOTNOTE_MARK,
    Ambition,
    Branch,
    Context,
    District,
    Footnote,
    Goal,
    GoalKind,
    Municipality,
    ReportObligation,
    ReportPeriod,
    ServiceHours,
)

__all__ = [
    "FOOTNOTE_MARK",
    "Agreement",
    "Ambition",
    "Branch",
    "Context",
    "District",
    "Footnote",
    "Goal",
    "GoalKind",
    "Municipality",
    "ReportObligation",
    "ReportPeriod",
    "ServiceHours",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Agreement:
    """A municipality's performance agreement: its ambitions, goals and the rest."""

    name: str
    version: int
    title: str
    organisation: str
    municipality: Municipality
    start: date
    end: date
    branches: tuple[Branch, ...]
    districts: tuple[District, ...]
    ambitions: tuple[Ambition, ...]
    goals: tuple[Goal, ...]
    footnotes: tuple[Footnote, ...]
    context: Context
    general_text: str
    service_hours: tuple[ServiceHours, ...]
    reporting_text: str
    reports: tuple[ReportObligation, ...]

    @property
    def goal_codes(self) -> tuple[str, ...]:
        """Every goal code, in the agreement's order."""
        return tuple(goal.code for goal in self.goals)

    @property
    def district_codes(self) -> tuple[str, ...]:
        """Every district code, in the agreement's order."""
        return tuple(district.code for district in self.districts)

    def goal(self, code: str) -> Goal:
        """The goal with this code; UnknownGoal (a KeyError) if there is none."""
        try:
            return self._goals[code]
        except KeyError:
            raise UnknownGoal(code, self.name) from None

    def has_goal(self, code: str) -> bool:
        """Whether the agreement defines this goal code."""
        return code in self._goals

    def goals_of(self, ambition_number: int) -> tuple[Goal, ...]:
        """The goals of one ambition, in order; UnknownAmbition if there is none."""
        self.ambition(ambition_number)
        return tuple(goal for goal in self.goals if goal.ambition == ambition_number)

    def ambition(self, number: int) -> Ambition:
        """The ambition with this number; UnknownAmbition if there is none."""
        return self._find(self.ambitions, "number", number, UnknownAmbition)

    def branch(self, code: str) -> Branch:
        """The branch with this code; UnknownBranch if there is none."""
        return self._find(self.branches, "code", code, UnknownBranch)

    def has_branch(self, code: str) -> bool:
        """Whether the agreement covers this branch code."""
        return any(branch.code == code for branch in self.branches)

    def district(self, code: str) -> District:
        """The district with this code; UnknownDistrict if there is none."""
        return self._find(self.districts, "code", code, UnknownDistrict)

    def has_district(self, code: str) -> bool:
        """Whether the agreement defines this district code."""
        return code in self.district_codes

    def covers(self, start: date, end: date) -> bool:
        """Whether any day of [start, end) (a reporting period) is in the agreement."""
        return self.start < end and start <= self.end

    def contains(self, when: date | datetime, zone: tzinfo | None = None) -> bool:
        """Whether a day (or an aware moment, its day in `zone`) is in the agreement."""
        return self.start <= local_date(when, zone) <= self.end

    @cached_property
    def _goals(self) -> dict[str, Goal]:
        # The write side checks a goal code for every event: keep it a dict lookup.
        return {goal.code: goal for goal in self.goals}

    def _find(
        self, items: tuple[T, ...], attr: str, value: object, missing: type[UnknownCode]
    ) -> T:
        for item in items:
            if getattr(item, attr) == value:
                return item
        raise missing(value, self.name)


def local_date(when: date | datetime, zone: tzinfo | None) -> date:
    """The calendar day of a date, or of an aware moment in `zone`."""
    if not isinstance(when, datetime):
        return when
    if zone is None:
        # Agreements have no zone of their own: the configuration's is the one.
        raise ValueError("a moment's day needs the configured zone (BIEB_TIME_ZONE)")
    if when.tzinfo is None:
        raise ValueError("a datetime must be timezone-aware")
    return when.astimezone(zone).date()
