"""Issue #5: the half-year report arrives by itself, once, after a missed 1 July.

Real processes throughout: PostgreSQL, a private redis-server, an SMTP server on
loopback (aiosmtpd, in this process), `celery worker` and `bieb scheduler`. IDO
questions of the half year just ended are posted through the API. The scheduler
runs once to write its jobs to the database and is stopped; the half-year run's
stored due time is set back to the 1 July it would have made, as if the
scheduler had been down across it. Started again beside a worker, it must make
that run: each recipient gets one email with the PDF, whose figures are the
ones the API gives, and the database keeps one scheduled report. Restarting the
scheduler once more sends nobody anything again (DESIGN invariant 8).

The jobs the scheduler stores must also load in a process other than its own,
or APScheduler deletes them, the stored due time of a missed run with them.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.util import datetime_to_utc_timestamp, ref_to_obj
from redis import Redis
from sqlalchemy import Engine, Table, select, update
from sqlalchemy.exc import ProgrammingError

from events.catalogue import load_agreement
from events.periods import parse_period
from events.store.reports import reports
from tests.support.api import ApiClient
from tests.support.processes import RedisServer, Worker, wait_for
from tests.support.smtp import MailServer
from workers.reports.render import dutch_number, period_name
from workers.scheduler import CATCH_UP_JOB, REPORT_JOBS, report_period

pytestmark = pytest.mark.slow

AGREEMENT = load_agreement("heemstede-2024-2027")
RECIPIENTS = ("a@heemstede.nl", "b@heemstede.nl")
QUESTIONS = 23  # IDO questions posted in the period the run reports
IDO_LABEL = "Vragen bij het Informatiepunt Digitale Overheid"
# The PDF's row: label, then the period, the one before, the one a year earlier.
IDO_ROW = re.compile(
    r"\s*Vragen bij het Informatiepunt\b.*?\s{2,}(\S+)\s+(\S+)\s+(\S+)"
)
SCHEDULED_REPORT = "workers.tasks.scheduled_report"


class Scheduler:
    """`bieb scheduler` in its own process; stopped as a service manager would."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, "BIEB_LOG_FORMAT": "text", **env}
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Scheduler:
        bieb = Path(sys.executable).parent / "bieb"
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [str(bieb), "scheduler"], env=self.env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


@pytest.fixture
def setup(make_stack):
    mail = MailServer().start()
    stack = make_stack(
        BIEB_SMTP_HOST="127.0.0.1",
        BIEB_SMTP_PORT=str(mail.port),
        BIEB_REPORT_RECIPIENTS="heemstede=" + ",".join(RECIPIENTS),
        BIEB_CATCH_UP_SECONDS="1",
    )
    scheduler = Scheduler(stack.env, stack.folder / "scheduler.log")
    try:
        yield stack.app, mail, stack.worker, scheduler, stack.redis
    finally:
        scheduler.stop()
        mail.stop()


def job_table(engine: Engine) -> Table:
    """APScheduler's job table, as its SQLAlchemy job store declares it."""
    return SQLAlchemyJobStore(engine=engine).jobs_t


def stored_run(engine: Engine, job_id: str) -> datetime | None:
    """When the job store says `job_id` runs next; None while it is not there.

    Read from the table's own column: the jobs name their functions as the
    scheduler process knows them, so this process need not load them.
    """
    jobs = job_table(engine)
    with engine.connect() as conn:
        try:
            at = conn.execute(
                select(jobs.c.next_run_time).where(jobs.c.id == job_id)
            ).scalar()
        except ProgrammingError:  # no table yet: the scheduler has not started
            return None
    return None if at is None else datetime.fromtimestamp(at, UTC)


def miss_the_last_run(engine: Engine, job_id: str) -> datetime:
    """Set the stored due time back a year: the run nobody made (1 July).

    As APScheduler itself would store it: the column it queries by and the
    pickled state it restores the job from.
    """
    jobs = job_table(engine)
    with engine.begin() as conn:
        pickled = conn.execute(
            select(jobs.c.job_state).where(jobs.c.id == job_id)
        ).scalar_one()
        state = pickle.loads(pickled)
        due = state["next_run_time"]
        state["next_run_time"] = missed = due.replace(year=due.year - 1)
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                next_run_time=datetime_to_utc_timestamp(missed),
                job_state=pickle.dumps(state, pickle.HIGHEST_PROTOCOL),
            )
        )
    return missed


def post_questions(api: ApiClient, period: str, count: int, zone) -> int:
    """IDO questions spread over the period; the log position of the last one."""
    start, end = parse_period(period).bounds(zone)
    days = (end - start).days
    for n in range(count):
        when = start + timedelta(days=n * (days - 1) // count, hours=10, minutes=n)
        body = {
            "themes": ["digid"] if n % 2 else ["toeslagen", "uwv"],
            "help_kind": ("information", "hands_on", "referral")[n % 3],
            "occurred_at": when.isoformat(),
        }
        response = api.post("/ido/questions", body)
        assert response.status_code == 201, response.get_json()
    return api.get("/events", after=0, limit=1).get_json()["head"]


def pdf_lines(pdf: bytes, folder: Path) -> list[str]:
    """The PDF's text as poppler lays it out, line by line."""
    path = folder / "scheduled-report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.splitlines()


def stored_reports(app) -> list:
    query = select(
        reports.c.id, reports.c.period, reports.c.position, reports.c.requested_by,
        reports.c.schedule_key, reports.c.pdf,
    )  # fmt: skip
    with app.extensions["store"].engine.connect() as conn:
        return conn.execute(query).all()


def inboxes(mail: MailServer) -> list[list[EmailMessage]]:
    return [mail.to(address) for address in RECIPIENTS]


def scheduled_reports_asked(worker: Worker) -> int:
    """How many scheduled_report tasks the worker was handed."""
    return len(re.findall(rf"{re.escape(SCHEDULED_REPORT)}\[[^]]+\] received",
                          worker.log.read_text()))  # fmt: skip


def scheduled_reports_done(worker: Worker) -> int:
    """How many scheduled_report tasks the worker finished (each mails as it goes)."""
    return len(re.findall(rf"{re.escape(SCHEDULED_REPORT)}\[[^]]+\] succeeded",
                          worker.log.read_text()))  # fmt: skip


def worker_idle(worker: Worker, redis: RedisServer) -> bool:
    """Nothing waits in the broker, and every task the worker took has finished."""
    log = worker.log.read_text()
    taken = len(re.findall(r"\] received", log))
    ended = len(re.findall(r"\] (?:succeeded|raised|retry)", log))
    return Redis.from_url(redis.url).llen("celery") == 0 and taken == ended


def test_a_half_year_run_missed_while_the_scheduler_was_down_is_mailed_once(
    setup, tmp_path
):
    app, mail, worker, scheduler, redis = setup
    engine = app.extensions["store"].engine
    zone = app.extensions["bieb_config"].zone
    period = report_period("half-year", datetime.now(zone))
    api = ApiClient(app)
    last = post_questions(api, period, QUESTIONS, zone)

    # First start: the scheduler writes its jobs to the database; then it stops.
    scheduler.start()
    due = wait_for(
        lambda: stored_run(engine, REPORT_JOBS["half-year"]),
        30,
        "the scheduler to store its jobs",
    )
    scheduler.stop()
    assert (due.month, due.day) == (7, 1) and due > datetime.now(UTC)
    missed = miss_the_last_run(engine, REPORT_JOBS["half-year"])
    assert missed < datetime.now(UTC)

    # Back up beside a worker: the missed run is made, the report mailed.
    worker.start()
    scheduler.start()
    # Done means mailed: the task ends once every recipient's server said yes.
    wait_for(lambda: scheduled_reports_done(worker), 90, "the report task to end", 0.5)
    first, second = inboxes(mail)
    assert (len(first), len(second)) == (1, 1)
    message = first[0]
    assert period_name(period) in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    [attached_too] = list(second[0].iter_attachments())
    assert attached_too.get_content() == pdf

    # The database keeps one scheduled report, counted past every posted event.
    [row] = stored_reports(app)
    assert (row.period, row.requested_by) == (period, "scheduler")
    assert row.schedule_key == f"scheduled:heemstede:{period}"
    assert row.position >= last
    assert row.pdf == pdf

    # The PDF shows every goal, and the IDO figures the API gives for the period.
    lines = pdf_lines(pdf, tmp_path)
    for goal in AGREEMENT.goals:  # 1.1 ... 5.3, each opening a line of the summary
        assert any(re.match(rf"\s*{re.escape(goal.code)}\s", ln) for ln in lines), goal
    body = api.get("/goals/2.2/progress", as_="viewer", period=period).get_json()
    assert body["position"] == row.position
    [ido] = [i for i in body["indicators"] if i["code"] == "ido-questions"]
    assert ido["value"] == QUESTIONS
    # The label wraps in its cell; its first line carries the row's figures.
    shown = [m.groups() for ln in lines if (m := IDO_ROW.match(ln))]
    assert shown, f"no row of {IDO_LABEL!r} with figures in the PDF"
    wanted = (ido["value"], ido["previous"], ido["year_earlier"])
    assert shown[0] == tuple(dutch_number(v) for v in wanted)

    # Restarted once more, and let tick: nothing is asked or sent again.
    scheduler.stop()
    tick = stored_run(engine, CATCH_UP_JOB)
    scheduler.start()
    wait_for(
        lambda: stored_run(engine, CATCH_UP_JOB) > tick + timedelta(seconds=2),
        30,
        "the restarted scheduler to tick",
    )
    # Its start-up run has passed (two ticks since) and the worker took and
    # finished all it was sent: what was sent again would be in the counts now.
    wait_for(lambda: worker_idle(worker, redis), 30, "the worker to be idle", 0.05)
    assert scheduler.running()
    assert [len(inbox) for inbox in inboxes(mail)] == [1, 1]
    assert len(stored_reports(app)) == 1
    assert scheduled_reports_asked(worker) == 1
    next_run = stored_run(engine, REPORT_JOBS["half-year"])
    assert next_run == due  # the next one is next 1 July, as first stored


def test_the_jobs_bieb_scheduler_stores_name_importable_functions(setup):
    """Another process can restore the jobs the scheduler keeps in the database.

    APScheduler stores each job's function as "module:name" and, when a process
    cannot import it, logs "Unable to restore job" and deletes the job, and with
    it the stored due time that makes a missed report run happen. A job stored
    as "__main__:enqueue_reports" (what `python -m workers.scheduler` makes)
    only loads in a process started that same way: a scheduler built in-process
    (`build_scheduler`, as tests/integration do) or any tool reading the job
    store on that database fails on it.
    """
    app, _, _, scheduler, _ = setup
    engine = app.extensions["store"].engine
    scheduler.start()
    wait_for(
        lambda: stored_run(engine, REPORT_JOBS["year"]), 30, "the jobs to be stored"
    )
    scheduler.stop()
    jobs = job_table(engine)
    with engine.connect() as conn:
        stored = conn.execute(select(jobs.c.id, jobs.c.job_state)).all()
    refs = {row.id: pickle.loads(row.job_state)["func"] for row in stored}
    assert set(refs) == {CATCH_UP_JOB, *REPORT_JOBS.values()}
    unloadable = {}
    for job_id, ref in refs.items():
        try:
            ref_to_obj(ref)
        except LookupError:
            unloadable[job_id] = ref
    assert not unloadable, (
        f"stored jobs only the scheduler process can load: {unloadable}"
    )
