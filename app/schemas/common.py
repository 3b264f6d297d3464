"""What every recording request shares: where (branch), when, and for which goals.

Also the fields every schema builds from, so that free text, a name, a count or
a goal code is checked the same way in every resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from app.agreements import agreement_for, branches, branches_of
from app.auth import current_account
from events.catalogue import Agreement

# A clock a few minutes fast on a tablet is no reason to refuse a check-in.
FUTURE_SLACK = timedelta(minutes=5)
OUTSIDE = "lies outside the years of the branch's agreement"


def text(max_length: int = 500, **kwargs: Any) -> fields.String:
    """Free text (screened for personal data when recorded)."""
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def required_text(max_length: int = 200, **kwargs: Any) -> fields.String:
    """Required free text, not blank: an organisation's name, a title, a note."""
    rules = [validate.Length(min=1, max=max_length), not_blank]
    return fields.String(required=True, validate=rules, **kwargs)


def code(max_length: int = 100, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def choice(options: tuple[str, ...], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(options), **kwargs)


def count(maximum: int = 100_000, minimum: int = 0, **kwargs: Any) -> fields.Integer:
    """A whole number in JSON (not "12", not 12.5) from `minimum` to `maximum`."""
    rule = validate.Range(minimum, maximum)
    return fields.Integer(validate=rule, strict=True, **kwargs)


class Number(fields.Float):
    """A JSON number: a string or a boolean is refused, not converted."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false in JSON: not 1, "yes" or "on"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _distinct(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("each goal code once")


def goal_codes(
    *default: str, minimum: int = 1, example: str = "", distinct: bool = True
) -> fields.List:
    """The goals a record counts for; required when there is no default.

    Checked against the agreement when named in `RecordSchema.GOAL_FIELDS`;
    `distinct` refuses a code given twice.
    """
    rules: list[Any] = [validate.Length(min=minimum, max=20)]
    rules += [_distinct] if distinct else []
    absent: dict[str, Any] = {"load_default": lambda: list(default)}
    if minimum and not default:
        absent = {"required": True}
    example_codes = list(default) or [example]
    return fields.List(
        code(10), validate=rules, metadata={"example": example_codes}, **absent
    )


def check_goals(
    agreement: Agreement, data: dict[str, Any], names: Iterable[str]
) -> None:
    """Refuse goal codes the agreement lacks, naming the field that holds them."""
    for name in names:
        value = data.get(name)
        codes = [value] if isinstance(value, str) else value or []
        unknown = [c for c in codes if not agreement.has_goal(c)]
        if unknown:
            detail = f"unknown goal code{'s' * (len(unknown) > 1)}"
            raise ValidationError(f"{detail}: {', '.join(unknown)}", field_name=name)


class RecordSchema(Schema):
    """Base of every write: the branch, the moment, and the goal codes if any.

    After loading, the data also holds `municipality`, `agreement` and
    `occurred_at` (now when not given). `GOAL_FIELDS` names the fields holding
    goal codes (a list, or one code), checked against the agreement.
    """

    branch = fields.String(
        load_default=None,
        metadata={"description": "Branch code; a tablet's own branch by default."},
    )
    occurred_at = fields.AwareDateTime(
        load_default=None,
        metadata={"description": "When it happened; now when left out."},
    )

    GOAL_FIELDS: tuple[str, ...] = ()

    @post_load
    def resolve_context(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        data["branch"] = resolve_branch(data.get("branch"))
        when = data.get("occurred_at") or now
        if when > now + FUTURE_SLACK:
            raise ValidationError("lies in the future", field_name="occurred_at")
        if not 1900 <= when.year <= 2100:
            raise ValidationError(OUTSIDE, field_name="occurred_at")
        agreement = agreement_for(data["branch"], when)
        if agreement is None:
            raise ValidationError(OUTSIDE, field_name="occurred_at")
        check_goals(agreement, data, self.GOAL_FIELDS)
        data.update(
            occurred_at=when,
            agreement=agreement,
            municipality=agreement.municipality.code,
        )
        return data


def resolve_branch(asked: str | None) -> str:
    """The branch a write is for: checked against the account's reach."""
    account = current_account()
    if account.role == "tablet":
        if asked not in (None, account.branch):
            raise ValidationError("a tablet writes for its own branch", "branch")
        return account.branch
    allowed = branches_of(account.municipality)
    if asked is None:
        if len(allowed) == 1:
            return allowed[0]
        raise ValidationError("give the branch", field_name="branch")
    if asked not in branches() or asked not in allowed:
        raise ValidationError(f"unknown branch {asked!r}", field_name="branch")
    return asked


class PeriodQuerySchema(Schema):
    """?period=2025-H1&branch=heemstede"""

    period = fields.String(required=True, metadata={"example": "2025-H1"})
    branch = fields.String(
        load_default=None,
        metadata={"description": "One branch in reach; every one when left out."},
    )


class RetractSchema(RecordSchema):
    """Take back a record made in error; it stays in the log, marked as retracted."""

    reason = text(500, load_default=None)


class RecordedSchema(Schema):
    """The answer to a write: what was recorded, and where in the log."""

    id = fields.String(metadata={"description": "The record's id"})
    stream = fields.String()
    positions = fields.List(fields.Integer())
    source = fields.String(metadata={"enum": ["live", "backdated", "imported"]})


class RecordOutSchema(Schema):
    """What a listed record shows besides its own fields."""

    branch = fields.String()
    occurred_at = fields.AwareDateTime()
    source = fields.String(metadata={"enum": ["live", "backdated", "imported"]})
    position = fields.Integer()
