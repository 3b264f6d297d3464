"""Communication items (goal 5.2): a web post, a newsletter, a social-media post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.errors import Invalid
from app.commands.inputs import (
    Distinct,
    Doc,
    GoalCode,
    Len,
    MaxLen,
    NotBlank,
    RecordInput,
)
from app.commands.retractions import Retraction, retract
from app.commands.services import Services
from app.commands.where import OUTSIDE, check_goals, locate
from app.commands.writing import Recorded, create, payload
from events.outreach import CommunicationPublished

Channel = Literal["website", "newsletter", "social_media", "press", "print", "other"]
CHANNELS: tuple[str, ...] = get_args(Channel)


@dataclass(frozen=True, kw_only=True)
class CommunicationItem(RecordInput):
    """A communication item: a web post, a newsletter, a social-media post (5.2)."""

    channel: Channel
    title: Annotated[str, Len(1, 300), NotBlank()]
    published_on: Annotated[date, Doc(example="2025-03-14")]
    # Unlike other records, an item may count for no goal at all.
    goal_codes: Annotated[
        list[GoalCode], MaxLen(20), Distinct(), Doc(example=["5.2"])
    ] = field(default_factory=list)


def publish(services: Services, caller: Caller, item: CommunicationItem) -> Recorded:
    """Record a communication item, counted by its publication date."""
    where = locate(services, caller, item.branch, item.occurred_at)
    check_goals(where.agreement, "goal_codes", item.goal_codes)
    if not where.agreement.contains(item.published_on):
        raise Invalid("published_on", OUTSIDE)
    data = payload(item, skip=("published_on",))
    return create(services, caller, where, CommunicationPublished, data, "item_id",
                  published_on=item.published_on.isoformat())  # fmt: skip


def retract_item(
    services: Services, caller: Caller, item_id: str, retraction: Retraction
) -> Recorded:
    """Retract a communication item recorded in error."""
    stream = f"communication-{item_id}"
    return retract(services, caller, stream, CommunicationPublished.TYPE, retraction)
