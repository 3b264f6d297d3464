"""Projection throughput, end-to-end lag, and peak memory of a rebuild.

On a fresh PostgreSQL database, in one run:

1. throughput: the goal-figures projection catching up over --n generated events
   (sessions with check-ins and typed headcounts, IDO questions), as events/s and
   as a ratio to a plain SQL GROUP BY (type x local month) over the same rows;
2. rebuild: `bieb projections rebuild` in its own process (replay from 0 into
   shadow tables, swap): events/s and the process's peak resident memory;
3. lag: with a real Celery worker on Redis, the time from a check-in's 201 to its
   figure being visible (the projection's checkpoint past its position), p50/p95.

    .venv/bin/python bench/projections.py [--n 1000000] [--lag-requests 50]
        [--out bench/results/projections.json]

Bench-only shortcut: IDO questions are appended 100 to a stream (the projection
does not read stream ids) so that generating a million events takes a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402
from events import Event, Metadata, NewEvent  # noqa: E402
from events.activities import (  # noqa: E402
    ParticipantCheckedIn,
    SessionClosed,
    SessionOpened,
)
from events.ido import IdoQuestionLogged  # noqa: E402
from events.store import SqlEventStore, create_store_engine  # noqa: E402
from events.store.read_models import projection_checkpoints  # noqa: E402
from tests.support.api import ApiClient  # noqa: E402
from tests.support.databases import PostgresDatabases  # noqa: E402
from tests.support.processes import RedisServer, Worker, wait_for  # noqa: E402
from workers.projections import projections  # noqa: E402
from workers.projections.base import catch_up  # noqa: E402

ZONE = ZoneInfo("Europe/Amsterdam")
HERE = {"municipality": "heemstede", "branch": "heemstede"}
STAFF = Metadata(actor="staff:bench")
START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def new(event: Event, when: datetime) -> NewEvent:
    return NewEvent(type=event.TYPE, data=event.to_data(), occurred_at=when,
                    metadata=STAFF)  # fmt: skip


def session_batch(i: int) -> tuple[str, list[NewEvent]]:
    sid, when = uuid.uuid4().hex, START + timedelta(hours=3 * i)
    goals = [["1.2", "3.2"], ["1.4"], ["2.2", "5.3"]][i % 3]
    events = [new(SessionOpened(**HERE, session_id=sid, activity_id="a",
                                goal_codes=goals), when)]  # fmt: skip
    for n in range(98):
        group = "refugee" if n % 9 == 0 else None
        tap = ParticipantCheckedIn(**HERE, session_id=sid, role="child",
                                   age_band="4-11", new_target_group=group)  # fmt: skip
        events.append(new(tap, when + timedelta(seconds=n)))
    closed = SessionClosed(
        **HERE, session_id=sid, headcount=100 if i % 4 == 0 else None
    )
    events.append(new(closed, when + timedelta(hours=1)))
    return f"session-{sid}", events


def ido_batch(i: int) -> tuple[str, list[NewEvent]]:
    events = [
        new(IdoQuestionLogged(**HERE, question_id=uuid.uuid4().hex,
                              themes=["digid", "toeslagen"][: 1 + n % 2],
                              help_kind="information", channel="desk"),
            START + timedelta(hours=3 * i, minutes=n))
        for n in range(100)
    ]  # fmt: skip
    return f"ido-bench-{i}", events


def generate(store: SqlEventStore, n: int) -> int:
    batches = n // 100
    for i in range(batches):
        stream, events = ido_batch(i) if i % 10 == 9 else session_batch(i)
        store.append(stream, events)
    return store.head()


def group_by_seconds(engine) -> float:
    query = text(
        "SELECT event_type, to_char(occurred_at AT TIME ZONE 'Europe/Amsterdam',"
        " 'YYYY-MM') AS month, count(*) FROM events GROUP BY 1, 2"
    )
    times = []
    for _ in range(3):
        start = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(query).all()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rebuild_in_process(url: str, folder: Path) -> dict[str, float]:
    env = {**os.environ, "BIEB_DATABASE_URL": url, "BIEB_INSTANCE_DIR": str(folder),
           "BIEB_LOG_LEVEL": "WARNING"}  # fmt: skip
    bieb = str(Path(sys.executable).parent / "bieb")
    start = time.perf_counter()
    subprocess.run([bieb, "projections", "rebuild"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": elapsed, "peak_rss_mib": peak_kib / 1024}


def lag(url: str, folder: Path, requests: int) -> dict[str, float]:
    redis = RedisServer(folder).start()
    env = {"BIEB_DATABASE_URL": url, "BIEB_BROKER_URL": redis.url,
           "BIEB_INSTANCE_DIR": str(folder)}  # fmt: skip
    worker = Worker(env, folder / "worker.log").start()
    app = create_app(Config.from_env({**env, "BIEB_TESTING": "1"}))
    api = ApiClient(app)
    engine = app.extensions["store"].engine
    try:
        session = _open_session(api)
        lags = []
        for _ in range(requests):
            tap = {"role": "adult", "age_band": "30-64"}
            answer = api.post(f"/sessions/{session}/checkins", tap, as_="tablet")
            done = time.perf_counter()
            position = answer.json["positions"][0]
            wait_for(lambda p=position: _checkpoint(engine) >= p, 30, "the figure",
                     every=0.002)  # fmt: skip
            lags.append(time.perf_counter() - done)
    finally:
        worker.stop()
        redis.stop()
    lags.sort()
    return {"p50_ms": 1000 * statistics.median(lags),
            "p95_ms": 1000 * lags[int(0.95 * (len(lags) - 1))]}  # fmt: skip


def _open_session(api: ApiClient) -> str:
    activity = api.post("/activities", {
        "title": "Taalsoos", "kind": "language_cafe", "goal_codes": ["1.4"],
        "target_group": "adults", "age_band": "30-64",
        "starts_at": "2025-03-14T10:00:00+01:00",
        "ends_at": "2025-03-14T12:00:00+01:00",
    }).json["id"]  # fmt: skip
    return api.post("/sessions", {"activity_id": activity}).json["id"]


def _checkpoint(engine) -> int:
    query = select(projection_checkpoints.c.position).where(
        projection_checkpoints.c.name == "goal_figures"
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar() or 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    pool = PostgresDatabases()
    folder = Path(tempfile.mkdtemp(prefix="bieb-bench-"))
    try:
        url = pool.create()
        store = SqlEventStore(create_store_engine(url))
        start = time.perf_counter()
        count = generate(store, args.n)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        catch_up(projections(store, ZONE)[0], store)
        projected = time.perf_counter() - start
        grouped = group_by_seconds(store.engine)
        rebuilt = rebuild_in_process(url, folder)
        store.engine.dispose()
        lagged = lag(pool.create(), folder, args.lag_requests)
    finally:
        pool.drop_all()
    return {
        "environment": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
        },
        "parameters": vars(args),
        "events": count,
        "generate_events_per_s": count / generated,
        "catch_up": {"seconds": projected, "events_per_s": count / projected},
        "group_by": {"seconds": grouped, "events_per_s": count / grouped},
        "ratio_catch_up_over_group_by": grouped / projected,
        "rebuild": {**rebuilt, "events_per_s": count / rebuilt["seconds"]},
        "lag": lagged,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--lag-requests", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "bench/results/projections.json"))
    args = parser.parse_args(argv)
    result = run(args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "parameters"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
