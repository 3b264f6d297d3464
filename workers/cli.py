"""`bieb projections ...`: a Flask CLI plugin, so that app/ need not import workers."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from events.store.read_models import projection_checkpoints
from workers.projections import projections
from workers.projections.base import catch_up
from workers.projections.rebuild import rebuild


def _projections():
    store = current_app.extensions["store"]
    return store, projections(store, current_app.extensions["bieb_config"].zone)


@click.group("projections")
def projections_cli() -> None:
    """The read models: their position in the log, catch-up and rebuild."""


@projections_cli.command("status")
@with_appcontext
def status() -> None:
    """Each read model's position and how far it lags behind the log."""
    store, found = _projections()
    head = store.head()
    with store.engine.connect() as conn:
        table = projection_checkpoints
        rows = dict(conn.execute(select(table.c.name, table.c.position)).all())
    click.echo(f"log head: {head}")
    for projection in found:
        position = rows.get(projection.name, 0)
        click.echo(f"{projection.name}\tposition {position}\tlag {head - position}")


@projections_cli.command("run")
@with_appcontext
def run() -> None:
    """Catch every read model up with the log, here and now."""
    store, found = _projections()
    for projection in found:
        click.echo(f"{projection.name}: {catch_up(projection, store)} events applied")


@projections_cli.command("rebuild")
@click.argument("name", required=False)
@with_appcontext
def rebuild_cmd(name: str | None) -> None:
    """Replay the log from 0 into shadow tables and swap them in (all, or NAME)."""
    store, found = _projections()
    chosen = [p for p in found if name in (None, p.name)]
    if not chosen:
        raise click.ClickException(f"no projection named {name!r}")
    for projection in chosen:
        click.echo(
            f"{projection.name}: rebuilt from {rebuild(projection, store)} events"
        )
