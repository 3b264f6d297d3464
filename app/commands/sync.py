"""Offline sync: what a tablet recorded offline, as items each applied on its own.

Every item carries the client's event id, which becomes the id of the event it
writes, so a batch re-sent after a lost answer or a partial failure writes each
good item exactly once. Items are applied in order: a session opened offline
takes the check-ins that follow it in the same batch.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypeVar

from app.commands.caller import Caller
from app.commands.checkins import CheckIn, Sessions, check_in, retract_check_in
from app.commands.inputs import Doc, Len
from app.commands.retractions import Retraction
from app.commands.samples import VisitorSample, WorkplaceSample, take_sample
from app.commands.services import Services
from app.commands.sessions import (
    ClientSessionId,
    Closing,
    Opening,
    close_session,
    open_session,
)
from app.commands.writing import Recorded

T = TypeVar("T")
Handler = Callable[[Services, Caller, Any, Sessions], Recorded]
ItemId = Annotated[
    uuid.UUID, Doc("The client's event id: a re-sent item is kept once.")
]
Moment = Annotated[datetime, Doc("When it happened on the tablet.")]
SessionId = Annotated[str, Len(1, 64)]


@dataclass(frozen=True, kw_only=True)
class CheckInItem(CheckIn):
    id: ItemId
    occurred_at: Moment = field()  # required: the base defaults it to now
    session_id: SessionId


@dataclass(frozen=True, kw_only=True)
class VisitorItem(VisitorSample):
    id: ItemId
    occurred_at: Moment = field()  # required: the base defaults it to now


@dataclass(frozen=True, kw_only=True)
class WorkplaceItem(WorkplaceSample):
    id: ItemId
    occurred_at: Moment = field()  # required: the base defaults it to now


@dataclass(frozen=True, kw_only=True)
class SessionOpenItem(Opening):
    id: ItemId
    occurred_at: Moment = field()  # required: the base defaults it to now
    session_id: ClientSessionId = field()  # required: offline, the tablet makes it


@dataclass(frozen=True, kw_only=True)
class SessionCloseItem(Closing):
    id: ItemId
    occurred_at: Moment = field()  # required: the base defaults it to now
    session_id: SessionId


@dataclass(frozen=True, kw_only=True)
class CheckInRetractItem(Retraction):
    id: ItemId
    occurred_at: Moment = field()  # required: the base defaults it to now
    session_id: SessionId
    checkin_id: Annotated[
        uuid.UUID, Doc("The client event id of the check-in taken back.")
    ]


def _plain(item: Any, input_type: type[T]) -> T:
    """The command's own input within an item, less what names the item."""
    names = [f.name for f in dataclasses.fields(input_type)]  # type: ignore[arg-type]
    return input_type(**{name: getattr(item, name) for name in names})


def _checkin(services: Services, caller: Caller, item: Any, sessions: Sessions):
    checkin = _plain(item, CheckIn)
    return check_in(services, caller, item.session_id, checkin, item.id, sessions)


def _open(services: Services, caller: Caller, item: Any, sessions: Sessions):
    try:
        return open_session(services, caller, _plain(item, Opening), item.id)
    finally:
        sessions.forget(item.session_id)


def _close(services: Services, caller: Caller, item: Any, sessions: Sessions):
    closing = _plain(item, Closing)
    try:
        return close_session(services, caller, item.session_id, closing, item.id)
    finally:
        # The check-ins after it are held against the session as it now stands.
        sessions.forget(item.session_id)


def _retract(services: Services, caller: Caller, item: Any, _: Sessions):
    retraction = _plain(item, Retraction)
    checkin_id = str(item.checkin_id)
    return retract_check_in(services, caller, item.session_id, checkin_id,
                            retraction, item.id)  # fmt: skip


def _sample(kind: type) -> Handler:
    def apply(services: Services, caller: Caller, item: Any, _: Sessions):
        return take_sample(services, caller, _plain(item, kind), item.id)

    return apply


# Each kind of item: its input, and the command that applies it.
ITEMS: dict[str, tuple[type, Handler]] = {
    "checkin": (CheckInItem, _checkin),
    "session_open": (SessionOpenItem, _open),
    "session_close": (SessionCloseItem, _close),
    "checkin_retract": (CheckInRetractItem, _retract),
    "visitor_sample": (VisitorItem, _sample(VisitorSample)),
    "workplace_sample": (WorkplaceItem, _sample(WorkplaceSample)),
}
