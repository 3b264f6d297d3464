"""The e-mail that carries a compiled report: Dutch text, the PDF attached.

Each message has a Message-ID made from the report, the recipient and the
delivery round, so a message sent twice (the one window `delivery` cannot close)
carries the same ID both times and a receiving system can drop the copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from app.config import Config
from events.i18n import t

MESSAGE_ID_DOMAIN = "bieb-register"


@dataclass(frozen=True)
class ReportMail:
    """What the mail needs of a compiled report."""

    report_id: str
    municipality_name: str  # "Heemstede"
    period_title: str  # reads after "het": "eerste halfjaar 2025", "jaar 2025"
    summary: str  # a few Dutch sentences from the compile step
    organisation: str = ""  # who signs: "Bibliotheek Zuid-Kennemerland"
    contact: str = ""  # whom to ask: "Team Rapportage <rapportage@bieb.nl>"
    replaces: str = ""  # the day of the report this one replaces: "3 juli 2025"
    pdf: bytes = b""
    filename: str = "rapportage.pdf"  # "rapportage-heemstede-2025-H1.pdf"


def normalise_address(address: str) -> str:
    """One spelling per mailbox, so the send-once rows and the ID agree."""
    return address.strip().lower()


def message_id(report_id: str, recipient: str, round: int) -> str:
    """The same ID for the same report, recipient and round, on every attempt."""
    digest = hashlib.sha1(normalise_address(recipient).encode()).hexdigest()[:12]
    return f"<report-{report_id}-{round}-{digest}@{MESSAGE_ID_DOMAIN}>"


def subject(report: ReportMail) -> str:
    return t("reports.mail.subject").format(
        municipality=report.municipality_name, period=report.period_title
    )


def body(report: ReportMail) -> str:
    """The plain-text body: greeting, what this is, the summary, the attachment."""
    intro = t("reports.mail.intro").format(
        municipality=report.municipality_name, period=report.period_title
    )
    attached = t("reports.mail.attached").format(filename=report.filename)
    replaces = report.replaces and t("reports.mail.replaces").format(
        day=report.replaces
    )
    contact = report.contact and t("reports.mail.contact").format(
        contact=report.contact
    )
    parts = [
        t("reports.mail.greeting"),
        intro,
        replaces,
        report.summary.strip(),
        attached,
        contact,
        f"{t('reports.mail.closing')}\n{report.organisation}".rstrip(),
        f"-- \n{t('reports.mail.automatic')}",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def compose(
    report: ReportMail,
    recipient: str,
    config: Config,
    *,
    round: int = 0,
    now: datetime | None = None,
) -> EmailMessage:
    """One recipient's message for one delivery round."""
    message = EmailMessage()
    message["Subject"] = subject(report)
    message["From"] = config.mail_from
    message["To"] = recipient
    message["Date"] = format_datetime(
        (now or datetime.now(UTC)).astimezone(config.zone)
    )
    message["Message-ID"] = message_id(report.report_id, recipient, round)
    if report.contact:  # a reply reaches a person, not the sending robot
        message["Reply-To"] = report.contact
    # RFC 3834: no out-of-office replies to a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body(report))
    # After set_content, which clears Content-*; it ends up on the text part.
    message["Content-Language"] = "nl"
    message.add_attachment(
        report.pdf, maintype="application", subtype="pdf", filename=report.filename
    )
    return message
