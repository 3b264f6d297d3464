"""The scheduler SIGKILLed across a report's due time: restarted, it makes the
missed run once; killed and restarted again, it sends nobody anything twice
(DESIGN invariant 8). tests/e2e/test_scheduled_report.py proves the same with a
clean stop and checks the PDF; this is the kill, under the whole stack."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.test_scheduled_report import miss_the_last_run, stored_run
from tests.support.fault_stack import RECIPIENTS
from tests.support.processes import wait_for
from tests.support.sent_reports import (
    delivered,
    mail_outcome,
    scheduled_reports,
    settled,
)
from workers.scheduler import CATCH_UP_JOB, REPORT_JOBS, report_period

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

FAULT = "scheduler-killed"
JOB = REPORT_JOBS["half-year"]


def test_a_run_due_while_the_scheduler_was_killed_is_made_once(stack):
    engine = stack.engine
    period = report_period("half-year", datetime.now(UTC))
    due = wait_for(lambda: stored_run(engine, JOB), 90, "the jobs to be stored")
    stack.scheduler.kill()
    miss_the_last_run(engine, JOB)  # its 1 July passed while it was dead

    back = time.monotonic()
    stack.scheduler.start()
    wait_for(lambda: all(delivered(stack.mail, period)[r] for r in RECIPIENTS), 150,
             "the missed report to be mailed")  # fmt: skip
    recovered = time.monotonic() - back

    # Killed again and restarted: it ticks, and nothing is sent again.
    stack.scheduler.kill()
    tick = stored_run(engine, CATCH_UP_JOB)
    stack.scheduler.start()
    wait_for(lambda: stored_run(engine, CATCH_UP_JOB) > tick + timedelta(seconds=4),
             90, "the restarted scheduler to tick twice")  # fmt: skip
    wait_for(lambda: settled(stack.worker.log.read_text(), stack.redis.url), 60,
             "the worker to finish what it was given")  # fmt: skip
    outcome = mail_outcome(FAULT, stack.mail, period, RECIPIENTS)
    outcome.seconds_to_recover = round(recovered, 2)
    reports = scheduled_reports(engine, period)
    outcome.details = {"period": period, "scheduled_reports": reports}
    outcome.save()
    assert (outcome.stored, outcome.duplicates, outcome.lost) == (2, 0, 0)
    assert scheduled_reports(engine, period) == 1
    assert stored_run(engine, JOB) == due  # next 1 July again, as first stored
