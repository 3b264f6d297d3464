"""A report from start to inbox: compile, render, store, and send it once.

`produce` stores a report with the position it was compiled at and the numbers
it showed. A scheduled report has a schedule key, unique in the table, so a
scheduled run that is repeated (a retried task, a scheduler that restarted)
finds the report already made instead of making a second one. `send` hands the
stored PDF to the delivery bookkeeping, which sends once per recipient.

A municipality gets one report per period: once one was sent, another report
of the same period (a recompile, a manual compile beside the scheduled one) is
sent only when asked to replace it, and its mail says so.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from app.config import Config
from events.catalogue import Agreement, available_agreements, load_agreement
from events.i18n import t
from events.periods import parse_period
from events.store import SqlEventStore
from events.store.reports import report_deliveries, reports
from workers.reports.compile import compile_content
from workers.reports.content import ReportContent
from workers.reports.delivery import DeliveryResult, deliver
from workers.reports.mail import ReportMail
from workers.reports.render import render_html, render_pdf


@dataclass(frozen=True)
class Stored:
    """A compiled report as kept in the database."""

    id: str
    municipality: str
    period: str
    position: int
    compiled_at: datetime
    requested_by: str
    numbers: dict[str, Any]
    pdf: bytes


def agreement_for_period(municipality: str, period: str) -> Agreement:
    """The municipality's agreement that covers the period."""
    asked = parse_period(period)
    for name in available_agreements():
        agreement = load_agreement(name)
        if agreement.municipality.code == municipality and agreement.covers(
            asked.start, asked.end
        ):
            return agreement
    raise LookupError(f"no agreement of {municipality!r} covers {period}")


def schedule_key(municipality: str, period: str) -> str:
    return f"scheduled:{municipality}:{period}"


def produce(
    store: SqlEventStore,
    config: Config,
    agreement: Agreement,
    period: str,
    *,
    requested_by: str,
    scheduled: bool = False,
    position: int | None = None,
) -> str:
    """Compile, render and store a report; its id (a scheduled one is made once)."""
    key = schedule_key(agreement.municipality.code, period) if scheduled else None
    if key is not None and (found := _scheduled(store.engine, key)) is not None:
        return found
    content = compile_content(store, agreement, period, config.zone, position=position)
    compiled_at = datetime.now(UTC)
    report_id = str(uuid.uuid4())
    html = render_html(content, config.zone, compiled_at=compiled_at,
                       report_id=report_id)  # fmt: skip
    row = {
        "id": report_id,
        "municipality": content.municipality,
        "period": content.period,
        "position": content.position,
        "compiled_at": compiled_at,
        "requested_by": requested_by,
        "schedule_key": key,
        "numbers": json.dumps(content.numbers(), sort_keys=True),
        "html": html,
        "pdf": render_pdf(html),
    }
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(reports), row)
    except IntegrityError:
        # Another worker stored the same scheduled report meanwhile: use that one.
        found = _scheduled(store.engine, key) if key else None
        if found is None:
            raise
        return found
    return row["id"]


def recompile(
    store: SqlEventStore, config: Config, agreement: Agreement, report_id: str
) -> ReportContent:
    """The report compiled again at its stored position (not stored)."""
    stored = load(store.engine, report_id)
    return compile_content(
        store, agreement, stored.period, config.zone, position=stored.position
    )


def load(engine: Engine, report_id: str) -> Stored:
    """A stored report; KeyError if there is none with this id."""
    t = reports
    query = select(
        t.c.id, t.c.municipality, t.c.period, t.c.position, t.c.compiled_at,
        t.c.requested_by, t.c.numbers, t.c.pdf,
    ).where(t.c.id == report_id)  # fmt: skip
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise KeyError(report_id)
    return Stored(**{**row._asdict(), "numbers": json.loads(row.numbers)})


class AlreadyReported(Exception):
    """Another report of the same municipality and period was sent before."""

    def __init__(self, report_id: str, earlier: Stored) -> None:
        super().__init__(
            f"report {earlier.id} of {earlier.municipality} {earlier.period} "
            f"was sent before; send {report_id} only to replace it"
        )
        self.earlier = earlier


def send(
    store: SqlEventStore,
    config: Config,
    report_id: str,
    *,
    again: bool = False,
    round: int | None = None,
    replaces: bool = False,
) -> DeliveryResult:
    """Email the report's PDF to its municipality's recipients, once each.

    Refused (AlreadyReported) when another report of the period was sent,
    unless `replaces`: then the mail says it replaces that one.
    """
    stored = load(store.engine, report_id)
    earlier = sent_before(store.engine, stored)
    if earlier is not None and not replaces:
        raise AlreadyReported(stored.id, earlier)
    mail = ReportMail(
        report_id=stored.id,
        municipality_name=stored.numbers["municipality_name"],
        period_title=stored.numbers["period_title"],
        summary=summary(stored.numbers),
        organisation=stored.numbers["organisation"],
        contact=config.report_contact,
        replaces=_day(earlier.compiled_at, config) if earlier else "",
        pdf=stored.pdf,
        filename=f"rapportage-{stored.municipality}-{stored.period}.pdf",
    )
    recipients = config.recipients(stored.municipality)
    return deliver(store.engine, config, mail, recipients, again=again, round=round)


def sent_before(engine: Engine, report: Stored) -> Stored | None:
    """The last other report of the same municipality and period that was sent."""
    r, d = reports, report_deliveries
    query = (
        select(r.c.id)
        .join(d, d.c.report_id == r.c.id)
        .where(
            r.c.municipality == report.municipality,
            r.c.period == report.period,
            r.c.id != report.id,
            d.c.status.in_(("sent", "sending")),
        )
        .order_by(r.c.compiled_at.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        found = conn.execute(query).scalar_one_or_none()
    return None if found is None else load(engine, found)


def summary(numbers: dict[str, Any]) -> str:
    """A few lines in Dutch for the email's body; the PDF has the rest."""
    goals = [g for a in numbers["ambitions"] for g in a["goals"]]
    lacking = [g["code"] for g in goals if not _has_data(g)]
    missing = sum(len(g["missing"]) for g in goals)
    lines = [
        t("reports.mail.summary").format(
            period=numbers["period_title"], goals=len(goals),
            ambitions=len(numbers["ambitions"]), counted=len(goals) - len(lacking),
        ),
    ]  # fmt: skip
    if lacking:
        lines.append(t("reports.mail.lacking").format(goals=", ".join(lacking)))
    if missing:
        lines.append(t("reports.mail.missing").format(count=missing))
    return "\n\n".join(lines)


def _has_data(goal: dict[str, Any]) -> bool:
    """Whether any of the goal's figures (or effort notes) says something."""
    status = goal.get("status") or {}
    if status.get("code"):  # events.figures.status
        return status["code"] != "no_data"
    return bool(goal.get("efforts")) or any(
        line["value"] is not None for line in goal["indicators"]
    )


def _day(when: datetime, config: Config) -> str:
    """'3 juli 2025': a day as the mail's reader writes it."""
    return format_date(when.astimezone(config.zone), "d MMMM y", locale="nl")


def _scheduled(engine: Engine, key: str) -> str | None:
    query = select(reports.c.id).where(reports.c.schedule_key == key)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()
