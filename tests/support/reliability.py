"""The fault suite's bookkeeping: what the client was told against what was kept.

Every write a fault test makes has its own `occurred_at`, a mark no other write
of the run shares. The store is then counted by mark, independently of any id
the register derives: an acknowledged mark found once is kept, found twice is a
duplicate, not found is lost. Each test saves its figures as JSON under
test-artifacts/reliability/, which docs/RELIABILITY.md quotes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from events.store.read_models import goal_figures, session_figures
from events.store.tables import events
from tests.support.processes import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "reliability"
ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass
class Outcome:
    """A fault's figures: the acknowledged writes against the store."""

    fault: str
    acknowledged: int
    stored: int
    duplicates: int
    lost: int
    stored_unacknowledged: int
    seconds_to_recover: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def save(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        record = {**asdict(self), "at": datetime.now(UTC).isoformat(timespec="seconds")}
        path = ARTIFACTS / f"{self.fault}.json"
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def compare(fault: str, acknowledged: Iterable[datetime], stored: Counter) -> Outcome:
    """Count the acknowledged marks in the store: kept once, twice, or not at all."""
    acked = Counter(acknowledged)
    assert all(n == 1 for n in acked.values()), "a mark was used for two writes"
    return Outcome(
        fault=fault,
        acknowledged=len(acked),
        stored=sum(stored.values()),
        duplicates=sum(n - 1 for n in stored.values() if n > 1),
        lost=sum(1 for mark in acked if mark not in stored),
        stored_unacknowledged=sum(1 for mark in stored if mark not in acked),
    )


def stored_marks(engine: Engine, event_type: str, month: str) -> Counter:
    """How often each `occurred_at` of `event_type` is in the log, in a month."""
    start, end = month_bounds(month)
    query = select(events.c.occurred_at).where(
        events.c.event_type == event_type,
        events.c.occurred_at >= start,
        events.c.occurred_at < end,
    )
    with engine.connect() as conn:
        return Counter(conn.execute(query).scalars())


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, number = map(int, month.split("-"))
    start = datetime(year, number, 1, tzinfo=ZONE)
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZONE)
    return start, following


def mark(month: str, n: int) -> datetime:
    """The n-th write's own moment in `month` (local time, from 08:00, 1 s apart)."""
    start, _ = month_bounds(month)
    return start + timedelta(hours=8, seconds=n)


def question(month: str, n: int) -> dict[str, Any]:
    """An IDO question, the register's commonest write, marked by its moment."""
    return {
        "themes": ["digid"] if n % 2 else ["toeslagen", "uwv"],
        "help_kind": ("information", "hands_on", "referral")[n % 3],
        "channel": "desk",
        "minutes": 5,
        "occurred_at": mark(month, n).isoformat(),
    }


def moment(write_body: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(write_body["occurred_at"]).astimezone(UTC)


def ido_figure(engine: Engine, month: str) -> int:
    """The IDO questions of `month` as the projection counted them."""
    query = select(func.coalesce(func.sum(goal_figures.c.value), 0)).where(
        goal_figures.c.indicator == "ido-questions",
        goal_figures.c.dimension == "",
        goal_figures.c.month == month,
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def session_checkins(engine: Engine, session_ids: Iterable[str]) -> dict[str, int]:
    """Each session's check-ins as the projection counted them."""
    query = select(session_figures.c.session_id, session_figures.c.checkins).where(
        session_figures.c.session_id.in_(list(session_ids))
    )
    with engine.connect() as conn:
        return dict(conn.execute(query).all())
