"""Service hours: a week's staffed and self-service hours.

Hours sent again for the same week correct the earlier ones; the record id is
the branch and the week. An ISO week belongs to the period of its Thursday.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from app.commands.caller import Caller
from app.commands.dated import SpanInput, locate_span, parsed
from app.commands.formats import Parses, week_thursday
from app.commands.inputs import Doc, Interval
from app.commands.services import Services
from app.commands.writing import Recorded, build, payload, write
from events.counts import ServiceHoursRecorded

MAX_HOURS = 168  # the hours of a week
Hours = Annotated[float, Interval(ge=0, le=MAX_HOURS)]


@dataclass(frozen=True, kw_only=True)
class ServiceHours(SpanInput):
    """A week's staffed and self-service hours; sent again, it corrects."""

    week: Annotated[
        str,
        Parses(week_thursday),
        Doc("An ISO week, recorded from its Thursday on.", "2025-W27"),
    ]
    staffed_hours: Annotated[Hours, Doc(example=38.5)]
    self_service_hours: Annotated[Hours, Doc(example=56)]


def record_hours(services: Services, caller: Caller, hours: ServiceHours) -> Recorded:
    """Record (or correct) a week's staffed and self-service hours."""
    thursday = parsed(week_thursday, hours.week, "week")
    where = locate_span(services, caller, hours.branch, thursday, "week")
    event = build(ServiceHoursRecorded, where, payload(hours))
    return write(services, caller, f"{where.branch}:{hours.week}", [event], where)
