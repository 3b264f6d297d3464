"""gunicorn as the API runs under it (app/serving.py): its refusals in problem+json.

A request over gunicorn's limits never reaches the app; gunicorn answers it.
Through our config that answer is problem+json like the app's, and no answer
names gunicorn.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support import databases
from tests.support.processes import ROOT, free_port, wait_for

pytestmark = pytest.mark.slow


def exchange(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes; the status line, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
    return status, headers, body


def answers(port: int) -> bool:
    try:
        request = b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        return exchange(port, request)[0].endswith("200 OK")
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **os.environ,
        "BIEB_DATABASE_URL": databases.sqlite_url(folder),
        "BIEB_INSTANCE_DIR": str(folder / "instance"),
        "BIEB_LOG_FORMAT": "text",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:app.serving",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "app:create_app()",
    ]
    log = (folder / "gunicorn.log").open("w")
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_for(lambda: answers(port) or proc.poll() is not None, 60, "gunicorn")
        assert proc.poll() is None, (folder / "gunicorn.log").read_text()
        yield port
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        proc.wait(timeout=30)
        log.close()


LONG_LINE = b"GET /api/v1/ido/questions?q=" + b"x" * 10_000 + b" HTTP/1.1\r\n\r\n"
MANY_HEADERS = (
    b"GET /livez HTTP/1.1\r\nHost: x\r\n"
    + b"".join(b"X-Filler-%d: jan@example.nl\r\n" % n for n in range(200))
    + b"\r\n"
)


@pytest.mark.parametrize(
    ("request_bytes", "status"), [(LONG_LINE, 414), (MANY_HEADERS, 431)],
    ids=["request line of 10,000 bytes", "200 headers"],
)  # fmt: skip
def test_gunicorns_refusals_are_problem_json(server, request_bytes, status):
    line, headers, body = exchange(server, request_bytes)
    assert line.split()[1] == str(status), line
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert "gunicorn" not in headers.get("server", "").lower()
    assert b"xxxxxxxx" not in body and b"example.nl" not in body


def test_no_answer_names_gunicorn(server):
    request = b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    line, headers, _ = exchange(server, request)
    assert line.endswith("200 OK")
    assert headers["server"] == "bieb"
