"""Effort notes and figures from before the register."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from app.agreements import branches_of
from app.api.counts import branches_asked, period_query
from app.api.recording import live_records, new_id, record_one, retract
from app.auth import READERS, STAFF, current_account, requires
from app.commands import record
from app.errors import PersonalDataFound
from app.schemas.common import RecordedSchema, RetractSchema
from app.schemas.efforts import (
    EffortNoteOutSchema,
    EffortNoteSchema,
    EffortsQuerySchema,
    HistoricFigureOutSchema,
    HistoryImportedSchema,
    HistoryImportSchema,
    HistoryQuerySchema,
)
from events import RecordedEvent
from events.efforts import EffortNoted, HistoricFigureImported
from events.periods import parse_period
from events.privacy import Finding, find_personal_data

blp = Blueprint(
    "efforts",
    __name__,
    url_prefix="",
    description="Effort notes and figures from before the register",
)

NAMESPACE = uuid.UUID("0d3e6b8a-51c7-4a92-8f1e-6c2b9d4e7a15")
HISTORY_KEY = ("municipality", "goal_code", "period", "indicator")


def _out(event: RecordedEvent) -> dict[str, Any]:
    return {
        **event.data,
        "recorded_at": event.recorded_at,
        "position": event.position,
    }


def _within(label: str, outer) -> bool:
    period = parse_period(label)
    return outer.start <= period.start and period.end <= outer.end


@blp.route("/efforts")
class Efforts(MethodView):
    @requires(*READERS)
    @blp.arguments(EffortsQuerySchema, location="query")
    @blp.response(200, EffortNoteOutSchema(many=True))
    def get(self, query):
        """The effort notes of the periods within a period, for a goal or all."""
        period = period_query(query["period"])
        branches = branches_asked(query["branch"])
        notes = live_records(EffortNoted.TYPE, "effort-", period, branches)
        return [
            _out(e)
            for e in notes
            if _within(e.data["period"], period)
            and query["goal"] in (None, e.data["goal_code"])
        ]

    @requires(*STAFF)
    @blp.arguments(EffortNoteSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data):
        """Note what the library did for a goal in a period."""
        note_id = new_id()
        return record_one(EffortNoted, note_id, data, note_id=note_id)


@blp.route("/efforts/<note_id>/retract")
class RetractEffort(MethodView):
    @requires(*STAFF)
    @blp.arguments(RetractSchema)
    @blp.response(201, RecordedSchema)
    def post(self, data, note_id):
        """Retract an effort note made in error."""
        stream = f"effort-{note_id}"
        first = current_app.extensions["store"].read_stream(stream, limit=1)
        allowed = branches_of(current_account().municipality)
        if not first or first[0].data["branch"] not in allowed:
            abort(404, message="No such effort note.")
        return retract(stream, EffortNoted.TYPE, data)


@blp.route("/history")
class History(MethodView):
    @requires(*READERS)
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, HistoricFigureOutSchema(many=True))
    def get(self, query):
        """The figures imported from before the register (the latest of each)."""
        outer = period_query(query["period"]) if query["period"] else None
        figures = [
            _out(event)
            for event in _history(current_account().municipality).values()
            if query["goal"] in (None, event.data["goal_code"])
            and (outer is None or _within(event.data["period"], outer))
        ]
        return sorted(figures, key=lambda f: tuple(f[k] for k in HISTORY_KEY))

    @requires(*STAFF)
    @blp.arguments(HistoryImportSchema)
    @blp.response(201, HistoryImportedSchema)
    def post(self, data):
        """Import figures kept before the register: all of them, or none."""
        _screen(data["items"])
        positions = _import(data["items"], data["branch"])
        unchanged = len(data["items"]) - len(positions)
        return {
            "imported": len(positions),
            "unchanged": unchanged,
            "positions": positions,
        }


def _import(items: list[dict[str, Any]], branch: str) -> list[int]:
    """Append the items that change a figure, one append per stream."""
    current = _history(items[0]["municipality"])
    streams: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if _changes(item, current):
            streams[_event(item, branch).stream_id].append(item)
    positions: list[int] = []
    for group in streams.values():
        positions.extend(_append(group, branch, current))
    return positions


def _screen(items: list[dict[str, Any]]) -> None:
    """Refuse the whole import if any note holds personal data."""
    findings = [
        Finding(f"items.{index}.note", kind)
        for index, item in enumerate(items)
        for kind in find_personal_data(item["note"] or "")
    ]
    if findings:
        raise PersonalDataFound(findings)


def _history(municipality: str | None) -> dict[tuple, RecordedEvent]:
    """The latest imported figure per municipality, goal, period and indicator."""
    prefix = f"history-{municipality}-" if municipality else "history-"
    store = current_app.extensions["store"]
    found = store.read_types(
        [HistoricFigureImported.TYPE], stream_prefix=prefix, limit=1_000_000
    )
    return {
        tuple(e.data[k] for k in HISTORY_KEY): e
        for e in found
        if municipality in (None, e.data["municipality"])
    }


def _key(item: dict[str, Any]) -> tuple:
    return tuple(item[k] for k in HISTORY_KEY)


def _changes(item: dict[str, Any], current: dict[tuple, RecordedEvent]) -> bool:
    now = current.get(_key(item))
    return (
        now is None
        or now.data["value"] != item["value"]
        or (now.data["note"] != item["note"])
    )


def _event(item: dict[str, Any], branch: str) -> HistoricFigureImported:
    return HistoricFigureImported(
        municipality=item["municipality"],
        branch=branch,
        source="imported",
        goal_code=item["goal_code"],
        period=item["period"],
        indicator=item["indicator"],
        value=float(item["value"]),
        note=item["note"],
    )


def _append(
    items: list[dict[str, Any]], branch: str, current: dict[tuple, RecordedEvent]
) -> tuple[int, ...]:
    """One stream's items; each id derives from its content and what it replaces."""
    events = [_event(item, branch) for item in items]
    ids = []
    for item, event in zip(items, events, strict=True):
        replaced = current.get(_key(item))
        before = str(replaced.event_id) if replaced else "-"
        content = f"{event.stream_id}|{event.indicator}|{event.value!r}|{event.note}"
        ids.append(uuid.uuid5(NAMESPACE, f"{content}|{branch}|{before}"))
    return record(events, items[0]["occurred_at"], event_ids=ids).positions
