"""The library system's file of loan figures: every row checked, then appended.

Nothing is written unless every row is good (`app.commands.loan_rows`). Rows are
appended per stream (a branch's month) with event ids derived from the file's
content hash, the row number and the figure each replaces: a retried or
repeated import writes nothing twice, even when two copies race, yet a figure
corrected by hand and then imported back is written again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass

from app.commands.caller import Caller
from app.commands.loan_rows import Key, LoanUpload, Placed, checked
from app.commands.services import Services
from app.commands.writing import build, payload, write
from events import RecordedEvent
from events.counts import LoanFiguresRecorded

NAMESPACE = uuid.UUID("8f4d2a8e-3c1b-4f0e-9a57-2b6d7c1e0f93")


@dataclass(frozen=True)
class LoansImported:
    """Rows written, rows the register held already, and the months covered."""

    imported: int
    unchanged: int
    months: list[str]
    positions: list[int]


def import_loans(
    services: Services, caller: Caller, upload: LoanUpload
) -> LoansImported:
    """Append what the file's rows change; refused whole if any row is bad."""
    placed = checked(services, caller, upload)
    current = _current(services, placed)
    changed = [p for p in placed if _changes(p, current)]
    positions = _append(services, caller, changed, current, upload.content)
    months = sorted({p.row.month for p in placed})
    return LoansImported(
        len(positions), len(placed) - len(positions), months, positions
    )


def _current(services: Services, placed: list[Placed]) -> dict[Key, RecordedEvent]:
    """The figure now in the log per branch, month, audience and collection."""
    latest: dict[Key, RecordedEvent] = {}
    for branch, month in sorted({p.key[:2] for p in placed}):
        stream = LoanFiguresRecorded.STREAM.format(branch=branch, month=month)
        for event in services.store.read_stream(stream):
            data = event.data
            key = (branch, month, data["audience"], data["collection"])
            latest[key] = event
    return latest


def _changes(placed: Placed, current: dict[Key, RecordedEvent]) -> bool:
    now = current.get(placed.key)
    return now is None or now.data["loans"] != placed.row.loans


def _append(
    services: Services,
    caller: Caller,
    changed: list[Placed],
    current: dict[Key, RecordedEvent],
    content: bytes,
) -> list[int]:
    """One append per branch and month, its event ids derived as above."""
    digest = hashlib.sha256(content).hexdigest()
    months: dict[tuple[str, str], list[Placed]] = defaultdict(list)
    for p in changed:
        months[p.key[:2]].append(p)
    positions: list[int] = []
    for _, group in sorted(months.items()):
        ids = [_event_id(digest, p, current) for p in group]
        positions.extend(_write_month(services, caller, group, ids))
    return positions


def _write_month(
    services: Services, caller: Caller, group: list[Placed], ids: list[uuid.UUID]
) -> tuple[int, ...]:
    """A branch's month of changed figures, in one append."""
    events = [
        build(LoanFiguresRecorded, p.where, payload(p.row, ["number"])) for p in group
    ]
    where = group[0].where
    recorded = write(
        services, caller, events[0].stream_id, events, where, event_ids=ids
    )
    return recorded.result.positions


def _event_id(
    digest: str, placed: Placed, current: dict[Key, RecordedEvent]
) -> uuid.UUID:
    """Stable for a row of this file replacing this figure: a retry reuses it."""
    replaced = current.get(placed.key)
    before = str(replaced.event_id) if replaced else "-"
    return uuid.uuid5(NAMESPACE, f"{digest}|{placed.row.number}|{before}")
