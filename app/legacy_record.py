"""Commands: validated request data -> domain events -> one atomic append.

Every write of the API goes through `record`, which stamps the metadata of the
request and appends; the store refuses personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request

from app.auth import current_account
from app.idempotency import event_id
from events import Event, Metadata, NewEvent
from events.store import ANY, AppendResult

# Recorded this long after it happened, a fact counts as back-dated.
BACKDATE_AFTER = timedelta(minutes=15)


def source_of(occurred_at: datetime, now: datetime | None = None) -> str:
    """'backdated' for what is recorded well after the fact, else 'live'."""
    now = now or datetime.now(UTC)
    return "backdated" if now - occurred_at > BACKDATE_AFTER else "live"


def request_metadata(source: str = "live") -> Metadata:
    """Who and what asked, as every event of this request will say, and how."""
    account = current_account()
    request_id = g.get("request_id")
    return Metadata(
        actor=account.actor,
        device=f"tablet:{account.account_id}" if account.role == "tablet" else None,
        request_id=request_id,
        correlation_id=request.headers.get("X-Correlation-ID") or request_id,
        causation_id=request.headers.get("X-Causation-ID"),
        source=source,
    )


def record(
    events: Sequence[Event],
    occurred_at: datetime,
    *,
    expected_version: int | None = ANY,
    event_ids: Sequence[uuid.UUID] | None = None,
    source: str | None = None,
) -> AppendResult:
    """Append events of one stream atomically (the store screens them first).

    `source` goes in the metadata; None means `source_of(occurred_at)`.
    """
    streams = {event.stream_id for event in events}
    if len(streams) != 1:
        raise ValueError(f"one append, one stream; got {sorted(streams)}")
    metadata = request_metadata(source or source_of(occurred_at))
    ids = event_ids or [event_id(i) for i in range(len(events))]
    new_events = [
        NewEvent(
            type=event.TYPE,
            version=event.VERSION,
            data=event.to_data(),
            occurred_at=occurred_at,
            metadata=metadata,
            event_id=ids[i],
        )
        for i, event in enumerate(events)
    ]
    result = current_app.extensions["store"].append(
        streams.pop(), new_events, expected_version
    )
    if not result.replayed:
        current_app.extensions["nudge"]()
    return result
