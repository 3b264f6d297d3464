"""The mail server down while a scheduled report is sent: the worker retries,
and once the server is back each recipient gets the report once (DESIGN
invariant 8)."""

from __future__ import annotations

import time

import pytest

from app.background import celery_app_for
from app.config import Config
from tests.support.fault_stack import RECIPIENTS
from tests.support.processes import wait_for
from tests.support.sent_reports import (
    delivered,
    deliveries,
    mail_outcome,
    scheduled_reports,
    settled,
)
from workers.scheduler import SCHEDULED_REPORT

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

FAULT = "mail-server-down"
PERIOD = "2025-H1"


def test_a_report_sent_while_the_mail_server_is_down_arrives_once(stack):
    stack.mail.stop()
    # What the scheduler's job sends on the half-year's due date.
    producer = celery_app_for(Config.from_env(stack.env))
    producer.send_task(SCHEDULED_REPORT, args=["heemstede", PERIOD])
    failed = dict.fromkeys(RECIPIENTS, "failed")
    wait_for(lambda: deliveries(stack.engine, PERIOD) == failed, 240,
             "the first delivery to fail")  # fmt: skip

    back = time.monotonic()
    stack.mail.start()
    # The task's retry comes 0-30 s later (full jitter on a 30 s backoff).
    wait_for(lambda: all(delivered(stack.mail, PERIOD)[r] for r in RECIPIENTS), 120,
             "the retried delivery")  # fmt: skip
    recovered = time.monotonic() - back
    wait_for(lambda: settled(stack.worker.log.read_text(), stack.redis.url), 60,
             "the worker to finish what it was given")  # fmt: skip
    outcome = mail_outcome(FAULT, stack.mail, PERIOD, RECIPIENTS)
    outcome.seconds_to_recover = round(recovered, 2)
    outcome.details = {"period": PERIOD, "deliveries": deliveries(stack.engine, PERIOD)}
    outcome.save()
    assert (outcome.stored, outcome.duplicates, outcome.lost) == (2, 0, 0)
    assert deliveries(stack.engine, PERIOD) == dict.fromkeys(RECIPIENTS, "sent")
    assert scheduled_reports(stack.engine, PERIOD) == 1
