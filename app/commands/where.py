"""Where and when a record is made: the caller's reach, the agreement, the date.

A tablet writes for its own branch; staff for their municipality's branches; an
admin for every branch. A record out of reach is answered as unknown (404), so
that a tablet or another municipality's staff cannot learn that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.commands.caller import Caller
from app.commands.errors import Invalid, NotFound
from app.commands.services import Services
from events.catalogue import Agreement

# A clock a few minutes fast on a tablet is no reason to refuse a check-in.
FUTURE_SLACK = timedelta(minutes=5)
OUTSIDE = "lies outside the years of the branch's agreement"


@dataclass(frozen=True)
class Where:
    """A record's branch, municipality and agreement, and when it happened."""

    branch: str
    municipality: str
    agreement: Agreement
    occurred_at: datetime


def reach(services: Services, caller: Caller) -> list[str]:
    """The branches the caller reads and writes for."""
    if caller.role == "tablet":
        return [caller.branch] if caller.branch else []
    return services.branches_of(caller.municipality)


def may_see(services: Services, caller: Caller, branch: str) -> bool:
    return branch in reach(services, caller)


def resolve_branch(services: Services, caller: Caller, asked: str | None) -> str:
    """The branch a write is for: checked against the caller's reach."""
    if caller.role == "tablet":
        if asked not in (None, caller.branch):
            raise Invalid("branch", "a tablet writes for its own branch")
        return str(caller.branch)
    allowed = reach(services, caller)
    if asked is None:
        if len(allowed) == 1:
            return allowed[0]
        raise Invalid("branch", "give the branch")
    if asked not in allowed:
        # The refused value is never echoed: it may be anything a client typed.
        raise Invalid("branch", f"unknown branch (yours: {', '.join(allowed)})")
    return asked


def locate(
    services: Services, caller: Caller, branch: str | None, when: datetime | None
) -> Where:
    """The branch in reach and the agreement covering the moment (now if None)."""
    now = services.clock()
    code = resolve_branch(services, caller, branch)
    when = when or now
    if when > now + FUTURE_SLACK:
        raise Invalid("occurred_at", "lies in the future")
    agreement = covered(services, code, when, "occurred_at")
    return Where(code, agreement.municipality.code, agreement, when)


def covered(services: Services, branch: str, when: datetime, field: str) -> Agreement:
    """The agreement covering the branch at `when`; refused naming `field`."""
    agreement = None
    if 1900 <= when.year <= 2100:
        agreement = services.agreement_for(branch, when)
    if agreement is None:
        raise Invalid(field, OUTSIDE)
    return agreement


def check_goals(agreement: Agreement, field: str, codes: Iterable[str]) -> None:
    """Refuse goal codes the agreement lacks, naming the field that holds them."""
    unknown = [str(i) for i, c in enumerate(codes) if not agreement.has_goal(c)]
    if unknown:
        detail = f"unknown goal code at index {', '.join(unknown)}"
        known = ", ".join(agreement.goal_codes)
        raise Invalid(field, f"{detail} (the agreement's goals: {known})")


def check_district(agreement: Agreement, district: str | None) -> None:
    """Refuse a district the agreement does not name."""
    if district is not None and not agreement.has_district(district):
        known = ", ".join(agreement.district_codes)
        raise Invalid("district", f"unknown district (known: {known})")


def same_branch(where: Where, branch: str, what: str) -> None:
    """A write about a record is for the record's branch."""
    if where.branch != branch:
        raise Invalid("branch", f"the {what} is of branch {branch!r}")


def history_in_reach(
    services: Services, caller: Caller, stream: str, what: str = "record"
) -> list:
    """A record's stream; NotFound when it is empty or of a branch out of reach."""
    history = services.store.read_stream(stream)
    if not history or not may_see(services, caller, history[0].data["branch"]):
        raise NotFound(f"No such {what}.")
    return history
