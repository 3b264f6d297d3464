"""Event store throughput on PostgreSQL, against raw psycopg doing the same work.

Measures, in one run on one server, three operations of `SqlEventStore` and a
raw psycopg baseline for each, and reports events/s for both and the ratio
ours / raw (1.0 = as fast as raw psycopg):

1. single appends: N x `store.append(stream, [event])` (one statement in
   autocommit) vs one `INSERT` of an equal row + `commit()` per event into
   `raw_events`, a plain table of the same shape (columns, position sequence,
   unique constraints, indexes) without triggers, on one psycopg connection;
2. batch appends: N / batch x `store.append(stream, [batch events])` vs
   `cursor.executemany(INSERT, rows)` + `commit()` per batch;
3. full reads: the whole log (at least --read-n events, filled by batch
   appends) through `store.read_all` in pages of 1000, decoded to
   RecordedEvents, vs `SELECT * FROM events ORDER BY position` fetched fully.

Every repeat uses a fresh migrated database per section; within a repeat ours
and raw alternate chunk by chunk (reads: pass by pass, order swapped on each
repeat) so machine noise hits both. Figures are medians over the repeats; the
ratio is the median of the per-repeat ratios. Events are built before timing.

Run from the project root (PostgreSQL from BIEB_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/postgres):

    .venv/bin/python bench/store.py [--n 5000] [--batch 500] [--repeat 3]
        [--read-n 100000] [--out bench/results/store.json]

Prints a table and writes the environment, parameters, per-repeat figures,
medians and ratios as JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy
from psycopg.types.json import Jsonb
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from events import Metadata, NewEvent  # noqa: E402
from events.store import SqlEventStore, create_store_engine  # noqa: E402
from tests.support.databases import PostgresDatabases  # noqa: E402

EVENT_TYPE = "CheckInRecorded"
DISTRICTS = ("Centrum", "Noord", "Zuid", "Oost", "West")
# Single appends rotate over this many streams: new ones first, then existing.
SINGLE_STREAMS = 100
# Single appends alternate ours / raw in chunks of this many events.
SINGLE_CHUNK = 250
READ_PAGE = 1000

# Same columns, constraints and indexes as events, its own position sequence
# (LIKE would copy the default, nextval of the events' sequence), no triggers.
RAW_TABLE = [
    "CREATE TABLE raw_events (LIKE events INCLUDING ALL EXCLUDING DEFAULTS)",
    "CREATE SEQUENCE raw_events_position_seq OWNED BY raw_events.position",
    "ALTER TABLE raw_events ALTER position"
    " SET DEFAULT nextval('raw_events_position_seq')",
]
RAW_INSERT = """
INSERT INTO raw_events (event_id, stream_id, stream_version, event_type,
                        schema_version, payload, metadata, occurred_at, recorded_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
RAW_READ = "SELECT * FROM events ORDER BY position"

# Later targets: ours / raw for appends, decoded events/s for reads.
TARGETS = {
    "single_append": ("ratio", 0.7),
    "batch_append": ("ratio", 0.5),
    "full_read": ("ours_eps", 100_000.0),
}

COMPARES = {
    "single_append": (
        "store.append(stream, [1 event]), autocommit",
        "INSERT 1 row into raw_events + commit()",
    ),
    "batch_append": (
        "store.append(stream, [batch events]), autocommit",
        "executemany(INSERT, batch rows) into raw_events + commit()",
    ),
    "full_read": (
        "store.read_all pages of 1000, decoded RecordedEvents",
        "SELECT * FROM events ORDER BY position, fetchall()",
    ),
}

Timing = dict[str, float]


# -- workload -------------------------------------------------------------------


def make_events(count: int, seed: int = 0) -> list[NewEvent]:
    """`count` check-ins with realistic payloads and metadata."""
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return [
        NewEvent(
            type=EVENT_TYPE,
            data={
                "session": str(uuid.uuid4()),
                "role": "child" if i % 3 else "parent",
                "age_band": "4-11",
                "district": DISTRICTS[(i + seed) % len(DISTRICTS)],
                "new_target_group": None,
            },
            occurred_at=start + timedelta(seconds=i),
            metadata=Metadata(
                actor=f"user:{i % 40}",
                device=f"tab-{i % 6}",
                request_id=f"r-{uuid.uuid4().hex[:16]}",
            ),
        )
        for i in range(count)
    ]


def raw_row(event: NewEvent, stream: str, version: int) -> tuple[Any, ...]:
    """The row the store would write for `event`, minus recorded_at."""
    return (
        event.event_id,
        stream,
        version,
        event.type,
        event.version,
        Jsonb(event.data),
        Jsonb(event.metadata.to_dict()),
        event.occurred_at,
    )


def single_streams(count: int) -> list[tuple[str, int]]:
    """(stream, version) per single append: a rotation over SINGLE_STREAMS."""
    return [
        (f"desk-{i % SINGLE_STREAMS}", i // SINGLE_STREAMS + 1) for i in range(count)
    ]


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# -- databases ------------------------------------------------------------------


def psycopg_dsn(url: str) -> str:
    """A libpq DSN for a SQLAlchemy `postgresql+psycopg://` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(False)


class Section:
    """A fresh migrated database with our store and a raw psycopg connection."""

    def __init__(self, pool: PostgresDatabases) -> None:
        self.url = pool.create()
        self.engine = create_store_engine(self.url)
        self.store = SqlEventStore(self.engine)
        self.raw = psycopg.connect(psycopg_dsn(self.url))
        for statement in RAW_TABLE:
            self.raw.execute(statement)
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()
        self.engine.dispose()


def drop_database(url: str) -> None:
    """Drop a section's database right away to keep the disk small."""
    name = make_url(url).database
    admin = make_url(url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_written(section: Section, expected: int) -> None:
    """Both tables hold `expected` rows: the two sides did the same work."""
    for table in ("events", "raw_events"):
        (count,) = section.raw.execute(f"SELECT count(*) FROM {table}").fetchone()
        if count != expected:
            raise RuntimeError(f"{table} holds {count} rows, expected {expected}")
    section.raw.rollback()


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


Pair = tuple[Callable[[], Any], Callable[[], Any]]


def alternate(pairs: Sequence[Pair], repeat: int) -> Timing:
    """Run (ours, raw) pairs, swapping which goes first on each pair and repeat."""
    ours = raw = 0.0
    for k, (run_ours, run_raw) in enumerate(pairs):
        if (k + repeat) % 2 == 0:
            ours += timed(run_ours)
            raw += timed(run_raw)
        else:
            raw += timed(run_raw)
            ours += timed(run_ours)
    return {"ours_s": ours, "raw_s": raw}


# -- the three sections ---------------------------------------------------------


def bench_single(pool: PostgresDatabases, n: int, repeat: int) -> Timing:
    """N one-event appends vs N x (INSERT + commit) on one connection."""
    section = Section(pool)
    try:
        ours_events, raw_events = make_events(n), make_events(n, seed=1)
        slots = single_streams(n)
        raw_rows = [
            raw_row(e, *slot) for e, slot in zip(raw_events, slots, strict=True)
        ]
        work = list(zip(ours_events, slots, strict=True))

        def ours(part: Sequence[tuple[NewEvent, tuple[str, int]]]) -> None:
            for event, (stream, _version) in part:
                section.store.append(stream, [event])

        def raw(rows: Sequence[tuple[Any, ...]]) -> None:
            with section.raw.cursor() as cur:
                for row in rows:
                    cur.execute(RAW_INSERT, (*row, datetime.now(UTC)))
                    section.raw.commit()

        pairs = [
            (lambda p=p: ours(p), lambda r=r: raw(r))
            for p, r in zip(
                chunks(work, SINGLE_CHUNK), chunks(raw_rows, SINGLE_CHUNK), strict=True
            )
        ]
        times = alternate(pairs, repeat)
        check_written(section, n)
        return {**times, "events": n}
    finally:
        section.close()
        drop_database(section.url)


def bench_batch(pool: PostgresDatabases, n: int, batch: int, repeat: int) -> Timing:
    """N / batch appends of `batch` events vs executemany + commit per batch."""
    section = Section(pool)
    try:
        ours_batches = chunks(make_events(n), batch)
        raw_batches = [
            [raw_row(e, f"batch-{k}", v) for v, e in enumerate(events, start=1)]
            for k, events in enumerate(chunks(make_events(n, seed=1), batch))
        ]

        def ours(k: int, events: Sequence[NewEvent]) -> None:
            section.store.append(f"batch-{k}", events)

        def raw(rows: Sequence[tuple[Any, ...]]) -> None:
            now = datetime.now(UTC)
            with section.raw.cursor() as cur:
                cur.executemany(RAW_INSERT, [(*row, now) for row in rows])
            section.raw.commit()

        pairs = [
            (lambda k=k, e=e: ours(k, e), lambda r=r: raw(r))
            for k, (e, r) in enumerate(zip(ours_batches, raw_batches, strict=True))
        ]
        times = alternate(pairs, repeat)
        check_written(section, n)
        return {**times, "events": n}
    finally:
        section.close()
        drop_database(section.url)


def fill_log(section: Section, count: int, batch: int) -> int:
    """Batch-append at least `count` events; vacuum so reads set no hint bits."""
    written = 0
    for k, events in enumerate(chunks(make_events(count), batch)):
        section.store.append(f"visit-{k}", events)
        written += len(events)
    section.raw.autocommit = True
    section.raw.execute("VACUUM ANALYZE events")
    section.raw.autocommit = False
    return written


def read_ours(store: SqlEventStore) -> int:
    after, seen = 0, 0
    while page := store.read_all(after=after, limit=READ_PAGE):
        seen += len(page)
        after = page[-1].position
    return seen


def read_raw(conn: psycopg.Connection) -> int:
    with conn.cursor() as cur:
        cur.execute(RAW_READ)
        rows = cur.fetchall()
    conn.rollback()
    return len(rows)


def bench_read(pool: PostgresDatabases, read_n: int, batch: int, repeat: int) -> Timing:
    """The whole log via read_all pages vs one plain SELECT fetched fully."""
    section = Section(pool)
    try:
        total = fill_log(section, read_n, batch)
        # Warm the server's cache, both connections and prepared statements.
        read_raw(section.raw)
        section.store.read_all(limit=READ_PAGE)
        counts: dict[str, int] = {}

        def ours() -> None:
            counts["ours"] = read_ours(section.store)

        def raw() -> None:
            counts["raw"] = read_raw(section.raw)

        times = alternate([(ours, raw)], repeat)
        if counts["ours"] != total or counts["raw"] != total:
            raise RuntimeError(f"read {counts}, expected {total} events")
        return {**times, "events": total}
    finally:
        section.close()
        drop_database(section.url)


# -- figures --------------------------------------------------------------------


def with_rates(timing: Timing) -> Timing:
    ours_eps = timing["events"] / timing["ours_s"]
    raw_eps = timing["events"] / timing["raw_s"]
    return {
        **timing,
        "ours_eps": ours_eps,
        "raw_eps": raw_eps,
        "ratio": ours_eps / raw_eps,
    }


def summarise(name: str, repeats: list[Timing]) -> dict[str, Any]:
    """Medians over repeats and whether the later target is met."""
    median = {
        key: statistics.median(r[key] for r in repeats)
        for key in ("ours_eps", "raw_eps", "ratio")
    }
    median["ratio_of_medians"] = median["ours_eps"] / median["raw_eps"]
    metric, target = TARGETS[name]
    ours, raw = COMPARES[name]
    return {
        "ours": ours,
        "raw": raw,
        "repeats": repeats,
        "median": median,
        "target": {
            "metric": metric,
            "at_least": target,
            "met": median[metric] >= target,
        },
    }


def environment(pool_url: str) -> dict[str, Any]:
    with psycopg.connect(psycopg_dsn(pool_url)) as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in (
                "server_version",
                "fsync",
                "synchronous_commit",
                "wal_sync_method",
                "shared_buffers",
            )
        }
    return {
        "python": platform.python_version(),
        "postgres": settings.pop("server_version"),
        "postgres_settings": settings,
        "psycopg": psycopg.__version__,
        "libpq": psycopg.pq.version(),
        "psycopg_impl": psycopg.pq.__impl__,
        "sqlalchemy": sqlalchemy.__version__,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
    }


def print_table(sections: dict[str, dict[str, Any]]) -> None:
    header = f"{'operation':<14}{'ours ev/s':>12}{'raw ev/s':>12}{'ratio':>8}  target"
    print(header)
    print("-" * len(header))
    for name, result in sections.items():
        m, t = result["median"], result["target"]
        goal = (
            f"ratio >= {t['at_least']}"
            if t["metric"] == "ratio"
            else f">= {t['at_least']:,.0f} ev/s"
        )
        print(
            f"{name:<14}{m['ours_eps']:>12,.0f}{m['raw_eps']:>12,.0f}"
            f"{m['ratio']:>8.2f}  {goal}: {'met' if t['met'] else 'NOT met'}"
        )


# -- running --------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="events appended")
    parser.add_argument("--batch", type=int, default=500, help="events per batch")
    parser.add_argument("--repeat", type=int, default=3, help="repeats (median)")
    parser.add_argument("--read-n", type=int, default=100_000, help="log size read")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "store.json"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """All sections, `args.repeat` times, on throwaway databases."""
    pool = PostgresDatabases()
    try:
        env = environment(pool.create())
        per_section: dict[str, list[Timing]] = {
            "single_append": [],
            "batch_append": [],
            "full_read": [],
        }
        for repeat in range(args.repeat):
            runs = {
                "single_append": lambda r=repeat: bench_single(pool, args.n, r),
                "batch_append": lambda r=repeat: bench_batch(
                    pool, args.n, args.batch, r
                ),
                "full_read": lambda r=repeat: bench_read(
                    pool, args.read_n, args.batch, r
                ),
            }
            for name, bench in runs.items():
                result = with_rates(bench())
                per_section[name].append(result)
                print(
                    f"repeat {repeat + 1}/{args.repeat} {name}: "
                    f"ours {result['ours_eps']:,.0f} ev/s, "
                    f"raw {result['raw_eps']:,.0f} ev/s, ratio {result['ratio']:.2f}",
                    file=sys.stderr,
                )
    finally:
        pool.drop_all()
    return {
        "benchmark": "bench/store.py",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": env,
        "parameters": {
            "n": args.n,
            "batch": args.batch,
            "repeat": args.repeat,
            "read_n": args.read_n,
            "read_page": READ_PAGE,
            "single_streams": SINGLE_STREAMS,
            "single_chunk": SINGLE_CHUNK,
        },
        "sections": {
            name: summarise(name, repeats) for name, repeats in per_section.items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    report = run(args)
    report["wall_s"] = round(time.perf_counter() - started, 1)
    print_table(report["sections"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\n{report['wall_s']} s; JSON written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
