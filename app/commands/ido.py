"""The IDO desk (Informatiepunt Digitale Overheid): log a question, retract one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.inputs import Doc, Interval, Len, MaxLen, RecordInput
from app.commands.retractions import Retraction, retract
from app.commands.services import Services
from app.commands.where import locate
from app.commands.writing import Recorded, create, payload
from events.ido import IdoQuestionLogged

# The national registration's themes (Bibliotheekmonitor), by their stable codes.
Theme = Literal[
    "belastingdienst", "digid", "toeslagen", "uwv", "svb", "gemeente", "duo",
    "zorg", "cjib", "rdw", "cak", "cbr", "overig",
]  # fmt: skip
HelpKind = Literal["information", "hands_on", "referral"]
Channel = Literal["desk", "phone", "appointment"]
THEMES: tuple[str, ...] = get_args(Theme)
HELP_KINDS: tuple[str, ...] = get_args(HelpKind)
CHANNELS: tuple[str, ...] = get_args(Channel)


@dataclass(frozen=True, kw_only=True)
class IdoQuestion(RecordInput):
    """One question at the IDO desk. No name, no BSN: what it was about and the help."""

    themes: Annotated[list[Theme], Len(1, len(THEMES))]
    help_kind: HelpKind
    channel: Channel = "desk"
    referred_to: Annotated[str | None, MaxLen(200), Doc(example="WIJ Heemstede")] = None
    minutes: Annotated[int | None, Interval(ge=0, le=480)] = None
    visit_id: Annotated[
        str | None, MaxLen(64), Doc("Groups the questions of one visitor's visit.")
    ] = None
    note: Annotated[str | None, MaxLen(1000)] = None


def log_question(services: Services, caller: Caller, question: IdoQuestion) -> Recorded:
    """Log an IDO question in its own stream."""
    where = locate(services, caller, question.branch, question.occurred_at)
    return create(services, caller, where, IdoQuestionLogged, payload(question),
                  "question_id")  # fmt: skip


def retract_question(
    services: Services, caller: Caller, question_id: str, retraction: Retraction
) -> Recorded:
    """Retract an IDO question logged in error."""
    stream = f"ido-{question_id}"
    return retract(services, caller, stream, IdoQuestionLogged.TYPE, retraction)
