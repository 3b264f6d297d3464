"""The agreement's goals, and each goal's figures for a period.

Figures are sums of the months the goal-figures projection keeps. Where nothing
is counted for a period but a figure was imported from before the register,
that figure is shown, marked "imported". The records behind a figure come from
the log (goal_queries), so each number can be checked against its events.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.agreements import branches_of
from app.api.goal_queries import records_behind
from app.api.reach import branches_asked
from app.api.reading import live_records, period_arg, read_every
from app.auth import READERS, requires
from app.schemas.goals import (
    AgreementOutSchema,
    FigureRecordsSchema,
    MunicipalityQuerySchema,
    ProgressOutSchema,
    ProgressQuerySchema,
    agreements_of,
)
from events import RecordedEvent
from events.catalogue import Agreement, Goal
from events.catalogue.indicators import Indicator
from events.dutch import measure_name, method_name, period_name
from events.efforts import EffortNoted, HistoricFigureImported
from events.figures.measures import measure_of
from events.figures.read import GoalFigures, Shown, counted_or_imported, months_of
from events.figures.replay import figures_as_of, position_at
from events.figures.status import IndicatorFigures, goal_status
from events.i18n import t
from events.periods import Period, within

blp = Blueprint(
    "goals", __name__, url_prefix="/goals", description="Goals and their figures"
)


@dataclass(frozen=True)
class Asked:
    """What a figures request is about: whose goal, which period, which branches."""

    municipality: str
    agreement: Agreement
    goal: Goal
    period: Period
    branches: list[str]


@blp.route("")
class Goals(MethodView):
    @requires(*READERS)
    @blp.arguments(MunicipalityQuerySchema, location="query")
    @blp.response(200, AgreementOutSchema)
    def get(self, query):
        """The agreement of a municipality: its ambitions, goals and indicators."""
        agreements = agreements_of(query["municipality"])
        today = datetime.now(current_app.extensions["bieb_config"].zone).date()
        started = [a for a in agreements if a.start <= today] or agreements
        return started[-1]


@blp.route("/<code>/progress")
class Progress(MethodView):
    @requires(*READERS)
    @blp.arguments(ProgressQuerySchema, location="query")
    @blp.response(200, ProgressOutSchema)
    def get(self, query, code):
        """A goal's figures for a period, the period before and a year earlier."""
        return progress(ask(query, code), query["as_of"])


@blp.route("/<code>/indicators/<indicator>/records")
class Records(MethodView):
    @requires(*READERS)
    @blp.arguments(ProgressQuerySchema, location="query")
    @blp.response(200, FigureRecordsSchema)
    def get(self, query, code, indicator):
        """The records behind an indicator's figure for a period."""
        asked = ask(query, code)
        wanted = next((i for i in asked.goal.indicators if i.code == indicator), None)
        if wanted is None:
            abort(404, message="No such indicator.")
        records = records_behind(wanted, asked.period, asked.branches)
        return {
            "goal": asked.goal.code,
            "indicator": wanted.code,
            "period": asked.period.label,
            "value": sum(r["value"] for r in records),
            "records": records,
        }


# -- whose agreement --------------------------------------------------------------


def ask(query: dict[str, Any], code: str) -> Asked:
    """The goal, period and branches a figures request asks for; 404 or 422 if bad."""
    municipality = query["municipality"]
    period = period_arg(query["period"])
    agreement = next(
        (a for a in agreements_of(municipality)
         if a.covers(period.start, period.end)),
        None,
    )  # fmt: skip
    if agreement is None:
        detail = "lies outside the years of the municipality's agreements"
        abort(422, errors=[{"field": "period", "in": "query", "detail": detail}])
    if not agreement.has_goal(code):
        abort(404, message="No such goal.")
    chosen = [
        b for b in branches_asked(query["branch"]) if b in branches_of(municipality)
    ]
    if not chosen:
        detail = "unknown branch, or one out of your reach"
        abort(422, errors=[{"field": "branch", "in": "query", "detail": detail}])
    return Asked(municipality, agreement, agreement.goal(code), period, chosen)


# -- the figures --------------------------------------------------------------------


@contextmanager
def counted(asked: Asked, as_of: int | datetime | None) -> Iterator[tuple[Any, int]]:
    """A connection to the figures, live or as they stood at `as_of`; the position."""
    store = current_app.extensions["store"]
    position = (
        None if as_of is None
        else position_at(store, as_of) if isinstance(as_of, datetime)
        else min(as_of, store.head())
    )  # fmt: skip
    zone = current_app.extensions["bieb_config"].zone
    with figures_as_of(store, asked.agreement, zone, position) as found:
        yield found


def progress(asked: Asked, as_of: int | datetime | None = None) -> dict[str, Any]:
    """A goal's indicators over a period and the two it is compared with."""
    period, goal = asked.period, asked.goal
    periods = (period, period.previous(), period.year_earlier())
    zone = current_app.extensions["bieb_config"].zone
    today = (as_of if isinstance(as_of, datetime) else datetime.now(zone)).date()
    with counted(asked, as_of) as (conn, position):
        figures = GoalFigures(
            conn, asked.agreement, asked.branches, goal.code, periods,
            zone=zone, until=today,
        )  # fmt: skip
        # What the log says beside the figures: up to as_of, if asked.
        last = position if as_of is not None else None
        imported = imported_figures(asked, last)
        indicators = [
            indicator_progress(i, figures, periods, imported) for i in goal.indicators
        ]
    noted = [e for e in efforts(asked) if last is None or e["position"] <= last]
    return {
        "goal": goal,
        "municipality": asked.municipality,
        "branches": asked.branches,
        "status": status_of(goal, indicators, noted, period, today),
        "period": period.label,
        "period_label": period_name(period.label),
        "previous": periods[1].label,
        "previous_label": period_name(periods[1].label),
        "year_earlier": periods[2].label,
        "year_earlier_label": period_name(periods[2].label),
        "position": position,
        "as_of": None if as_of is None else position,
        "indicators": indicators,
        "efforts": noted,
        "imported": sorted(
            (e.data for e in imported.values() if within(e.data["period"], period)),
            key=lambda f: (f["indicator"], f["period"]),
        ),
    }


def status_of(
    goal: Goal,
    indicators: list[dict[str, Any]],
    noted: list[dict[str, Any]],
    period: Period,
    today: date,
) -> dict[str, str]:
    """The goal's status by the one rule (events.figures.status), as the report's.

    A period still running compares its targets pro rata over its months so far.
    """
    begun = [m for m in months_of(period) if m <= today.strftime("%Y-%m")]
    figures = [
        IndicatorFigures(
            label=i["label"], value=i["status_value"][0],
            previous=i["status_value"][1], year_earlier=i["status_value"][2],
            method=i["method"], months_without_data=i["months_without_data"],
            estimate=i["estimate"], target=i["declared_target"],
            grows_with_period=i["grows_with_period"],
        )
        for i in indicators
    ]  # fmt: skip
    found = goal_status(
        figures, [e["text"] for e in noted],
        months=len(begun) or 1, effort=goal.is_effort,
    )  # fmt: skip
    return found.as_dict()


def target_of(indicator: Indicator) -> dict[str, Any] | None:
    """The agreement's target for the indicator, with its period in Dutch."""
    target = indicator.target
    if target is None:
        return None
    per_label = t(f"status.per.{target.per}")
    return {"value": target.value, "per": target.per, "per_label": per_label}


def indicator_progress(
    indicator: Indicator,
    figures: GoalFigures,
    periods: tuple[Period, ...],
    imported: dict[tuple[str, str], RecordedEvent],
) -> dict[str, Any]:
    """One indicator: the period's figure, its split, its months, its comparisons."""
    own = figures.shown(indicator, periods[0])
    shown = [own, *(figures.shown(indicator, p) for p in periods[1:])]
    (value, method), previous, earlier = (
        shown_figure(indicator, s, p, imported)
        for s, p in zip(shown, periods, strict=True)
    )
    # The status reads figures as the report shows them (estimates rounded).
    measure = measure_of(indicator)
    reported = [
        shown_figure(indicator, measure.reported(s), p, imported)[0]
        for s, p in zip(shown, periods, strict=True)
    ]
    return {
        **vars(indicator),
        "grows_with_period": indicator.grows_with_period,
        "declared_target": indicator.target,
        "status_value": reported,
        "method": method,
        "method_label": method_name(method),
        "measure_label": measure_name(indicator.measure),
        "target": target_of(indicator),
        "value": value,
        "previous": previous[0],
        "previous_method": previous[1],
        "year_earlier": earlier[0],
        "year_earlier_method": earlier[1],
        "records": own.records,
        "by_dimension": own.by_dimension,
        "months": own.months,
        "at_start": own.at_start,
        "estimate": own.estimate,
        "months_without_data": figures.months_without_data(indicator, periods[0]),
    }


def shown_figure(
    indicator: Indicator,
    shown: Shown,
    period: Period,
    imported: dict[tuple[str, str], RecordedEvent],
) -> tuple[float | None, str]:
    """The counted (or estimated) figure; the imported one where nothing is counted."""
    figure = imported.get((indicator.code, period.label))
    value = None if figure is None else float(figure.data["value"])
    return counted_or_imported(shown, value)


def imported_figures(
    asked: Asked, position: int | None = None
) -> dict[tuple[str, str], RecordedEvent]:
    """The latest imported figure of the goal per indicator and period."""
    prefix = f"history-{asked.municipality}-{asked.goal.code}-"
    found = read_every([HistoricFigureImported.TYPE], prefix)
    return {
        (e.data["indicator"], e.data["period"]): e
        for e in found
        if e.data["branch"] in asked.branches
        and (position is None or e.position <= position)
    }


def efforts(asked: Asked) -> list[dict[str, Any]]:
    """The effort notes of the goal for the periods within the one asked."""
    notes = live_records([EffortNoted.TYPE], "effort-", asked.branches, asked.period)
    return [
        {**e.data, "position": e.position}
        for e in notes
        if e.data["goal_code"] == asked.goal.code
        and within(e.data["period"], asked.period)
    ]
