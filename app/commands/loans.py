"""Loan figures: a month's loans per audience and collection, from the library system.

A figure sent again for the same month, audience and collection corrects the
earlier one; its record id is that natural key. The library system's file of
such figures is imported by `app.commands.loan_imports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.dated import SpanInput, locate_span, parsed
from app.commands.formats import Parses, collection_code, month_start
from app.commands.inputs import Doc, Interval
from app.commands.services import Services
from app.commands.where import Where
from app.commands.writing import Recorded, build, payload, write
from events.counts import LoanFiguresRecorded

Audience = Literal["youth", "adult"]
AUDIENCES: tuple[str, ...] = get_args(Audience)
MAX_LOANS = 1_000_000


@dataclass(frozen=True, kw_only=True)
class LoanFigures(SpanInput):
    """A month's loans for one audience and collection; sent again, it corrects."""

    month: Annotated[str, Parses(month_start), Doc(example="2025-03")]
    audience: Audience
    collection: Annotated[str, Parses(collection_code), Doc(example="fiction")]
    loans: Annotated[int, Interval(ge=0, le=MAX_LOANS)]


def locate_month(
    services: Services, caller: Caller, branch: str | None, month: str
) -> Where:
    """A month's figures occur at its first day, which must have begun in agreement."""
    first = parsed(month_start, month, "month")
    return locate_span(services, caller, branch, first, "month")


def record_loans(services: Services, caller: Caller, figures: LoanFigures) -> Recorded:
    """Record (or correct) a month's loans for an audience and collection."""
    where = locate_month(services, caller, figures.branch, figures.month)
    key = (where.branch, figures.month, figures.audience, figures.collection)
    event = build(LoanFiguresRecorded, where, payload(figures))
    return write(services, caller, ":".join(key), [event], where)
