"""Compile a report: every goal's figures for a period at one log position.

The figures come from the read models (events.figures.read): the live tables
when compiling now, or tables replayed to the stored position when compiling
again (DESIGN invariant 7). What the log says beside them (effort notes,
imported figures, weekly hours) is read from the log up to the same position.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from events import RecordedEvent
from events.catalogue import Agreement, Goal
from events.catalogue.indicators import Indicator
from events.corrections import RecordRetracted, live
from events.counts import ServiceHoursRecorded
from events.efforts import EffortNoted, HistoricFigureImported
from events.figures.measures import measure_of
from events.figures.read import GoalFigures, Shown, counted_or_imported, months_of
from events.figures.replay import figures_as_of
from events.figures.shown import UNKNOWN
from events.figures.status import IndicatorFigures, goal_status, hours_status
from events.i18n import t
from events.periods import Period, parse_period, week_in, weeks_of, within
from events.store import SqlEventStore
from workers.reports.content import (
    AmbitionSection,
    EffortLine,
    EstimateLine,
    FootnoteLine,
    GoalSection,
    HoursLine,
    IndicatorLine,
    ReportContent,
)
from workers.reports.render import period_name

HOURS_FIELDS = {"staffed": "staffed_hours", "self-service": "self_service_hours"}


def compile_content(
    store: SqlEventStore,
    agreement: Agreement,
    label: str,
    zone: ZoneInfo,
    *,
    position: int | None = None,
) -> ReportContent:
    """The report of a period, at `position` (None: as the figures stand now)."""
    period = parse_period(label)
    periods = (period, period.previous(), period.year_earlier())
    branches = [b.code for b in agreement.branches]
    with figures_as_of(store, agreement, zone, position) as (conn, at):
        log = _Log(store, agreement, at, branches)
        ambitions = [
            AmbitionSection(
                number=ambition.number,
                title=ambition.theme,
                text=ambition.text,
                goals=[
                    _goal(conn, agreement, goal, branches, periods, log, zone)
                    for goal in agreement.goals_of(ambition.number)
                ],
            )
            for ambition in agreement.ambitions
        ]
    return ReportContent(
        municipality=agreement.municipality.code,
        municipality_name=agreement.municipality.name,
        organisation=agreement.organisation,
        agreement_title=agreement.title,
        period=period.label,
        period_title=period_name(period.label),
        previous=periods[1].label,
        year_earlier=periods[2].label,
        position=at,
        ambitions=ambitions,
        hours=_hours(agreement, period, log),
        districts={d.code: d.name for d in agreement.districts},
        agreement_name=agreement.name,
        agreement_version=agreement.version,
    )


def _goal(
    conn: Connection,
    agreement: Agreement,
    goal: Goal,
    branches: list[str],
    periods: tuple[Period, ...],
    log: _Log,
    zone: ZoneInfo,
) -> GoalSection:
    period = periods[0]
    figures = GoalFigures(conn, agreement, branches, goal.code, periods, zone=zone)
    lines, estimates, missing, judged = [], [], [], []
    for indicator in goal.indicators:
        measure = measure_of(indicator)
        shown = [measure.reported(figures.shown(indicator, p)) for p in periods]
        values = [
            log.imported_or(goal.code, indicator, p, s)
            for p, s in zip(periods, shown, strict=True)
        ]
        lines.append(
            IndicatorLine(
                code=indicator.code,
                label=indicator.label,
                measure=indicator.measure,
                value=values[0][0],
                previous=values[1][0],
                year_earlier=values[2][0],
                method=values[0][1],
                records=shown[0].records,
                by_dimension=shown[0].by_dimension,
                months=shown[0].months,
                at_start=shown[0].at_start,
            )
        )
        if shown[0].estimate is not None:
            estimates.append(_estimate(indicator, shown[0]))
        missing += measure.notes(figures, indicator, period, shown[0])
        judged.append(
            IndicatorFigures(
                label=indicator.label, value=values[0][0], previous=values[1][0],
                year_earlier=values[2][0], method=values[0][1],
                months_without_data=figures.months_without_data(indicator, period),
                estimate=shown[0].estimate, target=indicator.target,
                grows_with_period=indicator.grows_with_period,
            )
        )  # fmt: skip
    efforts = log.efforts(goal.code, period)
    status = goal_status(
        judged, [e.text for e in efforts],
        months=len(months_of(period)), effort=goal.is_effort,
    )  # fmt: skip
    return GoalSection(
        code=goal.code,
        text=goal.text,
        target_group=goal.target_group,
        branch=agreement.branch(goal.branch).name if goal.branch else "",
        reach=goal.reach,
        partners=list(goal.partners),
        indicators=lines,
        estimates=estimates,
        efforts=efforts,
        missing=missing,
        status=status,
        explanations=_explanations(agreement, goal, lines),
        footnotes=[
            FootnoteLine(number=f.number, text=f.text)
            for f in agreement.footnotes
            if f.number in goal.footnotes
        ],
    )


def _explanations(
    agreement: Agreement, goal: Goal, lines: list[IndicatorLine]
) -> list[str]:
    """What a reader needs to read the goal's figures right, in Dutch."""
    notes = []
    for indicator, line in zip(goal.indicators, lines, strict=True):
        if line.value is None:
            continue
        if "SchoolLessonGiven" in indicator.events and indicator.value == "pupils":
            size = agreement.context.average_class_size
            notes.append(t("report.explain.class_size").format(
                label=line.label, size=size))  # fmt: skip
        themes = line.by_dimension.get("themes", {})
        if sum(themes.values()) > line.value:
            notes.append(t("report.explain.themes"))
        if any(UNKNOWN in items for items in line.by_dimension.values()):
            notes.append(t("report.explain.unknown"))
    return list(dict.fromkeys(notes))  # each once, in order


def _estimate(indicator: Indicator, shown: Shown) -> EstimateLine:
    found = shown.estimate or {}
    return EstimateLine(
        label=indicator.label,
        total=float(shown.value or 0.0),
        low=float(found["low"]),
        high=found["high"],
        samples=int(found["samples"]),
        display=found["display"],
        method=found["method"],
        missing=list(found["missing"]),
    )


def _hours(agreement: Agreement, period: Period, log: _Log) -> list[HoursLine]:
    weeks = log.weeks(period)
    # Every branch owes each ISO week of the period (events.periods.weeks_of).
    count = len(weeks_of(period)) * len(log.branches)
    lines = []
    for hours in agreement.service_hours:
        name = HOURS_FIELDS.get(hours.code)
        recorded = [float(w[name]) for w in weeks.values()] if name else []
        kept = sum(hours.complies(h) for h in recorded)
        lines.append(
            HoursLine(
                code=hours.code,
                label=hours.name,
                min_per_week=hours.min_per_week,
                max_per_week=hours.max_per_week,
                weeks=count,
                weeks_recorded=len(recorded),
                weeks_complying=kept,
                average=round(sum(recorded) / len(recorded), 2) if recorded else None,
                status=hours_status(
                    hours.min_per_week,
                    hours.max_per_week,
                    weeks=count,
                    recorded=len(recorded),
                    complying=kept,
                ),
            )
        )
    return lines


class _Log:
    """What the report reads from the log itself, up to the position: one pass."""

    KINDS = (RecordRetracted.TYPE, HistoricFigureImported.TYPE, EffortNoted.TYPE,
             ServiceHoursRecorded.TYPE)  # fmt: skip

    def __init__(
        self,
        store: SqlEventStore,
        agreement: Agreement,
        position: int,
        branches: list[str],
    ) -> None:
        municipality = agreement.municipality.code
        self.branches = branches
        found: list[RecordedEvent] = []
        after = 0
        while batch := store.read_types(self.KINDS, after=after, limit=10_000):
            for event in batch:
                data = event.data
                if (event.position <= position and data["branch"] in branches
                        and data["municipality"] == municipality):  # fmt: skip
                    found.append(event)
            if batch[-1].position >= position:
                break
            after = batch[-1].position
        kept: dict[str, list[RecordedEvent]] = defaultdict(list)
        for event in live(found):
            kept[event.type].append(event)
        self.imported = {
            (e.data["goal_code"], e.data["indicator"], e.data["period"]): e
            for e in kept[HistoricFigureImported.TYPE]
        }
        self.notes = kept[EffortNoted.TYPE]
        self.hours = kept[ServiceHoursRecorded.TYPE]

    def imported_or(
        self, goal: str, indicator: Indicator, period: Period, shown: Shown
    ) -> tuple[float | None, str]:
        """The counted figure; the imported one where nothing is counted."""
        figure = self.imported.get((goal, indicator.code, period.label))
        value = None if figure is None else float(figure.data["value"])
        return counted_or_imported(shown, value)

    def efforts(self, goal: str, period: Period) -> list[EffortLine]:
        notes = [
            e
            for e in self.notes
            if e.data["goal_code"] == goal and within(e.data["period"], period)
        ]
        return [EffortLine(period=e.data["period"], text=e.data["text"]) for e in notes]

    def weeks(self, period: Period) -> dict[str, dict[str, Any]]:
        """The latest hours recorded for each week of the period, per branch."""
        found: dict[str, dict[str, Any]] = {}
        for event in self.hours:
            if week_in(event.data["week"], period):
                found[f"{event.data['branch']}|{event.data['week']}"] = event.data
        return found
