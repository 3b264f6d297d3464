"""Figures counted elsewhere: loans per month, members on a date, hours per week.

Such a figure describes a span (a month, a day, a week), not a moment, so its
`occurred_at` is not sent: it is local midnight of the day the span counts in a
period by (a month's first day, the day counted, an ISO week's Thursday). A
period's figures are then exactly the records whose `occurred_at` falls within
it, and a span that has not begun or lies outside the agreement is refused
naming the field that gives it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from marshmallow import ValidationError, fields, post_load, validate

from app.schemas.common import Number, RecordSchema, choice, count
from events.periods import iso_week_start

AUDIENCES = ("youth", "adult")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
WEEK = re.compile(r"\d{4}-W\d{2}")
COLLECTION = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_HOURS = 168  # the hours of a week


def valid_month(value: str) -> None:
    if not MONTH.fullmatch(value):
        raise ValidationError("a month is written YYYY-MM, e.g. 2025-03")


def valid_week(value: str) -> None:
    try:
        if WEEK.fullmatch(value):
            iso_week_start(value)
            return
    except ValueError:
        pass
    raise ValidationError("an ISO week is written YYYY-Www, e.g. 2025-W27")


def valid_collection(value: str) -> None:
    if not COLLECTION.fullmatch(value):
        raise ValidationError(
            "a collection code is lower case letters, digits and _, e.g. non_fiction"
        )


def month_start(month: str) -> date:
    """The first day of a month written YYYY-MM."""
    return date(int(month[:4]), int(month[5:7]), 1)


def hours(**kwargs: Any) -> Number:
    return Number(validate=validate.Range(0, MAX_HOURS), required=True, **kwargs)


class DatedRecordSchema(RecordSchema):
    """A record of a span: it occurred at local midnight of `counts_on(data)`."""

    DATE_FIELD: str = ""

    class Meta:
        exclude = ("occurred_at",)

    def counts_on(self, data: dict[str, Any]) -> date:
        raise NotImplementedError

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        zone = current_app.extensions["bieb_config"].zone
        data["occurred_at"] = datetime.combine(self.counts_on(data), time(), zone)
        try:
            return super().resolve_context(data, **kwargs)
        except ValidationError as error:
            if error.field_name != "occurred_at":
                raise
            raise ValidationError(error.messages, self.DATE_FIELD) from None


class LoanFiguresSchema(DatedRecordSchema):
    """A month's loans for one audience and collection; sent again, it corrects."""

    DATE_FIELD = "month"

    month = fields.String(
        required=True, validate=valid_month, metadata={"example": "2025-03"}
    )
    audience = choice(AUDIENCES, required=True)
    collection = fields.String(
        required=True, validate=valid_collection, metadata={"example": "fiction"}
    )
    loans = count(1_000_000, required=True)

    def counts_on(self, data: dict[str, Any]) -> date:
        return month_start(data["month"])


class MembershipCountSchema(DatedRecordSchema):
    """Members of an audience on a day (a stock); sent again, it corrects."""

    DATE_FIELD = "counted_on"

    counted_on = fields.Date(required=True, metadata={"example": "2025-01-01"})
    audience = choice(AUDIENCES, required=True)
    members = count(1_000_000, required=True)

    def counts_on(self, data: dict[str, Any]) -> date:
        return data["counted_on"]

    @post_load
    def resolve_context(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data = super().resolve_context(data, **kwargs)
        data["counted_on"] = data["counted_on"].isoformat()
        return data


class ServiceHoursSchema(DatedRecordSchema):
    """A week's staffed and self-service hours; sent again, it corrects."""

    DATE_FIELD = "week"

    week = fields.String(
        required=True,
        validate=valid_week,
        metadata={
            "example": "2025-W27",
            "description": "An ISO week, recorded from its Thursday on.",
        },
    )
    staffed_hours = hours(metadata={"example": 38.5})
    self_service_hours = hours(metadata={"example": 56})

    def counts_on(self, data: dict[str, Any]) -> date:
        # ISO weeks belong to the year (and half-year) of their Thursday.
        return iso_week_start(data["week"]) + timedelta(days=3)
