"""Report compile time and peak memory for a busy branch's year.

On a fresh PostgreSQL database: --n events over 2025 (sessions with check-ins
and headcounts, IDO questions, as bench/projections.py generates them, plus a
year of loan figures and visitor samples), projected; then, each in its own
process so that its peak resident memory is its own:

1. compile: the year's report content from the live read models;
2. html: compile + render to HTML (Jinja, matplotlib charts);
3. pdf: compile + render + WeasyPrint PDF;
4. recompile: the content replayed at the stored position (invariant 7).

The baseline, in the same run, is one full read of the log (every event
decoded): each phase is also given as a ratio to it.

    .venv/bin/python bench/report.py [--n 100000] [--out bench/results/report.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.projections import HERE, ZONE, generate, new  # noqa: E402
from events.catalogue import load_agreement  # noqa: E402
from events.counts import LoanFiguresRecorded, VisitorSampleTaken  # noqa: E402
from events.store import SqlEventStore, create_store_engine  # noqa: E402
from tests.support.databases import PostgresDatabases  # noqa: E402
from workers.projections import projections  # noqa: E402
from workers.projections.base import catch_up  # noqa: E402

PHASES = ("compile", "html", "pdf", "recompile")


def extras(store: SqlEventStore) -> None:
    """A year of loan figures and three visitor samples on each open day."""
    for month in range(1, 13):
        for audience in ("youth", "adult"):
            figure = LoanFiguresRecorded(**HERE, month=f"2025-{month:02d}",
                                         audience=audience, collection="fiction",
                                         loans=4000 + 37 * month)  # fmt: skip
            when = datetime(2025, month, 1, 9, tzinfo=UTC)
            store.append(figure.stream_id, [new(figure, when)])
    day = datetime(2025, 1, 1, tzinfo=ZONE)
    while day.year == 2025:
        if day.isoweekday() < 7:
            for hour in (10, 14, 19 if day.isoweekday() == 3 else 16):
                start = day.replace(hour=hour)
                sample = VisitorSampleTaken(
                    **HERE, sample_id=uuid.uuid4().hex, zone="plein1",
                    window_start=start.isoformat(), minutes=15,
                    people=20 + (hour * day.day) % 30, method="tally",
                )  # fmt: skip
                store.append(sample.stream_id, [new(sample, start)])
        day += timedelta(days=1)


def phase(name: str, url: str) -> dict[str, float]:
    """Run one phase in this process (the child side)."""
    from app.config import Config
    from workers.reports.compile import compile_content
    from workers.reports.render import render_html, render_pdf

    store = SqlEventStore(create_store_engine(url))
    agreement = load_agreement("heemstede-2024-2027")
    config = Config.from_env({"BIEB_DATABASE_URL": url,
                              "BIEB_INSTANCE_DIR": tempfile.mkdtemp()})  # fmt: skip
    start = time.perf_counter()
    position = store.head() if name == "recompile" else None
    content = compile_content(store, agreement, "2025", config.zone, position=position)
    size = 0
    if name in ("html", "pdf"):
        html = render_html(content, config.zone)
        size = len(html.encode())
        if name == "pdf":
            size = len(render_pdf(html))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mib": peak, "bytes": size}


def read_all_seconds(store: SqlEventStore) -> float:
    start, after = time.perf_counter(), 0
    while batch := store.read_all(after=after, limit=5_000):
        after = batch[-1].position
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> dict[str, Any]:
    pool = PostgresDatabases()
    try:
        url = pool.create()
        store = SqlEventStore(create_store_engine(url))
        generate(store, args.n)
        extras(store)
        catch_up(projections(store, ZONE)[0], store)
        count = store.head()
        baseline = read_all_seconds(store)
        phases = {}
        for name in PHASES:
            out = subprocess.run(
                [sys.executable, __file__, "--phase", name, "--url", url],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            found = json.loads(out.strip().splitlines()[-1])
            phases[name] = {**found, "ratio_to_read_all": found["seconds"] / baseline}
        store.engine.dispose()
    finally:
        pool.drop_all()
    return {
        "environment": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
        },
        "parameters": vars(args),
        "events": count,
        "read_all_baseline_seconds": baseline,
        "phases": phases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench/results/report.json"))
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args.phase, args.url)))
        return 0
    result = run(args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "parameters"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
