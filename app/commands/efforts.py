"""Effort notes (inspanningsverplichting): what the library did for a goal, in words.

A note is about a period: it occurs at the period's local start, and the period
must have begun and lie within the branch's agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from app.commands.caller import Caller
from app.commands.dated import SpanInput, locate_period, parsed
from app.commands.formats import Parses
from app.commands.inputs import Doc, Len, NotBlank
from app.commands.retractions import Retraction, retract
from app.commands.services import Services
from app.commands.where import check_goals
from app.commands.writing import Recorded, create, payload
from events.efforts import EffortNoted
from events.periods import parse_period


@dataclass(frozen=True, kw_only=True)
class EffortNote(SpanInput):
    """What the library did for a goal in a period, in words (no names)."""

    goal_code: Annotated[str, Len(1, 10), Doc(example="4.3")]
    period: Annotated[str, Parses(parse_period), Doc(example="2025-H1")]
    text: Annotated[
        str,
        Len(1, 4000),
        NotBlank(),
        Doc("Screened for personal data: no names, e-mail..."),
    ]


def note_effort(services: Services, caller: Caller, note: EffortNote) -> Recorded:
    """Note what the library did for a goal in a period."""
    period = parsed(parse_period, note.period, "period")
    where = locate_period(services, caller, note.branch, period)
    check_goals(where.agreement, "goal_code", [note.goal_code])
    data = {**payload(note), "period": period.label}
    return create(services, caller, where, EffortNoted, data, "note_id")


def retract_note(
    services: Services, caller: Caller, note_id: str, retraction: Retraction
) -> Recorded:
    """Retract an effort note made in error."""
    stream = f"effort-{note_id}"
    return retract(services, caller, stream, EffortNoted.TYPE, retraction)
