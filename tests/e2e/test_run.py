"""`bieb up` (what `make run` starts): API, worker and scheduler as one process tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.processes import free_port, wait_for

pytestmark = pytest.mark.slow

BIEB = str(Path(sys.executable).parent / "bieb")


def run_up(tmp_path: Path, extra_env: dict[str, str]):
    port = free_port()
    env = {
        **os.environ,
        "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
        "BIEB_BIND": f"127.0.0.1:{port}",
        "BIEB_CATCH_UP_SECONDS": "1",
        "BIEB_LOG_FORMAT": "text",
        **extra_env,
    }
    log = (tmp_path / "up.log").open("w+")
    proc = subprocess.Popen(
        [BIEB, "up"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
    )
    return proc, f"http://127.0.0.1:{port}", log


def health(base: str):
    try:
        response = httpx.get(f"{base}/healthz", timeout=2)
    except httpx.TransportError:
        return None
    return response.json() if response.status_code == 200 else None


def output(log) -> str:
    log.seek(0)
    return log.read()


@pytest.mark.parametrize("mode", ["embedded", "production"])
def test_bieb_up_serves_and_works_then_stops_cleanly(tmp_path, mode, request):
    env = {}
    if mode == "production":
        env = {
            "BIEB_DATABASE_URL": request.getfixturevalue("postgres_databases").create(
                migrated=False
            ),
            "BIEB_BROKER_URL": request.getfixturevalue("redis_url"),
        }
    proc, base, log = run_up(tmp_path, env)
    try:
        status = wait_for(lambda: health(base), 60, "/healthz")
        assert status["status"] == "ok", status
        assert "running at http://127.0.0.1" in output(log)
        assert "agreement: Prestatieafspraken gemeente Heemstede" in output(log)
        token = output(log).split("token (shown once): ")[1].split()[0]
        feed = httpx.get(
            f"{base}/api/v1/events", headers={"Authorization": f"Bearer {token}"}
        )
        assert feed.status_code == 200, feed.text
        # The block that ends the start-up output: where and how to sign in.
        wait_for(lambda: "/inloggen as 'admin'" in output(log), 60, "the sign-in block")
        # As the README says: sign in as admin with the password in the file.
        password = (tmp_path / "instance" / "first-admin.txt").read_text().strip()
        with httpx.Client(base_url=base, follow_redirects=True) as browser:
            form = browser.get("/inloggen").text
            csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
            landed = browser.post("/inloggen", data={
                "csrf_token": csrf, "name": "admin", "password": password})  # fmt: skip
            assert "Ingelogd als admin" in landed.text, landed.text[:2000]
        # The scheduler's tick reaches the worker through the broker.
        wait_for(
            lambda: "run_projections" in output(log) and "succeeded" in output(log),
            60,
            "the worker to run the scheduler's catch-up task",
        )
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
    assert code == 0, output(log)[-3000:]
    assert health(base) is None  # nothing is left listening
