"""The agreement file's sections beside its goals: context, general, reporting."""

from __future__ import annotations

from typing import Any, cast

from events.catalogue.parts import (
    Context,
    ReportObligation,
    ReportPeriod,
    ServiceHours,
)
from events.catalogue.reader import Table, unique

REPORT_PERIODS = ("half-year", "year")


def rest(root: Table) -> dict[str, Any]:
    """The Agreement fields read from [context], [general] and [reporting]."""
    with root.table("context") as table:
        context = _context(table)
    with root.table("general") as table:
        general_text = table.text("text")
        hours = unique(
            table.optional_tables("service_hours"), _service_hours, "hours code"
        )
    with root.table("reporting") as table:
        reporting_text = table.text("text")
        reports = unique(table.tables("reports"), _report, "report code")
    return {
        "context": context,
        "general_text": general_text,
        "service_hours": hours,
        "reporting_text": reporting_text,
        "reports": reports,
    }


def _context(table: Table) -> Context:
    return Context(
        average_class_size=table.integer("average_class_size", minimum=1),
        low_literate_adults=table.optional_integer("low_literate_adults"),
    )


def _service_hours(table: Table) -> ServiceHours:
    hours = ServiceHours(
        code=table.slug("code"),
        name=table.text("name"),
        text=table.text("text"),
        min_per_week=table.number("min_per_week"),
        max_per_week=table.optional_number("max_per_week"),
    )
    if hours.max_per_week is not None and hours.max_per_week < hours.min_per_week:
        raise table.error("'max_per_week' is below 'min_per_week'")
    return hours


def _report(table: Table) -> ReportObligation:
    return ReportObligation(
        code=table.slug("code"),
        name=table.text("name"),
        period=cast(ReportPeriod, table.choice("period", REPORT_PERIODS)),
    )
