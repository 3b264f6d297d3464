"""The agreement's goals, and each goal's figures for a period.

Figures are sums of the months the goal-figures projection keeps. Where nothing
is counted for a period but a figure was imported from before the register,
that figure is shown, marked "imported". The records behind a figure come from
the log (goal_queries), so each number can be checked against its events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.agreements import branches_of
from app.api.efforts import within
from app.api.goal_queries import Figures, figures_position, months_of, records_behind
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
from events.catalogue import Goal
from events.catalogue.indicators import Indicator
from events.efforts import EffortNoted, HistoricFigureImported
from events.periods import Period

blp = Blueprint(
    "goals", __name__, url_prefix="/goals", description="Goals and their figures"
)


@dataclass(frozen=True)
class Asked:
    """What a figures request is about: whose goal, which period, which branches."""

    municipality: str
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
        today = datetime.now(agreements[0].zone).date()
        started = [a for a in agreements if a.start <= today] or agreements
        return started[-1]


@blp.route("/<code>/progress")
class Progress(MethodView):
    @requires(*READERS)
    @blp.arguments(ProgressQuerySchema, location="query")
    @blp.response(200, ProgressOutSchema)
    def get(self, query, code):
        """A goal's figures for a period, the period before and a year earlier."""
        return progress(ask(query, code))


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
         if a.start < period.end and period.start <= a.end),
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
        detail = f"unknown branch {query['branch']!r}"
        abort(422, errors=[{"field": "branch", "in": "query", "detail": detail}])
    return Asked(municipality, agreement.goal(code), period, chosen)


# -- the figures --------------------------------------------------------------------


def progress(asked: Asked) -> dict[str, Any]:
    """A goal's indicators over a period and the two it is compared with."""
    period, goal = asked.period, asked.goal
    periods = (period, period.previous(), period.year_earlier())
    months = sorted({m for p in periods for m in months_of(p)})
    figures = Figures(asked.municipality, asked.branches, goal.code, months)
    imported = imported_figures(asked)
    return {
        "goal": goal,
        "municipality": asked.municipality,
        "branches": asked.branches,
        "period": period.label,
        "previous": periods[1].label,
        "year_earlier": periods[2].label,
        "position": figures_position(),
        "indicators": [
            indicator_progress(i, figures, periods, imported) for i in goal.indicators
        ],
        "efforts": efforts(asked),
        "imported": sorted(
            (e.data for e in imported.values() if within(e.data["period"], period)),
            key=lambda f: (f["indicator"], f["period"]),
        ),
    }


def indicator_progress(
    indicator: Indicator,
    figures: Figures,
    periods: tuple[Period, ...],
    imported: dict[tuple[str, str], RecordedEvent],
) -> dict[str, Any]:
    """One indicator: the period's figure, its split, its months, its comparisons."""
    own = months_of(periods[0])
    (value, method), previous, earlier = (
        shown_figure(indicator, figures, p, imported) for p in periods
    )
    zone = current_app.extensions["bieb_config"].zone
    begun = datetime.now(zone).strftime("%Y-%m")
    return {
        **vars(indicator),
        "method": method,
        "value": value,
        "previous": previous[0],
        "previous_method": previous[1],
        "year_earlier": earlier[0],
        "year_earlier_method": earlier[1],
        "records": figures.total(indicator, own)[1],
        "by_dimension": figures.by_dimension(indicator, own),
        "months": {m: figures.month(indicator, m)[0] for m in own},
        "months_without_data": [
            m for m in own if m <= begun and figures.month(indicator, m) == (0.0, 0)
        ],
    }


def shown_figure(
    indicator: Indicator,
    figures: Figures,
    period: Period,
    imported: dict[tuple[str, str], RecordedEvent],
) -> tuple[float, str]:
    """The counted figure; the imported one where nothing is counted."""
    value, records = figures.total(indicator, months_of(period))
    # History indicator codes are snake_case ("youth_loans" for "youth-loans").
    figure = imported.get((indicator.code, period.label))
    if value or records or figure is None:
        return value, "counted"
    return float(figure.data["value"]), "imported"


def imported_figures(asked: Asked) -> dict[tuple[str, str], RecordedEvent]:
    """The latest imported figure of the goal per indicator and period."""
    prefix = f"history-{asked.municipality}-{asked.goal.code}-"
    found = read_every([HistoricFigureImported.TYPE], prefix)
    return {
        (e.data["indicator"], e.data["period"]): e
        for e in found
        if e.data["branch"] in asked.branches
    }


def efforts(asked: Asked) -> list[dict[str, Any]]:
    """The effort notes of the goal for the periods within the one asked."""
    notes = live_records([EffortNoted.TYPE], "effort-", asked.branches, asked.period)
    return [
        e.data
        for e in notes
        if e.data["goal_code"] == asked.goal.code
        and within(e.data["period"], asked.period)
    ]
