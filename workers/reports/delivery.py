"""Sending a compiled report to each recipient once (DESIGN invariant 8).

Each (report, recipient, round) has one row in `report_deliveries`; round 0 is
the first send, a deliberate resend takes the next round. Before sending, a
worker claims the row in its own short transaction: an INSERT that loses to the
unique constraint, then an UPDATE that only succeeds while the row is not
'sent' and either 'failed' or unclaimed for longer than `LEASE`. Only the
claimer sends; it marks the row 'sent' as soon as the server has accepted the
message. `attempts` is bumped by every claim and fences the marks, so a worker
that lost its claim cannot overwrite the outcome of the one that took it over.

The one window no bookkeeping closes: the server accepted the message, then the
worker died (or lost the database) before marking the row 'sent'. The row stays
'sending'; once its lease has run out, the next delivery sends it again. That
second copy carries the same Message-ID (`mail.message_id`), so the receiving
system can recognise it. The lease is 10 minutes: far longer than one send may
take (every SMTP step times out after `SMTP_TIMEOUT`), short enough for a
redelivered task to finish the job the same morning. Leases compare the
workers' own clocks, so those must be kept in time (NTP).

For a Celery task: retry on `DeliveryIncomplete` (and `OSError`). A resend must
not open a new round on every retry, so open it once (`next_round`) when the
resend is asked for and pass `round=` to the task; `again=True` is for a caller
that runs once, such as a command line.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import NamedTuple

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.config import Config
from events.store.engine import writing
from events.store.reports import report_deliveries as rows
from workers.reports.mail import ReportMail, compose, normalise_address

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
SMTP_TIMEOUT = 10.0  # seconds, for each connect, command and reply
SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class DeliveryResult:
    """What one call did, recipient by recipient."""

    report_id: str
    round: int
    sent: tuple[str, ...] = ()  # sent by this call
    already_sent: tuple[str, ...] = ()  # sent before; left alone
    busy: tuple[str, ...] = ()  # another worker holds a live claim
    failed: Mapping[str, str] = field(default_factory=dict)  # recipient -> error

    @property
    def complete(self) -> bool:
        return not self.busy and not self.failed


class DeliveryIncomplete(Exception):
    """Some recipients are not sent yet: retry later (sent ones stay sent)."""

    def __init__(self, result: DeliveryResult) -> None:
        super().__init__(
            f"report {result.report_id} round {result.round}: "
            f"{len(result.failed)} failed, {len(result.busy)} still being sent "
            f"elsewhere, {len(result.sent) + len(result.already_sent)} sent"
        )
        self.result = result

    def __reduce__(self):  # Celery pickles exceptions: rebuild from the result
        return (type(self), (self.result,))


class Slot(NamedTuple):
    """One row's key: a report, a recipient, a round."""

    report_id: str
    recipient: str
    round: int

    def matches(self):
        return and_(
            rows.c.report_id == self.report_id,
            rows.c.recipient == self.recipient,
            rows.c.round == self.round,
        )


def utc_now() -> datetime:
    return datetime.now(UTC)


def deliver(
    engine: Engine,
    config: Config,
    report: ReportMail,
    recipients: Iterable[str],
    *,
    again: bool = False,
    round: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> DeliveryResult:
    """Send `report` to every recipient not yet sent it in this round.

    Round 0 unless `again` (open the next round: a deliberate resend) or `round`
    (finish that round: what a retried resend must pass). Raises
    `DeliveryIncomplete` when a recipient failed or is still being sent.
    """
    if config.smtp_security not in SECURITY:
        raise ValueError(f"BIEB_SMTP_SECURITY must be one of {SECURITY}")
    if round is None:
        round = next_round(engine, report.report_id) if again else 0
    outcomes: dict[str, list[str]] = {"sent": [], "already_sent": [], "busy": []}
    failed: dict[str, str] = {}
    addresses = unique(recipients)
    if not addresses:
        log.warning("report has no recipients", extra={"report_id": report.report_id})
    for address in addresses:
        slot = Slot(report.report_id, address, round)
        outcome, error = deliver_one(engine, config, report, slot, ssl_context, clock)
        if error is None:
            outcomes[outcome].append(address)
        else:
            failed[address] = error
    done = {k: tuple(v) for k, v in outcomes.items()}
    result = DeliveryResult(report.report_id, round, **done, failed=failed)
    counts = {k: len(v) for k, v in done.items()} | {"failed": len(failed)}
    extra = {"report_id": report.report_id, "round": round, **counts}
    log.info("report delivery", extra=extra)
    if not result.complete:
        raise DeliveryIncomplete(result)
    return result


def deliver_one(
    engine: Engine,
    config: Config,
    report: ReportMail,
    slot: Slot,
    ssl_context: ssl.SSLContext | None,
    clock: Callable[[], datetime],
) -> tuple[str, str | None]:
    """Claim, send, mark: ("sent" | "already_sent" | "busy" | "failed", error)."""
    message = compose(report, slot.recipient, config, round=slot.round, now=clock())
    token, status = claim(engine, slot, message["Message-ID"], clock())
    if token is None:
        return ("already_sent" if status == "sent" else "busy"), None
    try:
        send(config, message, ssl_context)
    except (smtplib.SMTPException, OSError) as error:
        mark(engine, slot, token, failed=describe(error))
        return "failed", describe(error)
    mark(engine, slot, token, sent_at=clock())
    return "sent", None


def unique(recipients: Iterable[str]) -> list[str]:
    """Normalised addresses, blanks dropped, first occurrence kept."""
    return list(dict.fromkeys(a for a in map(normalise_address, recipients) if a))


def next_round(engine: Engine, report_id: str) -> int:
    """The round a deliberate resend takes: one past the highest so far."""
    query = select(func.coalesce(func.max(rows.c.round), -1) + 1).where(
        rows.c.report_id == report_id
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def claim(
    engine: Engine, slot: Slot, message_id: str, now: datetime
) -> tuple[int | None, str | None]:
    """Take the row for sending: (fencing token, None), or (None, its status)."""
    claimable = and_(
        rows.c.status != "sent",
        or_(
            rows.c.status == "failed",
            rows.c.claimed_at.is_(None),
            rows.c.claimed_at < now - LEASE,
        ),
    )
    new = {**slot._asdict(), "message_id": message_id, "status": "sending"}
    new |= {"attempts": 1, "claimed_at": now}
    with writing(engine) as conn, conn.begin():
        inserted = insert_new(engine).values(new).returning(rows.c.attempts)
        if conn.execute(inserted).scalar_one_or_none() is not None:
            return 1, None
        taken = conn.execute(
            update(rows)
            .where(slot.matches(), claimable)
            .values(status="sending", attempts=rows.c.attempts + 1, claimed_at=now)
            .returning(rows.c.attempts)
        ).scalar_one_or_none()
        if taken is not None:
            return taken, None
        status = select(rows.c.status).where(slot.matches())
        return None, conn.execute(status).scalar_one()


def insert_new(engine: Engine):
    """An INSERT that yields to an existing row, on either backend."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(rows).on_conflict_do_nothing()


def mark(
    engine: Engine,
    slot: Slot,
    token: int,
    *,
    sent_at: datetime | None = None,
    failed: str | None = None,
) -> None:
    """Record the outcome of the send made under claim `token`."""
    query = update(rows).where(slot.matches(), rows.c.attempts == token)
    if failed is None:
        query = query.values(status="sent", sent_at=sent_at, error=None)
    else:  # never turn a row another worker has since sent back into 'failed'
        query = query.where(rows.c.status == "sending")
        query = query.values(status="failed", error=failed)
    with writing(engine) as conn, conn.begin():
        conn.execute(query)


def send(
    config: Config, message: EmailMessage, ssl_context: ssl.SSLContext | None = None
) -> None:
    """Hand one message to the configured server; returns once it is accepted."""
    context = ssl_context or ssl.create_default_context()
    host, port = config.smtp_host, config.smtp_port
    if config.smtp_security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    try:
        if config.smtp_security == "starttls":
            smtp.starttls(context=context)
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(message)
    finally:
        close(smtp)


def close(smtp: smtplib.SMTP) -> None:
    """Say goodbye if the server still listens; a failed QUIT changes nothing."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def describe(error: Exception) -> str:
    """A short, readable error for the delivery row."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
        return f"{code} {text.decode(errors='replace')}"[:200]
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{error.smtp_code} {text}"[:200]
    return f"{type(error).__name__}: {error}"[:200]
