"""Figures counted or sampled: visitors, workplaces, loans, members, hours."""

from __future__ import annotations

from dataclasses import dataclass

from events.base import Event
from events.registry import register


@register
@dataclass(frozen=True, kw_only=True)
class VisitorSampleTaken(Event):
    """Plein1 has no door counter: visitors are counted in sampled windows."""

    TYPE = "VisitorSampleTaken"
    STREAM = "visitor-sample-{sample_id}"

    sample_id: str
    zone: str
    window_start: str
    minutes: int
    people: int
    method: str


@register
@dataclass(frozen=True, kw_only=True)
class WorkplaceOccupancySampled(Event):
    TYPE = "WorkplaceOccupancySampled"
    STREAM = "workplace-sample-{sample_id}"

    sample_id: str
    zone: str
    window_start: str
    places: int
    occupied: int


@register
@dataclass(frozen=True, kw_only=True)
class LoanFiguresRecorded(Event):
    """A month's loans for one audience and collection, from the library system.

    Recorded again for the same month, audience and collection, the later figure
    replaces the earlier one: that is how a loan figure is corrected.
    """

    TYPE = "LoanFiguresRecorded"
    STREAM = "loans-{branch}-{month}"

    month: str
    audience: str
    collection: str
    loans: int


@register
@dataclass(frozen=True, kw_only=True)
class MembershipCountRecorded(Event):
    """A stock: members on a date; recorded again for that date, it is corrected."""

    TYPE = "MembershipCountRecorded"
    STREAM = "members-{branch}-{audience}"

    counted_on: str
    audience: str
    members: int


@register
@dataclass(frozen=True, kw_only=True)
class ServiceHoursRecorded(Event):
    """A week's staffed and self-service hours; recorded again, it is corrected."""

    TYPE = "ServiceHoursRecorded"
    STREAM = "hours-{branch}-{week}"

    week: str
    staffed_hours: float
    self_service_hours: float
