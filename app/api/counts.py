"""Loans, memberships and service hours: figures counted elsewhere, per span."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.agreements import agreement_for, branches_of
from app.api import loans_csv
from app.api.loans_csv import read_branch
from app.api.recording import period_arg, record_one
from app.auth import READERS, STAFF, current_account, requires
from app.schemas.common import RecordedSchema
from app.schemas.counts import (
    AUDIENCES,
    FiguresQuerySchema,
    LoanFiguresSchema,
    LoanImportOutSchema,
    LoansOutSchema,
    MembershipCountSchema,
    MembershipsOutSchema,
    ServiceHoursOutSchema,
    ServiceHoursSchema,
)
from events import RecordedEvent
from events.counts import (
    LoanFiguresRecorded,
    MembershipCountRecorded,
    ServiceHoursRecorded,
)
from events.periods import Period

blp = Blueprint(
    "counts",
    __name__,
    url_prefix="",
    description="Loans, memberships and service hours",
)

# The recorded field behind each service-hours code of the shipped catalogue.
HOURS_FIELDS = {"staffed": "staffed_hours", "self-service": "self_service_hours"}
# Year 1 in Amsterdam is year 0 in UTC: no datetime holds it.
MIN_YEAR, MAX_YEAR = 1000, 9000


def _zone():
    return current_app.extensions["bieb_config"].zone


def period_query(text: str) -> Period:
    """The period asked for; 422 also for years whose bounds cannot be computed."""
    period = period_arg(text)
    if not MIN_YEAR <= period.start.year <= MAX_YEAR:
        detail = f"a year from {MIN_YEAR} to {MAX_YEAR}"
        abort(422, errors=[{"field": "period", "in": "query", "detail": detail}])
    return period


def branches_asked(asked: str | None) -> list[str]:
    """The branches a read covers: the one asked for, if within the account's reach."""
    allowed = branches_of(current_account().municipality)
    if asked is None:
        return allowed
    if asked not in allowed:
        detail = f"unknown branch {asked!r}"
        abort(422, errors=[{"field": "branch", "in": "query", "detail": detail}])
    return [asked]


def _over(branch: str, first: date, after: date) -> bool:
    """Whether a span [first, after) has ended and lies in the branch's agreement."""
    begins = datetime.combine(first, time(), _zone())
    return after <= datetime.now(_zone()).date() and bool(agreement_for(branch, begins))


def _latest(events: list[RecordedEvent], *names: str) -> dict[tuple, RecordedEvent]:
    """The last event per key: a later record corrects an earlier one."""
    return {tuple(e.data[n] for n in names): e for e in events}


def _row(event: RecordedEvent, *names: str) -> dict[str, Any]:
    data = event.data
    fields = {n: data[n] for n in ("branch", *names, "source")}
    return {**fields, "position": event.position}


@blp.route("/loans")
class Loans(MethodView):
    @requires(*READERS)
    @blp.arguments(FiguresQuerySchema, location="query")
    @blp.response(200, LoansOutSchema)
    def get(self, query):
        """The current loan figures of a period, and the months without any."""
        period = period_query(query["period"])
        figures, missing = [], []
        for branch in branches_asked(query["branch"]):
            found, absent = _branch_loans(branch, period)
            figures.extend(found)
            missing.extend(absent)
        figures.sort(key=_loan_order)
        return {
            "period": period.label,
            "figures": figures,
            "totals": _loan_totals(figures),
            "missing": missing,
        }

    @requires(*STAFF)
    @blp.arguments(LoanFiguresSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record (or correct) a month's loans for an audience and collection."""
        key = ":".join(data[n] for n in ("branch", "month", "audience", "collection"))
        return record_one(LoanFiguresRecorded, key, data)


def _branch_loans(branch: str, period: Period) -> tuple[list[dict], list[dict]]:
    """A branch's current loan figures in a period, and its months without any."""
    events = read_branch(LoanFiguresRecorded, branch, *period.bounds(_zone()))
    current = _latest(events, "month", "audience", "collection")
    names = ("month", "audience", "collection", "loans")
    seen = {e.data["month"] for e in events}
    missing = [
        {"branch": branch, "month": month}
        for month, first, after in _months(period)
        if month not in seen and _over(branch, first, after)
    ]
    return [_row(e, *names) for e in current.values()], missing


def _months(period: Period) -> Iterator[tuple[str, date, date]]:
    first = period.start
    while first < period.end:
        after = (first + timedelta(days=32)).replace(day=1)
        yield f"{first.year}-{first.month:02d}", first, after
        first = after


def _loan_order(row: dict[str, Any]) -> tuple:
    return (row["branch"], row["month"], row["audience"], row["collection"])


def _loan_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    totals = {audience: 0 for audience in AUDIENCES}
    for row in rows:
        totals[row["audience"]] += row["loans"]
    return {**totals, "all": sum(totals.values())}


@blp.route("/loans/import")
class LoansImport(MethodView):
    @requires(*STAFF)
    @blp.doc(requestBody=loans_csv.REQUEST_BODY)
    @blp.response(201, LoanImportOutSchema)
    def post(self):
        """Import the library system's loan figures CSV: every row, or none."""
        content = loans_csv.read_body()
        rows = loans_csv.parse(content)
        return loans_csv.import_rows(rows, content)


@blp.route("/memberships")
class Memberships(MethodView):
    @requires(*READERS)
    @blp.arguments(FiguresQuerySchema, location="query")
    @blp.response(200, MembershipsOutSchema)
    def get(self, query):
        """Members per audience at the start and at the end of a period."""
        period = period_query(query["period"])
        counts = []
        for branch in branches_asked(query["branch"]):
            events = read_branch(MembershipCountRecorded, branch)
            counts.extend(_stocks(branch, a, events, period) for a in AUDIENCES)
        return {"period": period.label, "counts": counts}

    @requires(*STAFF)
    @blp.arguments(MembershipCountSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record (or correct) the members of an audience on a day."""
        key = ":".join(data[n] for n in ("branch", "audience", "counted_on"))
        return record_one(MembershipCountRecorded, key, data)


def _stocks(
    branch: str, audience: str, events: list[RecordedEvent], period: Period
) -> dict[str, Any]:
    """An audience's members at the start and at the end of a period."""
    mine = [e for e in events if e.data["audience"] == audience]
    days = {k[0]: e.data["members"] for k, e in _latest(mine, "counted_on").items()}
    start = _stock(days, period.start)
    end = _stock(days, period.end - timedelta(days=1))
    change = end["members"] - start["members"] if start and end else None
    return {
        "branch": branch,
        "audience": audience,
        "start": start,
        "end": end,
        "change": change,
    }


def _stock(days: dict[str, int], on: date) -> dict[str, Any] | None:
    """The latest count on or before a day."""
    earlier = [day for day in days if day <= on.isoformat()]
    if not earlier:
        return None
    day = max(earlier)
    return {"counted_on": day, "members": days[day]}


@blp.route("/service-hours")
class ServiceHours(MethodView):
    @requires(*READERS)
    @blp.arguments(FiguresQuerySchema, location="query")
    @blp.response(200, ServiceHoursOutSchema)
    def get(self, query):
        """A period's weekly hours, whether each week complies, and missing weeks."""
        period = period_query(query["period"])
        weeks, missing = [], []
        for branch in branches_asked(query["branch"]):
            found, absent = _branch_weeks(branch, period)
            weeks.extend(found)
            missing.extend(absent)
        return {
            "period": period.label,
            "weeks": weeks,
            "complying_weeks": sum(week["complies"] for week in weeks),
            "missing": missing,
        }

    @requires(*STAFF)
    @blp.arguments(ServiceHoursSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record (or correct) a week's staffed and self-service hours."""
        key = f"{data['branch']}:{data['week']}"
        return record_one(ServiceHoursRecorded, key, data)


def _branch_weeks(branch: str, period: Period) -> tuple[list[dict], list[dict]]:
    """A branch's recorded weeks in a period, and the weeks without a record."""
    # Recorded at their Thursday, the period's weeks are those occurring in it.
    events = read_branch(ServiceHoursRecorded, branch, *period.bounds(_zone()))
    current = {k[0]: e for k, e in _latest(events, "week").items()}
    weeks, missing = [], []
    for week, monday in _weeks(period):
        if week in current:
            weeks.append(_week(current[week]))
        elif _over(branch, monday, monday + timedelta(days=7)):
            missing.append({"branch": branch, "week": week})
    return weeks, missing


def _weeks(period: Period) -> Iterator[tuple[str, date]]:
    """The ISO weeks of a period: those whose Thursday falls within it."""
    thursday = period.start + timedelta(days=(3 - period.start.weekday()) % 7)
    while thursday < period.end:
        year, number, _ = thursday.isocalendar()
        yield f"{year}-W{number:02d}", thursday - timedelta(days=3)
        thursday += timedelta(days=7)


def _week(event: RecordedEvent) -> dict[str, Any]:
    data = event.data
    agreement = agreement_for(data["branch"], event.occurred_at)
    compliance = {
        rule.code: rule.complies(data[HOURS_FIELDS[rule.code]])
        for rule in (agreement.service_hours if agreement else ())
        if rule.code in HOURS_FIELDS
    }
    row = _row(event, "week", "staffed_hours", "self_service_hours")
    return {**row, "compliance": compliance, "complies": all(compliance.values())}
