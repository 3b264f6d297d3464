"""The agreement's goals and their figures, as the dashboard and reports read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_dump

from app.agreements import branches
from app.auth import current_account
from app.schemas.common import PeriodQuerySchema
from events.catalogue import Agreement
from events.figures.measures import MEASURES

METHODS = ["counted", "estimated", "imported"]


def agreements_of(municipality: str) -> list[Agreement]:
    """A municipality's agreements, oldest first."""
    every = {a.name: a for found in branches().values() for a in found}
    own = [a for a in every.values() if a.municipality.code == municipality]
    return sorted(own, key=lambda a: a.start)


class MunicipalityQuerySchema(Schema):
    """?municipality=heemstede: an admin names it; others read their own."""

    municipality = fields.String(
        load_default=None,
        metadata={"description": "For an admin; the only one when left out."},
    )

    @post_load
    def resolve_municipality(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The account's municipality; an admin's is the one asked, or the only one."""
        asked, own = data["municipality"], current_account().municipality
        known = {a.municipality.code for found in branches().values() for a in found}
        if asked is None:
            asked = own or (next(iter(known)) if len(known) == 1 else None)
        if asked is None:
            raise ValidationError("give the municipality", "municipality")
        if asked not in known or own not in (None, asked):
            raise ValidationError(f"unknown municipality {asked!r}", "municipality")
        return {**data, "municipality": asked}


class ProgressQuerySchema(PeriodQuerySchema, MunicipalityQuerySchema):
    """?period=2025-H1&branch=heemstede[&as_of=1200 or 2025-07-01T00:00:00+02:00]"""

    as_of = fields.String(
        load_default=None,
        metadata={
            "description": "A log position, or a moment (ISO 8601 with its offset): "
            "the figures as they stood then."
        },
    )

    @post_load
    def read_as_of(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """`as_of` as a position (int) or an aware moment (datetime)."""
        raw = data["as_of"]
        if raw is None:
            return data
        if raw.isdigit():
            return {**data, "as_of": int(raw)}
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() is None:
            message = "a log position, or a moment with its offset"
            raise ValidationError(message, "as_of")
        return {**data, "as_of": moment}


class IndicatorOutSchema(Schema):
    """An indicator as declared; every measure kept by month is counted."""

    code = fields.String(metadata={"example": "participants"})
    label = fields.String()
    measure = fields.String(metadata={"enum": list(MEASURES)})
    method = fields.String(dump_default="counted", metadata={"enum": METHODS})


class GoalOutSchema(Schema):
    code = fields.String(metadata={"example": "1.2"})
    ambition = fields.Integer()
    text = fields.String(metadata={"description": "The agreement's own words (Dutch)"})
    target_group = fields.String()
    branch = fields.String(allow_none=True)
    reach = fields.String()
    partners = fields.List(fields.String())
    partners_text = fields.String()
    kind = fields.String(metadata={"enum": ["countable", "effort"]})
    indicators = fields.List(fields.Nested(IndicatorOutSchema))


class AmbitionOutSchema(Schema):
    number = fields.Integer()
    covenant = fields.String()
    theme = fields.String()
    text = fields.String()
    goals = fields.List(fields.Nested(GoalOutSchema))


class CodeNameSchema(Schema):
    code = fields.String()
    name = fields.String()


class AgreementOutSchema(Schema):
    """An agreement: its title, years, ambitions and their goals."""

    name = fields.String(metadata={"example": "heemstede-2024-2027"})
    version = fields.Integer()
    title = fields.String()
    organisation = fields.String()
    municipality = fields.Nested(CodeNameSchema)
    branches = fields.List(fields.Nested(CodeNameSchema))
    start = fields.Date()
    end = fields.Date()
    years = fields.List(fields.Integer())
    ambitions = fields.List(fields.Nested(AmbitionOutSchema))

    @pre_dump
    def nest(self, agreement: Agreement, **_: Any) -> dict[str, Any]:
        """The agreement's years, and each ambition with its goals in it."""
        ambitions = [
            {**vars(a), "goals": agreement.goals_of(a.number)}
            for a in agreement.ambitions
        ]
        years = list(range(agreement.start.year, agreement.end.year + 1))
        return {**vars(agreement), "years": years, "ambitions": ambitions}


class IndicatorProgressSchema(IndicatorOutSchema):
    """One indicator over a period, the period before and the same a year earlier."""

    value = fields.Float(allow_none=True)
    previous = fields.Float(allow_none=True)
    year_earlier = fields.Float(allow_none=True)
    at_start = fields.Float(
        allow_none=True,
        metadata={"description": "A stock's value on the period's first day"},
    )
    estimate = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={"description": "An estimate's 95% interval, samples and method"},
    )
    previous_method = fields.String(metadata={"enum": METHODS})
    year_earlier_method = fields.String(metadata={"enum": METHODS})
    records = fields.Integer(
        metadata={"description": "Records behind the value (sessions: participants)"}
    )
    by_dimension = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Float()),
        metadata={"example": {"themes": {"digid": 12, "toeslagen": 4}}},
    )
    months = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"example": {"2025-01": 31, "2025-02": 28}},
    )
    months_without_data = fields.List(
        fields.String(), metadata={"description": "Begun months with no record"}
    )


class EffortBriefSchema(Schema):
    note_id = fields.String()
    period = fields.String()
    text = fields.String()


class ImportedBriefSchema(Schema):
    indicator = fields.String()
    period = fields.String()
    value = fields.Float()
    note = fields.String(allow_none=True)


class ProgressOutSchema(Schema):
    """A goal's figures for a period, with efforts and figures from before."""

    goal = fields.Nested(GoalOutSchema)
    municipality = fields.String()
    branches = fields.List(fields.String())
    period = fields.String(metadata={"example": "2025-H1"})
    previous = fields.String(metadata={"example": "2024-H2"})
    year_earlier = fields.String(metadata={"example": "2024-H1"})
    position = fields.Integer(
        metadata={"description": "The log position the figures are counted up to"}
    )
    as_of = fields.Integer(
        allow_none=True,
        metadata={"description": "The position asked for with as_of, if any"},
    )
    indicators = fields.List(fields.Nested(IndicatorProgressSchema))
    efforts = fields.List(fields.Nested(EffortBriefSchema))
    imported = fields.List(fields.Nested(ImportedBriefSchema))


class FigureRecordSchema(Schema):
    """One record behind a figure, and what it contributes to it."""

    event_id = fields.String()
    position = fields.Integer()
    type = fields.String(metadata={"example": "SessionOpened"})
    occurred_at = fields.AwareDateTime()
    value = fields.Float()
    data = fields.Dict(keys=fields.String())


class FigureRecordsSchema(Schema):
    """The records behind one indicator's value for a period."""

    goal = fields.String()
    indicator = fields.String()
    period = fields.String()
    value = fields.Float()
    records = fields.List(fields.Nested(FigureRecordSchema))
