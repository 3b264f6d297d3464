"""From a parsed agreement file to an Agreement, checking each entry on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any, cast

import holidays

from events.catalogue import sections
from events.catalogue.errors import CatalogueError
from events.catalogue.indicators import read_indicators
from events.catalogue.model import (
    Agreement,
    Ambition,
    Branch,
    District,
    Footnote,
    Goal,
    GoalKind,
    Municipality,
)
from events.catalogue.parts import WEEKDAYS, OpeningHours
from events.catalogue.reader import Table, unique
from events.registry import EVENT_TYPES

GOAL_CODE = re.compile(r"([1-9][0-9]*)\.([1-9][0-9]*)")
GOAL_KINDS = ("countable", "effort")
ZONE_IS_CONFIGURED = (
    "'time_zone' is not part of an agreement: days and periods are reckoned in"
    " the configured time zone (BIEB_TIME_ZONE)"
)


@dataclass(frozen=True)
class Known:
    """What a goal may refer to: ambitions, branches and footnotes read before it."""

    ambitions: frozenset[int]
    branches: frozenset[str]
    footnotes: frozenset[int]


def agreement(data: dict[str, Any], file: str, expected_name: str) -> Agreement:
    """The agreement in one parsed file; CatalogueError names the first bad entry."""
    with Table(data, file) as root:
        with root.table("agreement") as head:
            fields = _head(head, expected_name)
        return Agreement(**fields, **_goal_table(root), **sections.rest(root))


def _goal_table(root: Table) -> dict[str, Any]:
    """The seed's table: ambitions, goals, and the branches and footnotes they name."""
    branches = unique(root.tables("branches"), _branch, "branch code")
    districts = unique(root.optional_tables("districts"), _district, "district code")
    footnotes = unique(root.optional_tables("footnotes"), _footnote, "footnote")
    ambition_tables = root.tables("ambitions")
    ambitions = unique(ambition_tables, _ambition, "ambition")
    known = Known(
        frozenset(ambition.number for ambition in ambitions),
        frozenset(branch.code for branch in branches),
        frozenset(footnote.number for footnote in footnotes),
    )
    goals = unique(root.tables("goals"), lambda table: _goal(table, known), "goal code")
    _every_ambition_has_goals(ambition_tables, ambitions, goals)
    return {
        "branches": branches,
        "districts": districts,
        "footnotes": footnotes,
        "ambitions": ambitions,
        "goals": goals,
    }


def _head(table: Table, expected_name: str) -> dict[str, Any]:
    name = table.slug("name")
    if name != expected_name:
        raise table.error(f"name {name!r} differs from the file name {expected_name!r}")
    fields = {
        "name": name,
        "version": table.integer("version", minimum=1),
        "title": table.text("title"),
        "organisation": table.text("organisation"),
        "municipality": _municipality(table.table("municipality")),
        "start": table.day("start"),
        "end": table.day("end"),
    }
    _no_time_zone(table)
    if fields["start"] > fields["end"]:
        raise table.error(f"start {fields['start']} is after end {fields['end']}")
    return fields


def _municipality(table: Table) -> Municipality:
    with table:
        return Municipality(code=table.slug("code"), name=table.text("name"))


def _no_time_zone(table: Table) -> None:
    """Refuse a `time_zone`: one zone, the configured one, serves every agreement."""
    try:
        given = table.optional_text("time_zone") is not None
    except CatalogueError:  # there, but not a plain string: refused all the same
        given = True
    if given:
        raise table.error(ZONE_IS_CONFIGURED)


def _branch(table: Table) -> Branch:
    open_on = table.optional_texts("open_on")
    unknown = [name for name in open_on if name not in HOLIDAY_NAMES]
    if unknown:
        known = ", ".join(sorted(HOLIDAY_NAMES))
        raise table.error(f"open_on: {unknown[0]!r} is not one of {known}")
    return Branch(
        code=table.slug("code"),
        name=table.text("name"),
        opening_hours=_opening_hours(table),
        closed_on_public_holidays=table.optional_flag("closed_on_public_holidays"),
        open_on=open_on,
        closed_days=table.optional_days("closed_days"),
    )


# The Dutch public holidays by name, as `open_on` may name them.
HOLIDAY_NAMES = frozenset(
    holidays.country_holidays("NL", years=range(2024, 2031), language="nl").values()
)


def _opening_hours(table: Table) -> OpeningHours:
    """`opening_hours = { maandag = ["09:00-18:00"], ... }`, by ISO weekday."""
    found: OpeningHours = {}
    for day, stretches in table.scalar_lists("opening_hours").items():
        if day not in WEEKDAYS:
            raise table.error(f"opening_hours: {day!r} is not a weekday")
        found[WEEKDAYS.index(day) + 1] = [_stretch(table, s) for s in stretches]
    return found


def _stretch(table: Table, text: str) -> tuple[time, time]:
    try:
        first, last = (time.fromisoformat(part) for part in text.split("-"))
    except ValueError:
        raise table.error(f"opening_hours: {text!r} is not like 09:00-18:00") from None
    if last != time(0) and last <= first:
        raise table.error(f"opening_hours: {text!r} does not run forward")
    return first, last


def _district(table: Table) -> District:
    return District(code=table.slug("code"), name=table.text("name"))


def _footnote(table: Table) -> Footnote:
    return Footnote(number=table.integer("number", minimum=1), text=table.text("text"))


def _ambition(table: Table) -> Ambition:
    return Ambition(
        number=table.integer("number", minimum=1),
        covenant=table.text("covenant"),
        theme=table.text("theme"),
        text=table.text("text"),
    )


def _goal(table: Table, known: Known) -> Goal:
    partners = table.texts("partners")
    code = _goal_code(table, known)
    goal = Goal(
        code=code,
        text=table.text("text"),
        target_group=table.text("target_group"),
        branch=_goal_branch(table, known),
        reach=table.text("reach"),
        partners=partners,
        partners_text=table.optional_text("partners_text") or ", ".join(partners),
        kind=cast(GoalKind, table.choice("kind", GOAL_KINDS)),
        indicators=read_indicators(table, code, frozenset(EVENT_TYPES)),
    )
    _footnotes_exist(table, goal, known)
    return goal


def _goal_code(table: Table, known: Known) -> str:
    code = table.text("code")
    match = GOAL_CODE.fullmatch(code)
    if match is None:
        raise table.error(f"goal code {code!r} must look like N.M, e.g. 1.4")
    if int(match[1]) not in known.ambitions:
        raise table.error(f"ambition {match[1]} of goal {code} does not exist")
    return code


def _goal_branch(table: Table, known: Known) -> str | None:
    code = table.optional_text("branch")
    if code is not None and code not in known.branches:
        raise table.error(f"branch {code!r} is not among the branches")
    return code


def _footnotes_exist(table: Table, goal: Goal, known: Known) -> None:
    missing = [number for number in goal.footnotes if number not in known.footnotes]
    if missing:
        raise table.error(f"footnote [{missing[0]}] is not among the footnotes")


def _every_ambition_has_goals(
    tables: list[Table], ambitions: tuple[Ambition, ...], goals: tuple[Goal, ...]
) -> None:
    numbers = {goal.ambition for goal in goals}
    for table, ambition in zip(tables, ambitions, strict=True):
        if ambition.number not in numbers:
            raise table.error(f"ambition {ambition.number} has no goals")
