"""Figures of a span (a month, a day, a week, a period), not of a moment.

Such a figure's moment is not sent: it occurs at local midnight of the day the
span counts in a period by (a month's first day, the day counted, an ISO week's
Thursday, a period's first day). A period's figures are then exactly the
records whose moment falls within it, and a span that has not begun or lies
outside the branch's agreement is refused naming the field that gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, TypeVar

from app.commands.caller import Caller
from app.commands.errors import Invalid
from app.commands.inputs import Doc
from app.commands.services import Services
from app.commands.where import Where, locate, resolve_branch
from events.periods import Period

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class SpanInput:
    """What every figure of a span names besides the span: its branch."""

    branch: Annotated[
        str | None, Doc("Branch code; the only one in reach if left out.")
    ] = None


def parsed(parse: Callable[[str], T], text: str, field: str) -> T:
    """Text parsed by its form; Invalid naming the field if it is not written so."""
    try:
        return parse(text)
    except ValueError as error:
        raise Invalid(field, str(error)) from None


def locate_span(
    services: Services, caller: Caller, branch: str | None, day: date, field: str
) -> Where:
    """The branch in reach and the agreement covering the day; refusals name `field`."""
    code = resolve_branch(services, caller, branch)
    midnight = datetime.combine(day, time(), services.zone)
    try:
        return locate(services, caller, code, midnight)
    except Invalid as error:
        if "occurred_at" not in error.fields:
            raise
        raise Invalid(field, error.fields["occurred_at"]) from None


def locate_period(
    services: Services, caller: Caller, branch: str | None, period: Period
) -> Where:
    """A period's place: it begins in reach and agreement, and ends within it too."""
    where = locate_span(services, caller, branch, period.start, "period")
    if not where.agreement.contains(period.end - timedelta(days=1)):
        raise Invalid("period", "ends after the branch's agreement")
    return where


def invalid(problems: Mapping[str, str]) -> Invalid:
    """One refusal naming every field with a problem (at least one)."""
    (field, detail), *more = problems.items()
    return Invalid(field, detail, **dict(more))
