"""Loans, memberships and service hours: figures counted elsewhere, per span.

One blueprint: the routes live in `loans`, `memberships` and `hours`, imported
at the end. A figure sent again for the same span corrects the earlier one, so
a read keeps the latest per span; a span that has ended without a figure, in
the years of the branch's agreement, is reported as missing.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import current_app
from flask_smorest import Blueprint

from app.agreements import agreement_for
from events import RecordedEvent

blp = Blueprint(
    "counts",
    __name__,
    url_prefix="",
    description="Loans, memberships and service hours",
)


def latest(events: list[RecordedEvent], *names: str) -> dict[tuple, RecordedEvent]:
    """The last event per key: a later record corrects an earlier one."""
    return {tuple(e.data[n] for n in names): e for e in events}


def overdue(branch: str, first: date, after: date) -> bool:
    """Whether a span [first, after) has ended and lies in the branch's agreement."""
    zone = current_app.extensions["bieb_config"].zone
    begins = datetime.combine(first, time(), zone)
    return after <= datetime.now(zone).date() and bool(agreement_for(branch, begins))


# The route modules register on `blp`; imported last, as they import it from here.
from app.api import hours, loans, memberships  # noqa: E402, F401
