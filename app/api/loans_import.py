"""The loan figures CSV, its rows checked: appended per branch and month.

Rows are appended per stream (a branch's month) with event ids derived from the
file's content hash, the row number and the figure each replaces: a retried or
repeated import writes nothing twice, even when two copies race, yet a figure
corrected by hand and then imported back is written again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app

from app.agreements import agreement_for
from app.api.loans_csv import Row
from app.api.reading import read_branch
from app.legacy_record import record
from app.schemas.counts import month_start
from events import RecordedEvent
from events.counts import LoanFiguresRecorded

NAMESPACE = uuid.UUID("8f4d2a8e-3c1b-4f0e-9a57-2b6d7c1e0f93")


def import_rows(rows: list[Row], content: bytes) -> dict[str, Any]:
    """Append what the checked rows change; the 201 body."""
    positions = Importer(rows, content).run()
    return {
        "imported": len(positions),
        "unchanged": len(rows) - len(positions),
        "months": sorted({row.month for row in rows}),
        "positions": positions,
    }


class Importer:
    """Appends the rows that change a figure, one append per branch and month."""

    def __init__(self, rows: list[Row], content: bytes) -> None:
        self.rows = rows
        self.digest = hashlib.sha256(content).hexdigest()
        self.zone = current_app.extensions["bieb_config"].zone
        self.current = self._current()

    def run(self) -> list[int]:
        streams: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.rows:
            now = self.current.get((row.branch, *row.key))
            if now is None or now.data["loans"] != row.loans:
                streams[(row.branch, row.month)].append(row)
        positions: list[int] = []
        for (branch, month), rows in sorted(streams.items()):
            positions.extend(self._append(branch, month, rows))
        return positions

    def _current(self) -> dict[tuple[str, ...], RecordedEvent]:
        """The figure now in the log per branch, month, audience and collection."""
        latest: dict[tuple[str, ...], RecordedEvent] = {}
        for branch in sorted({row.branch for row in self.rows}):
            months = [month_start(r.month) for r in self.rows if r.branch == branch]
            start = datetime.combine(min(months), time(), self.zone)
            end = datetime.combine(max(months) + timedelta(days=1), time(), self.zone)
            for event in read_branch(LoanFiguresRecorded, branch, start, end):
                data = event.data
                key = (branch, data["month"], data["audience"], data["collection"])
                latest[key] = event
        return latest

    def _append(self, branch: str, month: str, rows: list[Row]) -> tuple[int, ...]:
        occurred_at = datetime.combine(month_start(month), time(), self.zone)
        municipality = agreement_for(branch, occurred_at).municipality.code
        events = [
            LoanFiguresRecorded(
                municipality=municipality,
                branch=branch,
                month=month,
                audience=row.audience,
                collection=row.collection,
                loans=row.loans,
            )
            for row in rows
        ]
        ids = [self._event_id(row) for row in rows]
        return record(events, occurred_at, event_ids=ids).positions

    def _event_id(self, row: Row) -> uuid.UUID:
        """Stable for a row of this file replacing this figure: a retry reuses it."""
        replaced = self.current.get((row.branch, *row.key))
        before = str(replaced.event_id) if replaced else "-"
        return uuid.uuid5(NAMESPACE, f"{self.digest}|{row.number}|{before}")
