"""What the loans, memberships and service-hours reads answer.

A listed figure shows its event's fields (derived from the event class) and
where it is in the log; a week also whether it complies.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.derive import output_schema
from events.counts import LoanFiguresRecorded, ServiceHoursRecorded


class FigureOutSchema(Schema):
    """What a listed figure shows besides its own fields."""

    branch = fields.String()
    source = fields.String()
    position = fields.Integer()


class WeekFigureOutSchema(FigureOutSchema):
    compliance = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        metadata={"description": "Per service-hours agreement code: met or not."},
    )
    complies = fields.Boolean()


LoanFigureOutSchema = output_schema(LoanFiguresRecorded, FigureOutSchema)
WeekOutSchema = output_schema(ServiceHoursRecorded, WeekFigureOutSchema)


class BranchMonthSchema(Schema):
    branch = fields.String()
    month = fields.String()


class LoanTotalsSchema(Schema):
    youth = fields.Integer()
    adult = fields.Integer()
    all = fields.Integer()


class LoansOutSchema(Schema):
    """The current loan figures of a period, their totals, and what is missing."""

    period = fields.String()
    figures = fields.List(fields.Nested(LoanFigureOutSchema))
    totals = fields.Nested(LoanTotalsSchema)
    missing = fields.List(
        fields.Nested(BranchMonthSchema),
        metadata={"description": "Months begun in the agreement without any figure."},
    )


class LoanImportOutSchema(Schema):
    """The answer to a CSV import: rows written, rows already so, months covered."""

    imported = fields.Integer(metadata={"description": "Rows written now."})
    unchanged = fields.Integer(
        metadata={"description": "Rows whose figure the register holds already."}
    )
    months = fields.List(fields.String())
    positions = fields.List(fields.Integer())


class MemberCountSchema(Schema):
    counted_on = fields.String()
    members = fields.Integer()


class MembershipsOutRowSchema(Schema):
    branch = fields.String()
    audience = fields.String()
    start = fields.Nested(
        MemberCountSchema,
        allow_none=True,
        metadata={"description": "The latest count on or before the first day."},
    )
    end = fields.Nested(
        MemberCountSchema,
        allow_none=True,
        metadata={"description": "The latest count on or before the last day."},
    )
    change = fields.Integer(allow_none=True)


class MembershipsOutSchema(Schema):
    period = fields.String()
    counts = fields.List(fields.Nested(MembershipsOutRowSchema))


class BranchWeekSchema(Schema):
    branch = fields.String()
    week = fields.String()


class ServiceHoursOutSchema(Schema):
    """A period's weeks (an ISO week belongs to the period of its Thursday)."""

    period = fields.String()
    weeks = fields.List(fields.Nested(WeekOutSchema))
    complying_weeks = fields.Integer()
    missing = fields.List(
        fields.Nested(BranchWeekSchema),
        metadata={"description": "Weeks begun in the agreement without a record."},
    )
