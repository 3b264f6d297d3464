"""What every recording request shares: where (branch), when, and for which goals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from app.agreements import agreement_for, branches, branches_of
from app.auth import current_account

# A clock a few minutes fast on a tablet is no reason to refuse a check-in.
FUTURE_SLACK = timedelta(minutes=5)

Text = fields.String  # free text: screened for personal data when recorded


def text(max_length: int = 500, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def code(max_length: int = 100, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def choice(options: tuple[str, ...], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(options), **kwargs)


def count(maximum: int = 100_000, **kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=validate.Range(0, maximum), strict=True, **kwargs)


class RecordSchema(Schema):
    """Base of every write: the branch, the moment, and the goal codes if any.

    After loading, the data also holds `municipality`, `agreement`, `occurred_at`
    (now when not given) and `source` (live or back-dated).
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
        agreement = agreement_for(data["branch"], when)
        if agreement is None:
            raise ValidationError(
                "lies outside the years of the branch's agreement",
                field_name="occurred_at",
            )
        for name in self.GOAL_FIELDS:
            codes = data.get(name) or []
            unknown = [c for c in codes if not agreement.has_goal(c)]
            if unknown:
                raise ValidationError(
                    f"unknown goal codes: {', '.join(unknown)}", field_name=name
                )
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
    branch = fields.String(load_default=None)


class RetractSchema(RecordSchema):
    """Take back a record made in error; it stays in the log, marked as retracted."""

    reason = text(500, load_default=None)


class RecordedSchema(Schema):
    """The answer to a write: what was recorded, and where in the log."""

    id = fields.String(metadata={"description": "The record's id"})
    stream = fields.String()
    positions = fields.List(fields.Integer())
    source = fields.String()
