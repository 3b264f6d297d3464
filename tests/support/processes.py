"""Real processes for end-to-end tests: a Celery worker, a private Redis server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# The project root: a worker run from here can load test-only task modules.
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Worker:
    """`celery -A workers.main worker` in its own process, with our settings."""

    def __init__(
        self, env: dict[str, str], log: Path, include: tuple[str, ...] = ()
    ) -> None:
        self.env = {**os.environ, "BIEB_LOG_FORMAT": "text", **env}
        self.log = log
        self.include = include  # task modules beside workers.tasks (test-only)
        self.proc: subprocess.Popen | None = None

    def start(self) -> Worker:
        out = self.log.open("a")
        starts = self.log.read_text().count(" ready.") if self.log.exists() else 0
        extra = ["--include", ",".join(self.include)] if self.include else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.main", "worker",
             "--pool", "solo", "--loglevel", "INFO", "--without-heartbeat",
             "--without-gossip", "--without-mingle", *extra],
            env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        wait_for(lambda: self.log.read_text().count(" ready.") > starts, 60,
                 "the worker to start")  # fmt: skip
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up, as when a machine dies."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class RedisServer:
    """A private redis-server on a spare port: fault tests stop this one only."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, 20, "redis-server to start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def children_of(parent: int) -> list[int]:
    """The pids whose parent is `parent` (gunicorn's workers, say), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found
