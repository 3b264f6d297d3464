"""The sampling page (/steekproef): a visitor count or workplace occupancy, and
which parts of the week still lack samples this period.

Zone, number, save: the form is parsed with the API's schema and written by
`app.commands.samples.take_sample`. The parts of the week come from the
estimator itself (`events.figures.estimates.missing_strata`) over the samples
the read side keeps (`events.figures.read.GoalFigures.samples`), so the page
says what the report will say: a part of the week needs two samples.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, get_args

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.agreements import branches as agreements_by_branch
from app.auth import READERS, STAFF
from app.callers import caller, services
from app.commands import samples
from app.commands.where import reach
from app.pages.forms import (
    FORM,
    REFUSALS,
    keyed_caller,
    new_key,
    number,
    parse,
    refused,
)
from app.pages.guard import page_requires
from app.schemas.derive import input_schema
from events.figures import estimates
from events.figures.read import GoalFigures, figures_position
from events.periods import Period, parse_period, period_of

bp = Blueprint("sampling", __name__)

VisitorSchema = input_schema(samples.VisitorSample)
WorkplaceSchema = input_schema(samples.WorkplaceSample)
ZONES: tuple[str, ...] = get_args(samples.Zone)
METHODS: tuple[str, ...] = get_args(samples.Method)
# A count without a time given covers the last quarter of an hour.
DEFAULT_MINUTES = 15


def zone_names() -> dict[str, str]:
    return {
        "plein1": _("Plein1 (whole building)"),
        "library": _("Library"),
        "study_area": _("Study and work places"),
        "children_area": _("Children's corner"),
    }


def _messages() -> dict[str, str]:
    return {
        "zone": _("Choose a zone."),
        "people": _("Number of people: a whole number from 0 to 2000."),
        "minutes": _("Minutes: a whole number from 1 to 240."),
        "method": _("Choose how you counted."),
        "window_start": _(
            "Choose a moment that has passed and lies within the agreement's years."
        ),
        "places": _("Places: a whole number from 1 to 500."),
        "occupied": _("Occupied: a whole number, not more than the places."),
        "branch": _("Choose a branch."),
        FORM: _("Not saved. Check the form and try again."),
    }


def _zone() -> Any:
    return current_app.extensions["bieb_config"].zone


def _branch() -> str | None:
    branches = reach(services(), caller())
    asked = request.values.get("branch")
    return asked if asked in branches else (branches[0] if branches else None)


def _period() -> Period:
    """The period the page looks at: ?periode=2025-H1, else the current half-year."""
    try:
        return parse_period(request.args.get("periode", ""))
    except ValueError:
        return period_of(services().clock(), "half", _zone())


def _window_start(minutes: Any) -> datetime | str:
    """The window's start: the day and time given (local), else `minutes` ago."""
    day, clock = request.form.get("day", ""), request.form.get("start", "")
    if not day and not clock:
        back = minutes if isinstance(minutes, int) else DEFAULT_MINUTES
        return services().clock() - timedelta(minutes=back)
    try:
        on = date.fromisoformat(day) if day else services().clock().astimezone(
            _zone()).date()  # fmt: skip
        at = time.fromisoformat(clock) if clock else time(0)
    except ValueError:
        return "not a moment"
    return datetime.combine(on, at, _zone())


def _visitor_data() -> dict[str, Any]:
    minutes = number(request.form.get("minutes")) or DEFAULT_MINUTES
    start = _window_start(minutes)
    return {
        "zone": request.form.get("zone") or None,
        "people": number(request.form.get("people")),
        "minutes": minutes,
        "method": request.form.get("method") or "headcount",
        "window_start": start.isoformat() if isinstance(start, datetime) else start,
        "branch": request.form.get("branch") or None,
    }


def _workplace_data() -> dict[str, Any]:
    return {
        "zone": request.form.get("zone") or None,
        "places": number(request.form.get("places")),
        "occupied": number(request.form.get("occupied")),
        "window_start": services().clock().isoformat(),
        "branch": request.form.get("branch") or None,
    }


def coverage(branch: str, period: Period) -> list[dict[str, Any]]:
    """Per estimated indicator: the open parts of the week, those short of samples."""
    found = []
    agreement = next(
        (a for a in agreements_by_branch().get(branch, [])
         if a.covers(period.start, period.end)),
        None,
    )  # fmt: skip
    if agreement is None:
        return found
    site = agreement.branch(branch)
    closed = site.closed_between(period.start, period.end)
    tomorrow = services().clock().astimezone(_zone()).date() + timedelta(days=1)
    engine = current_app.extensions["store"].engine
    for goal in agreement.goals:
        for indicator in goal.indicators:
            if indicator.measure != "estimate":
                continue
            with engine.connect() as conn:
                figures = GoalFigures(conn, agreement, [branch], goal.code, [period],
                                      zone=_zone(), until=tomorrow)  # fmt: skip
                rows = figures.samples(indicator, period)
                days = figures.days(period)
            taken = [_sample(row) for row in rows]
            hours = site.opening_hours
            open_parts = estimates.open_minutes(hours, days, closed, zone=_zone())
            missing = estimates.missing_strata(taken, hours, days, closed, zone=_zone())
            found.append(_grid(goal.code, indicator, open_parts, missing, len(rows)))
    return found


def _sample(row: Any) -> estimates.Sample:
    return estimates.Sample(
        local_start=datetime.fromisoformat(row.window_start),
        minutes=row.minutes,
        people=row.people,
        method=row.method,
    )


def _grid(goal: str, indicator: Any, open_parts: dict, missing: list[str], taken: int):
    parts = [name for name, _first, _last in estimates.PARTS]
    rows = []
    for weekday in range(1, 8):
        cells = []
        for part in parts:
            label = estimates.stratum_label((weekday, part))
            state = (
                "closed" if (weekday, part) not in open_parts
                else "missing" if label in missing
                else "enough"
            )  # fmt: skip
            cells.append({"state": state, "label": label})
        if any(c["state"] != "closed" for c in cells):
            rows.append({"weekday": estimates.WEEKDAYS[weekday - 1], "cells": cells})
    return {
        "goal": goal,
        "indicator": indicator,
        "zone": indicator.where.get("zone"),
        "parts": parts,
        "rows": rows,
        "missing": missing,
        "samples": taken,
    }


def _page(errors: dict[str, str], kind: str | None = None, status: int = 200):
    messages = _messages()
    shown = {f: messages.get(f, messages[FORM]) for f in errors}
    branch = _branch()
    period = _period()
    body = render_template(
        "steekproef.html",
        branch=branch,
        branches=reach(services(), caller()),
        period=period,
        coverage=coverage(branch, period) if branch else [],
        behind=_figures_behind(),
        zones=ZONES,
        zone_names=zone_names(),
        methods=METHODS,
        default_minutes=DEFAULT_MINUTES,
        errors=shown,
        kind=kind,
        form=request.form if errors else {},
        keys={"visitors": new_key(), "workplaces": new_key()}
        | ({kind: request.form.get("key")} if errors and kind else {}),
        writers=g.page_writers,
    )
    return Response(body, status)


@bp.route("/steekproef", methods=["GET", "POST"])
@page_requires(*READERS, writers=STAFF)
def index() -> Response:
    """Count visitors or occupied places (POST); see what the period still lacks."""
    if request.method == "GET":
        return _page({})
    kind = "workplaces" if request.form.get("kind") == "workplaces" else "visitors"
    schema, data = (
        (WorkplaceSchema, _workplace_data()) if kind == "workplaces"
        else (VisitorSchema, _visitor_data())
    )  # fmt: skip
    sample, errors = parse(schema, data)
    if not errors:
        who = keyed_caller(request.form.get("key"))
        try:
            samples.take_sample(services(), who, sample, who.event_id())
        except REFUSALS as error:
            errors = refused(error)
    if errors:
        return _page(errors, kind, 422)
    flash(_saved(sample, zone_names()[sample.zone]), "ok")
    return redirect(
        url_for(".index", branch=_branch(), periode=request.args.get("periode"))
    )


def _saved(sample: samples.Sample, zone: str) -> str:
    if isinstance(sample, samples.VisitorSample):
        people = sample.people
        return _(
            "Count saved: %(people)d people in %(zone)s.", people=people, zone=zone
        )
    return _(
        "Saved: %(occupied)d of %(places)d places occupied in %(zone)s.",
        occupied=sample.occupied,
        places=sample.places,
        zone=zone,
    )


def _figures_behind() -> bool:
    """Whether the figures have not yet counted every event in the log."""
    store = current_app.extensions["store"]
    with store.engine.connect() as conn:
        return figures_position(conn) < store.head()
