"""The agreement's goals and their figures, as the dashboard and reports read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError, fields, post_load, pre_dump

from app.agreements import branches
from app.auth import current_account
from app.schemas.common import PeriodQuerySchema, Text
from events.catalogue import Agreement
from events.catalogue.indicators import TARGET_MONTHS
from events.figures.measures import MEASURES
from events.figures.status import CODES
from events.periods import period_of

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
            raise ValidationError("unknown municipality", "municipality")
        return {**data, "municipality": asked}


class ProgressQuerySchema(PeriodQuerySchema, MunicipalityQuerySchema):
    """?period=2025-H1&branch=heemstede[&as_of=1200 or 2025-07-01T00:00:00+02:00]"""

    period = Text(
        load_default=None,
        metadata={
            "example": "2025-H1",
            "description": "2025, 2025-H1, 2025-Q2 or 2025-03; the current half "
            "year (in the configured time zone) when left out.",
        },
    )

    @post_load
    def default_period(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The current half year where no period is asked for."""
        if data["period"] is not None:
            return data
        zone = current_app.extensions["bieb_config"].zone
        return {**data, "period": period_of(datetime.now(zone), "half", zone).label}

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


class TargetSchema(Schema):
    """The agreement's target for an indicator (streefwaarde)."""

    value = fields.Float()
    per = fields.String(metadata={"enum": list(TARGET_MONTHS)})
    per_label = fields.String(metadata={"example": "per jaar"})


class IndicatorOutSchema(Schema):
    """An indicator as declared; every measure kept by month is counted."""

    code = fields.String(metadata={"example": "participants"})
    label = fields.String(metadata={"description": "Its name in Dutch"})
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
        metadata={
            "description": (
                "An estimate's 95% interval (low, high), samples, display and "
                "method; missing: parts of the week with fewer than 2 sampled "
                "days; unsampled: those with none (their rate is borrowed); "
                "reliable, reliability (codes: few_samples, mostly_borrowed, "
                "wide_interval) and reliability_text, the verdict in Dutch"
            ),
            "example": {
                "low": 61000.0,
                "high": 88000.0,
                "samples": 48,
                "display": "ca. 74.000 (95%-interval: 61.000 tot 88.000)",
                "missing": ["zaterdagochtend"],
                "unsampled": [],
                "reliable": True,
                "reliability": [],
                "reliability_text": "Betrouwbare schatting.",
            },
        },
    )
    measure_label = fields.String(
        metadata={"description": "The measure in Dutch", "example": "aantal"}
    )
    target = fields.Nested(
        TargetSchema,
        allow_none=True,
        metadata={"description": "The agreement's target; null: it names none"},
    )
    method_label = fields.String(
        metadata={"description": "How the value was obtained, in Dutch",
                  "example": "geteld"}
    )  # fmt: skip
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
        values=fields.Float(allow_none=True),
        metadata={
            "description": "Each month's figure; null where no record was made",
            "example": {"2025-01": 31, "2025-02": None},
        },
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


class StatusSchema(Schema):
    """A goal's status by the rule of docs/REPORTS.md ("Stand per doel")."""

    code = fields.String(metadata={"enum": list(CODES)})
    label = fields.String(
        metadata={"description": "The status in Dutch", "example": "op koers"}
    )
    reason = fields.String(
        metadata={
            "description": "Why, in a short Dutch text",
            "example": "Geen streefwaarde in de afspraak. Geen daling van meer "
            "dan 20% en geen ontbrekende gegevens.",
        }
    )


class ProgressOutSchema(Schema):
    """A goal's figures for a period, with efforts and figures from before."""

    goal = fields.Nested(GoalOutSchema)
    municipality = fields.String()
    branches = fields.List(fields.String())
    status = fields.Nested(StatusSchema)
    period = fields.String(metadata={"example": "2025-H1"})
    period_label = fields.String(metadata={"example": "eerste halfjaar 2025"})
    previous = fields.String(metadata={"example": "2024-H2"})
    previous_label = fields.String(metadata={"example": "tweede halfjaar 2024"})
    year_earlier = fields.String(metadata={"example": "2024-H1"})
    year_earlier_label = fields.String(metadata={"example": "eerste halfjaar 2024"})
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
    value = fields.Float(allow_none=True)
    records = fields.List(fields.Nested(FigureRecordSchema))
