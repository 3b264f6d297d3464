"""Loan figures: a month's loans per audience and collection, typed in or imported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask.views import MethodView

from app.api import loans_csv
from app.api.counts import blp, latest, overdue
from app.api.reach import branches_asked
from app.api.reading import period_arg, period_bounds, read_branch, shown
from app.api.recording import answered
from app.auth import READERS, STAFF, requires
from app.callers import caller, services
from app.commands import loan_imports, loans
from app.schemas.common import PeriodQuerySchema, RecordedSchema
from app.schemas.counts_out import LoanImportOutSchema, LoansOutSchema
from app.schemas.derive import input_schema
from events.counts import LoanFiguresRecorded
from events.periods import Period

# For the OpenAPI document: the request has no marshmallow schema to show.
REQUEST_BODY = {
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
    "description": "The library system's export; layout in docs/LOANS_CSV.md.",
}
LoanFiguresSchema = input_schema(loans.LoanFigures)


@blp.route("/loans")
class Loans(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, LoansOutSchema)
    def get(self, query):
        """The current loan figures of a period, and the months without any."""
        period = period_arg(query["period"])
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
    def post(self, figures):
        """Record (or correct) a month's loans for an audience and collection."""
        return answered(loans.record_loans(services(), caller(), figures))


@blp.route("/loans/import")
class LoansImport(MethodView):
    @requires(*STAFF)
    @blp.doc(requestBody=REQUEST_BODY)
    @blp.response(201, LoanImportOutSchema)
    def post(self):
        """Import the library system's loan figures CSV: every row, or none."""
        upload = loans_csv.parse(loans_csv.read_body())
        return loan_imports.import_loans(services(), caller(), upload)


def _branch_loans(branch: str, period: Period) -> tuple[list[dict], list[dict]]:
    """A branch's current loan figures in a period, and its months without any."""
    events = read_branch(LoanFiguresRecorded, branch, *period_bounds(period))
    current = latest(events, "month", "audience", "collection")
    seen = {e.data["month"] for e in events}
    missing = [
        {"branch": branch, "month": month}
        for month, first, after in _months(period)
        if month not in seen and overdue(branch, first, after)
    ]
    return [shown(e) for e in current.values()], missing


def _months(period: Period) -> Iterator[tuple[str, date, date]]:
    first = period.start
    while first < period.end:
        after = (first + timedelta(days=32)).replace(day=1)
        yield f"{first.year}-{first.month:02d}", first, after
        first = after


def _loan_order(row: dict[str, Any]) -> tuple:
    return (row["branch"], row["month"], row["audience"], row["collection"])


def _loan_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    totals = {audience: 0 for audience in loans.AUDIENCES}
    for row in rows:
        totals[row["audience"]] += row["loans"]
    return {**totals, "all": sum(totals.values())}
