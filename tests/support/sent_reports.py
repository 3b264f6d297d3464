"""What became of a scheduled report: the messages the SMTP server got, the
report rows and delivery rows kept, and whether the worker has settled."""

from __future__ import annotations

import re
from collections import Counter

from redis import Redis
from sqlalchemy import Engine, select

from events.store.reports import report_deliveries, reports
from tests.support.reliability import Outcome
from tests.support.smtp import MailServer
from workers.reports.render import period_name
from workers.scheduler import SCHEDULED_REPORT


def delivered(mail: MailServer, period: str) -> Counter:
    """Messages of the period's report received, per recipient."""
    name = period_name(period)
    found: Counter = Counter()
    for received in mail.received:
        if name in received.message["Subject"]:
            found.update(received.rcpt_tos)
    return found


def deliveries(engine: Engine, period: str) -> dict[str, str]:
    """The delivery rows of the period's scheduled report: recipient -> status."""
    query = (
        select(report_deliveries.c.recipient, report_deliveries.c.status)
        .join(reports, reports.c.id == report_deliveries.c.report_id)
        .where(reports.c.period == period, reports.c.schedule_key.is_not(None))
    )
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def scheduled_reports(engine: Engine, period: str) -> int:
    query = select(reports.c.id).where(
        reports.c.period == period, reports.c.schedule_key.is_not(None)
    )
    with engine.connect() as conn:
        return len(conn.execute(query).all())


def settled(worker_log: str, broker_url: str) -> bool:
    """No task waits in the broker, and each report task taken has ended well."""
    # By task id: a retried task is received again under the same id.
    name = re.escape(SCHEDULED_REPORT)
    taken = set(re.findall(rf"{name}\[([^]]+)\] received", worker_log))
    done = set(re.findall(rf"{name}\[([^]]+)\] succeeded", worker_log))
    return taken == done and Redis.from_url(broker_url).llen("celery") == 0


def mail_outcome(
    fault: str, mail: MailServer, period: str, recipients: tuple[str, ...]
) -> Outcome:
    """The deliveries owed (one per recipient) against the messages received."""
    got = delivered(mail, period)
    return Outcome(
        fault=fault,
        acknowledged=len(recipients),
        stored=sum(got[r] for r in recipients),
        duplicates=sum(max(got[r] - 1, 0) for r in recipients),
        lost=sum(1 for r in recipients if got[r] == 0),
        stored_unacknowledged=sum(n for r, n in got.items() if r not in recipients),
    )
