"""A private PostgreSQL server in a temporary folder: fault tests stop and freeze it.

initdb and pg_ctl refuse to run as root, so as root they run as the `postgres`
user (runuser), in a folder that user owns. Only this server's processes (the
postmaster of its pid file and its children) are ever signalled.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tests.support.processes import free_port, wait_for

USER = "postgres"


def _bin_dir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _as_server_user() -> list[str]:
    return ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []


def private_postgres_missing() -> str | None:
    """None if a private server can be started here, else why not."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "runuser is missing: cannot run PostgreSQL as a non-root user"
        try:
            import pwd

            pwd.getpwnam(USER)
        except KeyError:
            return f"there is no {USER!r} user to run PostgreSQL as root"
    return None


class PrivatePostgres:
    """initdb + pg_ctl on a free port in a temporary folder."""

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        assert bin_dir, "PostgreSQL server binaries are not installed"
        self.bin = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="bieb-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.frozen: list[int] = []
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam(USER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")  # fmt: skip

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template`, if given); its URL."""
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
            autocommit=True, connect_timeout=5,
        ) as conn:  # fmt: skip
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.database_url(name)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*_as_server_user(), str(self.bin / tool), *args],
            check=True, cwd=self.folder, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, timeout=120,
        )  # fmt: skip

    def start(self) -> PrivatePostgres:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1"
            f" -c unix_socket_directories={self.folder} -c fsync=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        wait_for(self.answers, 30, "the private PostgreSQL to answer")
        return self

    def stop(self) -> None:
        """A fast shutdown: connections are cut, as when the server goes away."""
        self.thaw()
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def answers(self) -> bool:
        try:
            with psycopg.connect(
                host="127.0.0.1", port=self.port, user="postgres",
                dbname="postgres", connect_timeout=2,
            ) as conn:  # fmt: skip
                conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def children(self, postmaster: int) -> list[int]:
        """The postmaster's child processes (backends, checkpointer, ...)."""
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == postmaster:
                children.append(int(Path(stat).parts[2]))
        return children

    def freeze(self) -> None:
        """SIGSTOP the postmaster (so it forks no more), then its children."""
        postmaster = self.postmaster()
        os.kill(postmaster, signal.SIGSTOP)
        self.frozen.append(postmaster)
        for pid in self.children(postmaster):
            os.kill(pid, signal.SIGSTOP)
            self.frozen.append(pid)

    def thaw(self) -> None:
        while self.frozen:
            pid = self.frozen.pop()  # children first, the postmaster last
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
