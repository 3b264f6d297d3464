"""The `bieb` command: every operational command, as a Flask CLI group.

Processes of the worker floor (Celery worker, scheduler) are started by module
name, so the web floor never imports them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import inspect

import migrations
from app import accounts, create_app, first_hour
from app.config import Config
from migrations import grants

WORKER = [sys.executable, "-m", "celery", "-A", "workers.main", "worker"]
SCHEDULER = [sys.executable, "-m", "workers.scheduler"]


def _config() -> Config:
    return current_app.extensions["bieb_config"]


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def main() -> None:
    """Operate the library performance register."""


@main.group()
def db() -> None:
    """The event store's database."""


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the schema as the owner, then grant the runtime role its share.

    The owner is BIEB_OWNER_DATABASE_URL (else BIEB_DATABASE_URL: one role);
    the runtime role is BIEB_DATABASE_URL's (README "Database roles").
    """
    _migrate(_config(), revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the database schema down to REVISION (as the owner)."""
    config = _config()
    migrations.downgrade(config.migrating_url, revision)
    _grant(config)
    click.echo(f"database at {revision}")


def _migrate(config: Config, revision: str = "head") -> None:
    migrations.upgrade(config.migrating_url, revision)
    _grant(config)


def _grant(config: Config) -> None:
    """Re-state the runtime role's privileges: after every migration, any table."""
    try:
        granted = grants.grant_runtime(config.migrating_url, config.database_url)
    except grants.GrantsError as error:
        raise click.ClickException(str(error)) from None
    if granted is None:
        return
    click.echo(
        f"runtime role {granted.runtime!r}: rows of {len(granted.granted)} tables, "
        f"owns {', '.join(granted.owned)}"
    )
    if granted.no_access:
        click.echo(f"  no access to: {', '.join(granted.no_access)}")


def _engine():
    """The register's database; a clear refusal where there is none yet."""
    engine = current_app.extensions["store"].engine
    if not inspect(engine).has_table("events"):
        raise click.ClickException(
            f"no register in {engine.url.render_as_string(hide_password=True)}: "
            "start it with `make run` (or `bieb up`, or `bieb db upgrade`) first, "
            "or point BIEB_INSTANCE_DIR or BIEB_DATABASE_URL at the one you mean"
        )
    return engine


@main.group()
def users() -> None:
    """Accounts: staff, tablets, viewers (the municipality) and admins."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--municipality", help="Limit the account to one municipality.")
@click.option("--branch", help="The branch a tablet is bound to.")
@with_appcontext
def users_add(name: str, role: str, municipality: str | None, branch: str | None):
    """Add an account and print its token (shown this once)."""
    try:
        account, token = accounts.create_account(
            _engine(), name, role, municipality, branch, accounts.CLI
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{account.role} account {name!r} added; its token (keep it safe):")
    click.echo(token)


@users.command("list")
@with_appcontext
def users_list() -> None:
    """List the accounts (never their tokens)."""
    for row in accounts.list_accounts(_engine()):
        state = "revoked" if row["revoked_at"] else "active"
        scope = row["branch"] or row["municipality"] or "all"
        click.echo(f"{row['name']}\t{row['role']}\t{scope}\t{state}")


@users.command("revoke")
@click.argument("name")
@with_appcontext
def users_revoke(name: str) -> None:
    """Stop an account's token and its page sessions working."""
    if not accounts.revoke_account(_engine(), name, accounts.CLI):
        raise click.ClickException(f"no active account named {name!r}")
    click.echo(f"{name!r} revoked")


@users.command("token")
@click.argument("name")
@with_appcontext
def users_token(name: str) -> None:
    """Give an account a new token (the old one stops working) and print it."""
    try:
        click.echo(accounts.rotate_token(_engine(), name, accounts.CLI))
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None


@users.command("pair")
@click.argument("name")
@with_appcontext
def users_pair(name: str) -> None:
    """Print a one-time code that pairs a browser as NAME at /koppelen (24 hours)."""
    try:
        code = accounts.create_pairing_code(_engine(), name, actor=accounts.CLI)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    hours = int(accounts.PAIRING_VALID.total_seconds() // 3600)
    click.echo(f"pairing code for {name!r} (works once, for {hours} hours):")
    click.echo(code)


@users.command("password")
@click.argument("name")
@click.password_option(
    "--password",
    prompt="New password",
    confirmation_prompt="Repeat it",
    help="Omit to be asked (twice, not echoed).",
)
@with_appcontext
def users_password(name: str, password: str) -> None:
    """Set the password NAME signs in with at /inloggen (people, not tablets)."""
    try:
        accounts.set_password(_engine(), name, password, accounts.CLI)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"password of {name!r} set; sign in at /inloggen")


@main.command()
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Run a Celery worker (extra arguments go to `celery worker`)."""
    os.execv(sys.executable, [*WORKER, *celery_args])


@main.command()
def scheduler() -> None:
    """Run the scheduler: report runs and the projections' catch-up tick."""
    os.execv(sys.executable, SCHEDULER)


@main.command()
@with_appcontext
def up() -> None:
    """Run everything on one machine: API, worker and scheduler, until Ctrl-C."""
    config = _config()
    _migrate(config)
    first_admin = first_hour.make_first_admin(_engine(), config.instance_dir)
    children = {
        "api": [
            sys.executable, "-m", "gunicorn", "-c", "python:app.serving",
            "--bind", config.bind, "--workers", "2", "app:create_app()",
        ],
        "worker": [
            *WORKER, "--pool", "threads", "--concurrency", "2",
            "--loglevel", config.log_level,
        ],
        "scheduler": SCHEDULER,
    }  # fmt: skip
    procs = {name: subprocess.Popen(cmd) for name, cmd in children.items()}
    click.echo(f"Library register running at http://{config.bind}/ (Ctrl-C stops)")
    click.echo(f"  database: {config.database_url}\n  broker:   {config.broker_url}")
    loaded = current_app.extensions["agreements"].values()
    for agreement in {a.name: a for found in loaded for a in found}.values():
        click.echo(f"  agreement: {agreement.title} ({agreement.name})")
    if first_admin:
        click.echo(
            f"  first admin account 'admin', token (shown once): {first_admin.token}"
        )
    sys.stdout.flush()  # before the children's output, also when piped to a file
    # The way in comes last, once the API answers, not buried above its output;
    # waited for beside _supervise, which answers Ctrl-C meanwhile.
    threading.Thread(
        target=first_hour.welcome_when_ready,
        args=(config.bind, procs["api"], config.instance_dir),
        daemon=True,
    ).start()
    sys.exit(_supervise(procs))


def _supervise(procs: dict[str, subprocess.Popen]) -> int:
    """Wait until a signal or a child's death, then stop every child."""
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    died = None
    while not stopping and died is None:
        died = next((n for n, p in procs.items() if p.poll() is not None), None)
        time.sleep(0.2)
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    if died is not None:
        click.echo(f"{died} stopped unexpectedly; everything stopped", err=True)
        return 1
    return 0
