"""Schools, partners, communities, communication: one blueprint, routes by topic.

The routes live in `schools`, `communities` and `partners` (imported at the end)
and, for communication items, here; this module also holds what they share:
the account's reach, reading live records, and folding a stream into its state.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.agreements import branches_of
from app.api.recording import answer, new_id, period_arg, record_one, retract
from app.auth import READERS, STAFF, current_account, requires
from app.commands import record, source_of
from app.schemas.common import PeriodQuerySchema, RecordedSchema, RetractSchema
from app.schemas.outreach import (
    CHANNELS,
    CommunicationOutSchema,
    CommunicationSchema,
    CommunicationSummarySchema,
)
from events import Event, RecordedEvent
from events.corrections import RecordRetracted
from events.outreach import CommunicationPublished
from events.periods import Period

blp = Blueprint(
    "outreach",
    __name__,
    url_prefix="",
    description="Schools, partners, communities, communication",
)


# -- shared: reach, reading, folding ---------------------------------------------


def wanted_branches(query: dict[str, Any]) -> list[str]:
    """The branches a list is for: the one asked, within the account's reach."""
    allowed = branches_of(current_account().municipality)
    wanted = [query["branch"]] if query.get("branch") else allowed
    return [b for b in wanted if b in allowed]


def own_stream(stream: str, what: str) -> list[RecordedEvent]:
    """A stream of a branch the account may see; 404 otherwise."""
    history = current_app.extensions["store"].read_stream(stream)
    allowed = branches_of(current_account().municipality)
    if not history or history[0].data["branch"] not in allowed:
        abort(404, message=f"No such {what}.")
    return history


def retract_own(stream: str, retracted_type: str, data: dict[str, Any], what: str):
    """Retract a record of a branch the account may see."""
    own_stream(stream, what)
    return retract(stream, retracted_type, data)


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    return period.bounds(current_app.extensions["bieb_config"].zone)


def live_events(
    types: Sequence[str], prefix: str, branches: Sequence[str]
) -> list[RecordedEvent]:
    """Every event of some types and branches, of all time, less retracted ones."""
    store = current_app.extensions["store"]
    retracted = {
        e.data["retracted_event_id"]
        for e in store.read_types([RecordRetracted.TYPE], stream_prefix=prefix)
    }
    return [
        e
        for e in store.read_types(types, stream_prefix=prefix)
        if e.data["branch"] in branches and str(e.event_id) not in retracted
    ]


def out(event: RecordedEvent) -> dict[str, Any]:
    return {**event.data, "occurred_at": event.occurred_at, "position": event.position}


def lifespan(
    history: Iterable[RecordedEvent], opened: str, closed: str
) -> dict[str, Any] | None:
    """A stream's record with when it opened and closed; None if never opened."""
    state: dict[str, Any] | None = None
    for event in history:
        if event.type == opened:
            state = {**event.data, "opened_at": event.occurred_at}
            state.update(closed_at=None, closed_reason=None)
        elif event.type == closed and state is not None:
            state.update(closed_at=event.occurred_at)
            state.update(closed_reason=event.data["reason"])
    return state


def lifespans(
    events: Iterable[RecordedEvent], opened: str, closed: str
) -> list[dict[str, Any]]:
    """The lifespan of each stream among events, in the order the streams began."""
    streams: dict[str, list[RecordedEvent]] = defaultdict(list)
    for event in events:
        streams[event.stream_id].append(event)
    found = (lifespan(history, opened, closed) for history in streams.values())
    return [state for state in found if state is not None]


def alive_between(state: dict[str, Any], start: datetime, end: datetime) -> bool:
    """Whether it had opened before `end` and had not closed before `start`."""
    closed = state["closed_at"]
    return state["opened_at"] < end and (closed is None or closed >= start)


def closed_by(state: dict[str, Any], moment: datetime) -> bool:
    """Whether it had closed at or before a moment."""
    return state["closed_at"] is not None and state["closed_at"] <= moment


def current(
    stream: str, opened: type[Event], closed: type[Event], what: str
) -> tuple[dict[str, Any], int]:
    """A lifespan's state now, and its stream's version; 404 if there is none."""
    history = own_stream(stream, what)
    state = lifespan(history, opened.TYPE, closed.TYPE)
    if state is None:
        abort(404, message=f"No such {what}.")
    return state, len(history)


def close(stream: str, opened: type[Event], closed: type[Event], data: dict[str, Any],
          what: str, **ids: str) -> dict[str, Any]:  # fmt: skip
    """End a lifespan: 409 if it ended already, 422 if dated before it began."""
    state, version = current(stream, opened, closed, what)
    if state["closed_at"] is not None:
        abort(409, message=f"This {what} has ended already.", kind="ended")
    when = data["occurred_at"]
    if when < state["opened_at"]:
        detail = f"lies before the {what} began"
        abort(422, errors=[{"field": "occurred_at", "in": "json", "detail": detail}])
    context = {k: state[k] for k in ("municipality", "branch")}
    event = closed(**context, **ids, source=source_of(when), reason=data["reason"])
    result = record([event], when, expected_version=version)
    return answer(next(iter(ids.values())), result, event.source)


# -- communication items (goal 5.2) -----------------------------------------------


def _items(query: dict[str, Any]) -> list[RecordedEvent]:
    """The live items of a period, by their publication date."""
    period = period_arg(query["period"])
    found = live_events(
        [CommunicationPublished.TYPE], "communication-", wanted_branches(query)
    )
    first, after = period.start.isoformat(), period.end.isoformat()
    return [e for e in found if first <= e.data["published_on"] < after]


def channel_counts(items: Iterable[RecordedEvent]) -> dict[str, int]:
    """How many items per channel, every channel named, zeros included."""
    counted = Counter(item.data["channel"] for item in items)
    return {channel: counted[channel] for channel in CHANNELS}


@blp.route("/communications")
class Communications(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, CommunicationOutSchema(many=True))
    def get(self, query):
        """List the communication items published in a period."""
        return [out(e) for e in _items(query)]

    @requires(*STAFF)
    @blp.arguments(CommunicationSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Record a communication item: a web post, newsletter, social-media post."""
        item_id = new_id()
        return record_one(CommunicationPublished, item_id, data, item_id=item_id)


@blp.route("/communications/summary")
class CommunicationSummary(MethodView):
    @requires(*READERS)
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, CommunicationSummarySchema)
    def get(self, query):
        """Count a period's communication items per channel."""
        items = _items(query)
        counts = channel_counts(items)
        return {"period": query["period"], "total": len(items), "by_channel": counts}


@blp.route("/communications/<item_id>/retract")
class RetractCommunication(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, item_id):
        """Retract a communication item recorded in error."""
        stream = f"communication-{item_id}"
        return retract_own(stream, CommunicationPublished.TYPE, data, "item")


# The route modules register on `blp`; imported last, as they import it from here.
from app.api import communities, partners, schools  # noqa: E402, F401
