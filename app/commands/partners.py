"""Partners: organisations that join and leave; goal 1.3 counts them by kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.inputs import Doc, GoalCodes, Len, NotBlank, RecordInput
from app.commands.lifespans import Ending, Life, close
from app.commands.services import Services
from app.commands.where import check_goals, locate
from app.commands.writing import Recorded, create, payload
from events.outreach import PartnerJoined, PartnerLeft

PartnerKind = Literal[
    "childcare", "primary", "secondary", "welfare", "culture", "plein1",
    "bookshop", "referrer", "other",
]  # fmt: skip
PARTNER_KINDS: tuple[str, ...] = get_args(PartnerKind)
LIFE = Life(PartnerJoined, PartnerLeft, "partnership")


@dataclass(frozen=True, kw_only=True)
class Partnership(RecordInput):
    """An organisation the library works with, for the goals named (goal 1.3)."""

    organisation: Annotated[str, Len(1, 200), NotBlank(), Doc(example="WIJ Heemstede")]
    kind: PartnerKind
    goal_codes: Annotated[GoalCodes, Doc(example=["1.3"])]


def join(services: Services, caller: Caller, partnership: Partnership) -> Recorded:
    """Record that an organisation became a partner, for the goals named."""
    where = locate(services, caller, partnership.branch, partnership.occurred_at)
    check_goals(where.agreement, "goal_codes", partnership.goal_codes)
    data = payload(partnership)
    return create(services, caller, where, PartnerJoined, data, "partner_id")


def leave(
    services: Services, caller: Caller, partner_id: str, ending: Ending
) -> Recorded:
    """Record that a partner stopped working with the library."""
    return close(services, caller, LIFE, ending, partner_id=partner_id)
