"""`bieb report compile|show|send`: reports by hand, beside the scheduled ones."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from workers.projections import projections
from workers.projections.base import catch_up
from workers.reports.delivery import DeliveryIncomplete


@click.group("report")
def report_cli() -> None:
    """Half-year and annual reports: compile, show and send them."""


def _produce():
    """The report functions, imported when a report command runs.

    Every `bieb` command loads this group; WeasyPrint and matplotlib should
    only be loaded by the commands that render.
    """
    from workers.reports import produce

    return produce


@report_cli.command("compile")
@click.argument("municipality")
@click.argument("period")
@click.option("--position", type=int, help="Compile at this log position.")
@with_appcontext
def compile_cmd(municipality: str, period: str, position: int | None) -> None:
    """Compile and store the report of MUNICIPALITY for PERIOD (2025-H1, 2025)."""
    store, config = (
        current_app.extensions["store"],
        current_app.extensions["bieb_config"],
    )
    if position is None:
        for projection in projections(store, config.zone):
            catch_up(projection, store)
    reports = _produce()
    try:
        agreement = reports.agreement_for_period(municipality, period)
    except (LookupError, ValueError) as problem:
        raise click.ClickException(str(problem)) from None
    report_id = reports.produce(
        store, config, agreement, period, requested_by="cli", position=position
    )
    stored = reports.load(store.engine, report_id)
    click.echo(f"{report_id}\t{stored.period}\tposition {stored.position}")


@report_cli.command("show")
@click.argument("report_id")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the PDF here.")  # fmt: skip
@click.option("--numbers", is_flag=True, help="Print every number, as JSON.")
@with_appcontext
def show(report_id: str, pdf_path: Path | None, numbers: bool) -> None:
    """What a stored report says: its goals and figures."""
    try:
        stored = _produce().load(current_app.extensions["store"].engine, report_id)
    except KeyError:
        raise click.ClickException(f"no report {report_id!r}") from None
    if pdf_path is not None:
        pdf_path.write_bytes(stored.pdf)
    if numbers:
        click.echo(json.dumps(stored.numbers, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{stored.numbers['agreement_title']} - {stored.numbers['period_title']}"
    )
    click.echo(
        f"position {stored.position}, compiled {stored.compiled_at:%Y-%m-%d %H:%M}"
    )
    for ambition in stored.numbers["ambitions"]:
        for goal in ambition["goals"]:
            for line in goal["indicators"]:
                click.echo(f"{goal['code']}\t{line['code']}\t{line['value']}")


@report_cli.command("send")
@click.argument("report_id")
@click.option("--again", is_flag=True, help="Send once more, on purpose.")
@click.option(
    "--replaces", is_flag=True,
    help="Send it in place of the period's report sent before; the mail says so.",
)  # fmt: skip
@with_appcontext
def send_cmd(report_id: str, again: bool, replaces: bool) -> None:
    """Email the report to its recipients; each gets it once unless --again.

    A municipality gets one report per period: another report of a period
    already reported is sent only with --replaces.
    """
    store, config = (
        current_app.extensions["store"],
        current_app.extensions["bieb_config"],
    )
    produce = _produce()
    try:
        result = produce.send(store, config, report_id, again=again,
                              replaces=replaces)  # fmt: skip
    except KeyError:
        raise click.ClickException(f"no report {report_id!r}") from None
    except produce.AlreadyReported as refused:
        earlier = refused.earlier
        raise click.ClickException(
            f"{earlier.municipality} was sent report {earlier.id} for "
            f"{earlier.period} (compiled {earlier.compiled_at:%Y-%m-%d}); nothing "
            "sent. To send this one in its place, add --replaces."
        ) from None
    except DeliveryIncomplete as problem:
        result = problem.result
        failed = "; ".join(f"{r}: {e}" for r, e in result.failed.items())
        message = f"not every recipient was sent it: {failed}"
        raise click.ClickException(message) from None
    click.echo(
        f"round {result.round}: sent {len(result.sent)}, "
        f"already sent {len(result.already_sent)}, failed {len(result.failed)}"
    )
