"""Membership counts: the members of an audience on a day, a stock.

A count sent again for the same day and audience corrects the earlier one; its
record id is that natural key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from app.commands.caller import Caller
from app.commands.dated import SpanInput, locate_span
from app.commands.inputs import Doc, Interval
from app.commands.loans import Audience
from app.commands.services import Services
from app.commands.writing import Recorded, build, payload, write
from events.counts import MembershipCountRecorded

MAX_MEMBERS = 1_000_000


@dataclass(frozen=True, kw_only=True)
class MembershipCount(SpanInput):
    """Members of an audience on a day (a stock); sent again, it corrects."""

    counted_on: Annotated[date, Doc(example="2025-01-01")]
    audience: Audience
    members: Annotated[int, Interval(ge=0, le=MAX_MEMBERS)]


def count_members(
    services: Services, caller: Caller, count: MembershipCount
) -> Recorded:
    """Record (or correct) the members of an audience on a day."""
    day = count.counted_on
    where = locate_span(services, caller, count.branch, day, "counted_on")
    data = {**payload(count), "counted_on": day.isoformat()}
    event = build(MembershipCountRecorded, where, data)
    key = f"{where.branch}:{count.audience}:{day.isoformat()}"
    return write(services, caller, key, [event], where)
