"""Figures from before the register: imported from the spreadsheets, listed.

An import is checked whole before anything is written; only the figures it
changes are appended, with event ids derived from their content and from the
figure each replaces, so a retried import writes nothing twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from flask.views import MethodView

from app.api.efforts import blp
from app.api.reading import period_arg, read_every, shown
from app.auth import READERS, STAFF, current_account, requires
from app.errors import PersonalDataFound
from app.legacy_record import record
from app.schemas.efforts import (
    HistoricFigureOutSchema,
    HistoryImportedSchema,
    HistoryImportSchema,
    HistoryQuerySchema,
)
from events import RecordedEvent
from events.efforts import HistoricFigureImported
from events.periods import within
from events.privacy import Finding, find_personal_data

NAMESPACE = uuid.UUID("0d3e6b8a-51c7-4a92-8f1e-6c2b9d4e7a15")
HISTORY_KEY = ("municipality", "goal_code", "period", "indicator")


@blp.route("/history")
class History(MethodView):
    @requires(*READERS)
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, HistoricFigureOutSchema(many=True))
    def get(self, query):
        """The figures imported from before the register (the latest of each)."""
        outer = period_arg(query["period"]) if query["period"] else None
        figures = [
            shown(event)
            for event in _history(current_account().municipality).values()
            if query["goal"] in (None, event.data["goal_code"])
            and (outer is None or within(event.data["period"], outer))
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
    found = read_every([HistoricFigureImported.TYPE], prefix)
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
    when = items[0]["occurred_at"]
    return record(events, when, event_ids=ids, source="imported").positions
