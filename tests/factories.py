"""Test data: events with unique ids and plausible content."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from events import Metadata, NewEvent

_counter = itertools.count(1)
BASE_TIME = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
STAFF = Metadata(actor="user:staff-1", device="desk-1", request_id="req-test")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_event(type: str = "ParticipantCheckedIn", **data: object) -> NewEvent:
    n = next(_counter)
    return NewEvent(
        type=type,
        data=data or {"session": "s-1", "role": "child", "n": n},
        occurred_at=BASE_TIME + timedelta(minutes=n),
        metadata=STAFF,
    )
