"""API latency and throughput through gunicorn on PostgreSQL.

Starts the real app under gunicorn on a fresh PostgreSQL database and measures,
in the same run and with the same client:

1. single check-ins: `POST /api/v1/sessions/<id>/checkins` from --clients
   concurrent clients (one tablet token each), p50/p99 latency and requests/s;
2. the bare baseline: `GET /livez` of the same app (fixed JSON, no I/O) with the
   same clients, so the ratios show what recording costs over serving at all;
3. batch sync: `POST /api/v1/sync/batch` with --batch check-ins per request,
   events/s.

Run from the project root:

    .venv/bin/python bench/api.py [--requests 2000] [--clients 8] [--batch 500]
        [--out bench/results/api.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.accounts import create_account  # noqa: E402
from events.store import create_store_engine  # noqa: E402
from tests.support.databases import PostgresDatabases  # noqa: E402

CHECK_IN = {"role": "child", "age_band": "4-11", "district": "heemstede-zuid"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, folder: Path):
    env = {
        **os.environ,
        "BIEB_DATABASE_URL": url,
        "BIEB_BROKER_URL": os.environ.get(
            "BIEB_BENCH_BROKER", "redis://127.0.0.1:6379/15"
        ),
        "BIEB_INSTANCE_DIR": str(folder),
        "BIEB_LOG_LEVEL": "WARNING",
    }
    cmd = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "gthread", "--threads", "4",
        "app:create_app()",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/livez", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def prepare(base: str, staff: str) -> str:
    """An activity and an open session to check in to; returns the session id."""
    headers = {"Authorization": f"Bearer {staff}"}
    activity = httpx.post(f"{base}/api/v1/activities", headers=headers, json={
        "title": "Voorlezen", "kind": "reading_aloud", "goal_codes": ["1.2", "3.2"],
        "target_group": "children", "age_band": "4-11",
        "starts_at": "2025-03-14T10:00:00+01:00",
        "ends_at": "2025-03-14T11:00:00+01:00",
    })  # fmt: skip
    activity.raise_for_status()
    session = httpx.post(f"{base}/api/v1/sessions", headers=headers,
                         json={"activity_id": activity.json()["id"]})  # fmt: skip
    session.raise_for_status()
    return session.json()["id"]


def load(requests: int, clients: int, send) -> dict[str, float]:
    """Run `send(client)` `requests` times over `clients` threads; latencies."""
    per_client = requests // clients

    def worker(_: int) -> list[float]:
        times = []
        with httpx.Client(timeout=30) as client:
            for _ in range(per_client):
                start = time.perf_counter()
                response = send(client)
                times.append(time.perf_counter() - start)
                assert response.status_code < 300, response.text
        return times

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = sorted(t for ts in pool.map(worker, range(clients)) for t in ts)
    elapsed = time.perf_counter() - start
    return {
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def sync_batches(base: str, tablet: str, session: str, batch: int, batches: int):
    headers = {"Authorization": f"Bearer {tablet}"}
    bodies = [
        {"items": [
            {"id": str(uuid.uuid4()), "kind": "checkin", "session_id": session,
             "occurred_at": "2025-03-14T10:30:00+01:00", **CHECK_IN}
            for _ in range(batch)
        ]}
        for _ in range(batches)
    ]  # fmt: skip
    start = time.perf_counter()
    with httpx.Client(timeout=120) as client:
        for body in bodies:
            response = client.post(
                f"{base}/api/v1/sync/batch", json=body, headers=headers
            )
            response.raise_for_status()
    return {"events_per_s": batch * batches / (time.perf_counter() - start)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    pool = PostgresDatabases()
    url = pool.create()
    engine = create_store_engine(url)
    staff = create_account(engine, "bench-staff", "staff", "heemstede")[1]
    tablet = create_account(engine, "bench-tablet", "tablet", "heemstede", "heemstede")[
        1
    ]
    engine.dispose()
    folder = Path(tempfile.mkdtemp(prefix="bieb-bench-"))
    proc, base = start_gunicorn(url, free_port(), args.workers, folder)
    try:
        session = prepare(base, staff)
        auth = {"Authorization": f"Bearer {tablet}"}
        path = f"{base}/api/v1/sessions/{session}/checkins"
        load(200, args.clients, lambda c: c.get(f"{base}/livez"))  # warm up
        bare = load(args.requests, args.clients, lambda c: c.get(f"{base}/livez"))
        checkin = load(args.requests, args.clients,
                       lambda c: c.post(path, json=CHECK_IN, headers=auth))  # fmt: skip
        batch = sync_batches(base, tablet, session, args.batch, args.batches)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        pool.drop_all()
    return {
        "environment": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "gunicorn_workers": args.workers,
        },
        "parameters": vars(args),
        "bare_livez": bare,
        "single_checkin": checkin,
        "ratios": {
            "checkin_rps_over_bare": checkin["requests_per_s"] / bare["requests_per_s"],
            "checkin_p50_over_bare": checkin["p50_ms"] / bare["p50_ms"],
            "checkin_p99_over_bare": checkin["p99_ms"] / bare["p99_ms"],
        },
        "batch_sync": batch,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--out", default=str(ROOT / "bench/results/api.json"))
    args = parser.parse_args(argv)
    result = run(args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    bare, one = result["bare_livez"], result["single_checkin"]
    print(f"{'':22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in (("GET /livez (bare)", bare), ("POST check-in", one)):
        print(f"{name:22}{row['requests_per_s']:>10.0f}{row['p50_ms']:>10.2f}"
              f"{row['p99_ms']:>10.2f}")  # fmt: skip
    for name, value in result["ratios"].items():
        print(f"{name:30}{value:>8.2f}")
    print(f"batch sync: {result['batch_sync']['events_per_s']:.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
