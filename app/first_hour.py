"""What `bieb up` does for a new register's first hour: the first admin, and
the short block that ends its start-up output (address, how to sign in, where
the first admin's password is).

The password is not printed: start-up output lands in logs and terminals'
scroll-back. It is written once to `instance/first-admin.txt`, readable by its
owner only, and the block names that file.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app import accounts

FIRST_ADMIN = "admin"
PASSWORD_FILE = "first-admin.txt"
# How long the block waits for the API to answer before it is printed anyway.
READY_WITHIN = 90.0


@dataclass(frozen=True)
class FirstAdmin:
    """The first admin's API token (shown once) and its password's file."""

    token: str
    password_file: Path


def make_first_admin(engine: Engine, instance_dir: Path) -> FirstAdmin | None:
    """On a register without accounts, the admin 'admin' with a token and a
    one-time password in instance/first-admin.txt (mode 0600); else None."""
    if accounts.list_accounts(engine):
        return None
    _account, token = accounts.create_account(
        engine, FIRST_ADMIN, "admin", actor=accounts.CLI
    )
    password = secrets.token_urlsafe(12)  # 16 characters, 96 bits
    accounts.set_password(engine, FIRST_ADMIN, password, actor=accounts.CLI)
    path = instance_dir / PASSWORD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a file left by an earlier register: not reused
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(f"{password}\n")
    return FirstAdmin(token, path)


def base_url(bind: str) -> str:
    """The address to open in a browser for a bind address (0.0.0.0: localhost)."""
    host, _sep, port = bind.rpartition(":")
    if host in ("", "0.0.0.0", "[::]", "::"):
        host = "localhost"
    return f"http://{host}:{port}"


def wait_until_answering(url: str, api: subprocess.Popen, within: float) -> bool:
    """Wait until GET {url}/livez answers (or the API died, or time is up)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and api.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/livez", timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def command() -> str:
    """How this `bieb` was called (`.venv/bin/bieb` is not on every PATH)."""
    called = sys.argv[0] if sys.argv else ""
    if Path(called).name != "bieb" or shutil.which("bieb") == called:
        return "bieb"
    return min(called, os.path.relpath(called), key=len)


def welcome(url: str, instance_dir: Path, ready: bool = True) -> str:
    """The block that ends `bieb up`'s start-up output."""
    password_file = instance_dir / PASSWORD_FILE
    rule = "-" * 72
    state = "ready" if ready else "still starting"
    lines = [rule, f"  Library register {state} at {url}/"]
    if password_file.exists():
        lines += [
            f"  Sign in at {url}/inloggen as '{FIRST_ADMIN}', with the one-time",
            f"  password in {password_file}",
            f"  then set your own: {command()} users password {FIRST_ADMIN},",
            "  and delete the file.",
        ]
    else:
        lines.append(f"  Sign in at {url}/inloggen")
    lines += ["  Ctrl-C stops everything.", rule]
    return "\n".join(lines)


def welcome_when_ready(bind: str, api: subprocess.Popen, instance_dir: Path) -> None:
    """Print the block once the API answers (or time is up); not if it died."""
    url = base_url(bind)
    ready = wait_until_answering(url, api, READY_WITHIN)
    if api.poll() is None:  # a dead API is reported by `bieb up` itself
        print(welcome(url, instance_dir, ready), flush=True)
