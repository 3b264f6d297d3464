"""Check-ins at a session, live or synced from an offline tablet, and retractions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from app.commands.caller import Caller
from app.commands.errors import Conflict, NotFound
from app.commands.inputs import Doc, RecordInput
from app.commands.retractions import Retraction
from app.commands.services import Services
from app.commands.sessions import session_in_reach, settled, written
from app.commands.where import check_district, locate, same_branch
from app.commands.writing import Recorded, build, payload, write
from events.activities import ParticipantCheckedIn
from events.corrections import RecordRetracted
from events.sessions import Session

Role = Literal["child", "parent", "adult", "professional", "volunteer"]
# One person is in one age band: whole years, both ends inclusive, so that each
# age fits one band (docs/API.md, "Age bands", maps them to the agreement's groups).
AgeBand = Literal["0-3", "4-11", "12-17", "18-29", "30-64", "65+"]
NewTargetGroup = Literal["newcomer", "refugee"]
ROLES: tuple[str, ...] = get_args(Role)
PERSON_AGE_BANDS: tuple[str, ...] = get_args(AgeBand)
NEW_TARGET_GROUPS: tuple[str, ...] = get_args(NewTargetGroup)


@dataclass(frozen=True, kw_only=True)
class CheckIn(RecordInput):
    """One person at a session: a role and an age band, never a name."""

    role: Role
    age_band: AgeBand
    district: Annotated[str | None, Doc("One of the agreement's district codes.")] = (
        None
    )
    new_target_group: NewTargetGroup | None = None


class Sessions:
    """The sessions one call checks in to, each read once (a batch has many).

    Only a session found is kept, never one missing: a batch may open it a few
    items later. A batch that opens or closes a session forgets it, so the
    check-ins after are held against the session as it then stands.
    """

    def __init__(self, services: Services, caller: Caller) -> None:
        self.services, self.caller = services, caller
        self.known: dict[str, Session] = {}

    def get(self, session_id: str) -> Session:
        if session_id not in self.known:
            found = session_in_reach(self.services, self.caller, session_id, True)
            self.known[session_id] = found
        return self.known[session_id]

    def forget(self, session_id: str) -> None:
        self.known.pop(session_id, None)


def check_in(
    services: Services,
    caller: Caller,
    session_id: str,
    checkin: CheckIn,
    event_id: uuid.UUID,
    sessions: Sessions | None = None,
) -> Recorded:
    """Append one check-in with its event id; the store answers a re-sent one."""
    where = locate(services, caller, checkin.branch, checkin.occurred_at)
    check_district(where.agreement, checkin.district)
    session = (sessions or Sessions(services, caller)).get(session_id)
    same_branch(where, session.branch, "session")
    # A tablet that was offline may sync check-ins made before the session closed.
    if session.closed_at is not None and where.occurred_at >= session.closed_at:
        raise Conflict("The session was closed by then.", "session-closed",
                       "occurred_at")  # fmt: skip
    event = build(ParticipantCheckedIn, where, payload(checkin), session_id=session_id)
    return write(services, caller, str(event_id), [event], where, event_ids=[event_id])


def retract_check_in(
    services: Services,
    caller: Caller,
    session_id: str,
    checkin_id: str,
    retraction: Retraction,
    event_id: uuid.UUID | None = None,
) -> Recorded:
    """Append a RecordRetracted for a live check-in of the session.

    A check-in is retracted once: the same retraction sent again (the same
    event id) is answered with the first; another one is refused.
    """
    where = locate(services, caller, retraction.branch, retraction.occurred_at)
    target = _event_id(checkin_id)
    event_id = event_id or caller.event_id()

    def attempt() -> Recorded:
        session = session_in_reach(services, caller, session_id)
        same_branch(where, session.branch, "session")
        if target in session.retracted:
            # Sent again, the same retraction goes on: the store answers it.
            if not written(services, session_id, RecordRetracted.TYPE, event_id):
                raise Conflict("This check-in was retracted already.", "retracted",
                               "checkin_id")  # fmt: skip
        elif target not in session.checkins:
            raise NotFound("No such check-in at this session.", field="checkin_id")
        event = build(RecordRetracted, where, payload(retraction),
                      stream=f"session-{session_id}", retracted_event_id=target,
                      retracted_type=ParticipantCheckedIn.TYPE)  # fmt: skip
        return write(services, caller, checkin_id, [event], where,
                     expected_version=session.version,
                     event_ids=[event_id])  # fmt: skip

    return settled(attempt)


def _event_id(text: str) -> str:
    """An event id in the form the store gives it; '' for what is none."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""
