"""Reports end to end: compiled at a position, rendered, stored, emailed once.

A real SMTP server on loopback (aiosmtpd) receives the mail; the PDF is read
back with poppler's pdftotext and its pages rendered with pdftoppm into
test-artifacts/, where CI keeps them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from apscheduler.events import EVENT_JOB_SUBMITTED
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import func, select

from app import create_app
from app.config import Config
from events.catalogue import load_agreement
from events.store.reports import report_deliveries, reports
from tests.integration.test_goal_figures import write as write_activities
from tests.integration.test_measures import write as write_samples
from tests.support.api import ApiClient
from tests.support.processes import RedisServer
from tests.support.smtp import MailServer
from workers.projections import projections
from workers.projections.base import catch_up
from workers.reports.delivery import DeliveryIncomplete
from workers.reports.produce import AlreadyReported, load, produce, recompile, send
from workers.reports.render import dutch_number
from workers.scheduler import REPORT_JOBS, build_scheduler, report_period
from workers.tasks import scheduled_report

ZONE = ZoneInfo("Europe/Amsterdam")
AGREEMENT = load_agreement("heemstede-2024-2027")
RECIPIENTS = ("wethouder@heemstede.nl", "beleid@heemstede.nl")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@pytest.fixture
def server():
    with MailServer() as running:
        yield running


@pytest.fixture
def app(database_url, tmp_path, server):
    """The app, configured to mail the loopback server for heemstede."""
    config = Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path / "instance"),
            "BIEB_DATABASE_URL": database_url,
            "BIEB_TESTING": "1",
            "BIEB_SMTP_HOST": "127.0.0.1",
            "BIEB_SMTP_PORT": str(server.port),
            "BIEB_REPORT_RECIPIENTS": "heemstede=" + ",".join(RECIPIENTS),
        }
    )
    app = create_app(config)
    yield app
    app.extensions["store"].engine.dispose()


@pytest.fixture
def recorded(app):
    """A busy 2025 (sessions, lessons, loans, partners, members, samples)."""
    store = app.extensions["store"]
    write_activities(store, seed=5, sessions=40, lessons=12, loans=20)
    write_samples(store, seed=6, n=20)
    catch_up(projections(store, ZONE)[0], store)
    return store


def bieb(app, *args: str):
    """Run a `bieb` command (the worker floor's join as plugins) against the app."""
    from click.testing import CliRunner

    from app.cli import main

    config = app.extensions["bieb_config"]
    env = {
        "BIEB_DATABASE_URL": config.database_url,
        "BIEB_INSTANCE_DIR": str(config.instance_dir),
        "BIEB_TESTING": "1",
        "BIEB_SMTP_HOST": config.smtp_host,
        "BIEB_SMTP_PORT": str(config.smtp_port),
        "BIEB_REPORT_RECIPIENTS": config.report_recipients,
    }
    return CliRunner().invoke(main, list(args), env=env)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return re.sub(r"\s+", " ", out)


def test_the_pdf_holds_every_goal_and_the_figures_the_api_gives(
    app, recorded, tmp_path
):
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    stored = load(recorded.engine, report_id)
    text = pdf_text(stored.pdf, tmp_path)
    api = ApiClient(app)
    shown = 0
    for goal in AGREEMENT.goals:
        assert goal.code in text
        assert " ".join(goal.text.split()) in text
        body = api.get(f"/goals/{goal.code}/progress", as_="viewer",
                       period="2025-H1").json  # fmt: skip
        assert body["position"] == stored.position
        for line in body["indicators"]:
            if line["estimate"]:  # an estimate as the interval lets it be read
                assert line["estimate"]["display"] in text, (goal.code, line["code"])
                shown += 1
            elif line["value"]:
                assert dutch_number(line["value"]) in text, (goal.code, line["code"])
                shown += 1
    assert shown >= 15
    # The pages as pictures, for a person to look at (CI keeps test-artifacts/).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-2025-H1.pdf").write_bytes(stored.pdf)
    pdf = str(ARTIFACTS / "report-2025-H1.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", pdf, str(ARTIFACTS / "page")],
                   check=True)  # fmt: skip
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pages) >= 3 and all(p.stat().st_size > 5_000 for p in pages)


def test_goal_texts_are_whole_in_the_pdf(app, recorded, tmp_path):
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025", requested_by="test")
    text = pdf_text(load(recorded.engine, report_id).pdf, tmp_path)
    for goal in AGREEMENT.goals:
        assert " ".join(goal.text.split()) in text, goal.code


def test_recompiled_at_its_position_it_shows_the_same_numbers(app, recorded):
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    stored = load(recorded.engine, report_id)
    write_activities(recorded, seed=50, sessions=20, lessons=5, loans=5)
    write_samples(recorded, seed=51, n=5)
    catch_up(projections(recorded, ZONE)[0], recorded)
    now = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    assert load(recorded.engine, now).numbers != stored.numbers  # more arrived
    again = recompile(recorded, config, AGREEMENT, report_id)
    assert json.loads(json.dumps(again.numbers())) == stored.numbers


def test_sent_once_per_recipient_and_again_on_purpose(app, recorded, server):
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    send(recorded, config, report_id)
    send(recorded, config, report_id)
    for address in RECIPIENTS:
        [message] = server.to(address)
        assert "eerste halfjaar 2025" in message["Subject"]
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content() == load(recorded.engine, report_id).pdf
    result = bieb(app, "report", "send", report_id, "--again")
    assert result.exit_code == 0, result.output
    assert [len(server.to(a)) for a in RECIPIENTS] == [2, 2]


def test_a_period_is_reported_once_unless_a_replacement_is_asked_for(
    app, recorded, server
):
    config = app.extensions["bieb_config"]
    first = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    send(recorded, config, first)
    # A late record changes the figures; the period is compiled again.
    ApiClient(app).post("/ido/questions", {
        "themes": ["digid"], "help_kind": "hands_on", "channel": "desk",
        "minutes": 5, "occurred_at": "2025-03-14T10:15:00+01:00"})  # fmt: skip
    catch_up(projections(recorded, ZONE)[0], recorded)
    second = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    assert load(recorded.engine, second).numbers != load(recorded.engine, first).numbers
    with pytest.raises(AlreadyReported):
        send(recorded, config, second)
    refused = bieb(app, "report", "send", second)
    assert refused.exit_code != 0 and "--replaces" in refused.output
    with app.app_context():  # the scheduled run of the period sends nothing new
        scheduled_report.run("heemstede", "2025-H1")
    assert [len(server.to(a)) for a in RECIPIENTS] == [1, 1]
    replaced = bieb(app, "report", "send", second, "--replaces")
    assert replaced.exit_code == 0, replaced.output
    for address in RECIPIENTS:
        earlier, later = server.to(address)
        text = later.get_body(("plain",)).get_content()
        assert "vervangt de rapportage over dezelfde periode" in text
        assert "vervangt" not in earlier.get_body(("plain",)).get_content()


def test_the_mail_names_the_period_the_goals_without_data_and_whom_to_ask(
    app, recorded, server
):
    config = dataclasses.replace(
        app.extensions["bieb_config"],
        report_contact="Team Rapportage <rapportage@bibliotheek.example>",
    )
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    numbers = load(recorded.engine, report_id).numbers
    goals = [g for a in numbers["ambitions"] for g in a["goals"]]
    empty = [
        g["code"]
        for g in goals
        if all(line["value"] is None for line in g["indicators"]) and not g["efforts"]
    ]
    assert empty, "the generated data leaves some goal without figures"
    send(recorded, config, report_id)
    message = server.to(RECIPIENTS[0])[0]
    text = message.get_body(("plain",)).get_content()
    assert "eerste halfjaar 2025" in text
    assert "positie" not in text
    assert f"voor de doelen {', '.join(empty)}." in " ".join(text.split())
    assert "Team Rapportage <rapportage@bibliotheek.example>" in text
    assert message["Reply-To"] == "Team Rapportage <rapportage@bibliotheek.example>"


def test_the_scheduled_report_survives_a_mail_server_that_was_down(
    app, recorded, server
):
    """Retries (as Celery makes them) compile once and send once per recipient."""
    server.stop()
    with app.app_context():
        with pytest.raises(DeliveryIncomplete):
            scheduled_report.run("heemstede", "2025-H1")
        server.start()
        first = scheduled_report.run("heemstede", "2025-H1")
        assert scheduled_report.run("heemstede", "2025-H1") == first
    assert [len(server.to(a)) for a in RECIPIENTS] == [1, 1]
    with recorded.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reports)).scalar() == 1
        sent = select(func.count()).where(report_deliveries.c.status == "sent")
        assert conn.execute(sent).scalar() == 2


def test_the_api_lists_reports_and_serves_them(app, recorded):
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    api = ApiClient(app)
    [listed] = api.get("/reports", as_="viewer").json
    assert (listed["id"], listed["period"]) == (report_id, "2025-H1")
    pdf = api.get(f"/reports/{report_id}.pdf", as_="viewer")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    html = api.get(f"/reports/{report_id}.html", as_="viewer")
    assert "Heemstede" in html.get_data(as_text=True)
    assert api.get("/reports/nope.pdf", as_="viewer").status_code == 404
    # A check-in tablet reads no reports; nobody reads them without a token.
    assert api.get("/reports", as_="tablet").status_code == 403
    assert api.get(f"/reports/{report_id}.pdf", as_="tablet").status_code == 403
    assert api.get(f"/reports/{report_id}.pdf", as_=None).status_code == 401


def test_bieb_report_compile_and_show(app, recorded):
    made = bieb(app, "report", "compile", "heemstede", "2025-H1")
    assert made.exit_code == 0, made.output
    report_id = made.output.split()[0]
    shown = bieb(app, "report", "show", report_id)
    assert "1.3\tpartners" in shown.output
    wrong = bieb(app, "report", "compile", "heemstede", "2031-H1")
    assert wrong.exit_code != 0 and "no agreement" in wrong.output


@pytest.mark.parametrize(
    ("kind", "now", "period"),
    [
        ("half-year", datetime(2025, 7, 1, 7, tzinfo=ZONE), "2025-H1"),
        ("half-year", datetime(2025, 7, 3, 9, tzinfo=ZONE), "2025-H1"),
        ("year", datetime(2026, 1, 2, 7, tzinfo=ZONE), "2025"),
        ("year", datetime(2026, 1, 5, 7, tzinfo=ZONE), "2025"),
        # Down from June until after New Year: the half year is still the first.
        ("half-year", datetime(2026, 1, 3, 7, tzinfo=ZONE), "2025-H1"),
    ],
)
def test_a_run_reports_the_period_just_ended(kind, now, period):
    assert report_period(kind, now) == period


def first_pass(scheduler: BaseScheduler) -> threading.Event:
    """Set once a scheduler is through every job that was due when it started.

    A probe job, due at once, is submitted in the same pass as any job due then,
    and a pass reports what it submitted only when it is through; `shutdown()`
    then waits for the submitted jobs to end.
    """
    done = threading.Event()
    scheduler.add_jobstore(MemoryJobStore(), "probe")
    scheduler.add_job(lambda: None, "date", run_date=datetime.now(UTC),
                      id="probe", jobstore="probe")  # fmt: skip
    scheduler.add_listener(
        lambda event: event.job_id == "probe" and done.set(), EVENT_JOB_SUBMITTED
    )
    return done


@pytest.fixture
def broker(tmp_path):
    """A private redis-server: this test reads its whole queue."""
    server = RedisServer(tmp_path).start()
    yield server.url
    server.stop()


def test_a_run_missed_while_the_scheduler_was_down_runs_once(
    database_url, tmp_path, broker, monkeypatch
):
    """The job store says the 1 July run was due while nobody ran: it runs once."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from events.store import normalise_url

    queue = redis.Redis.from_url(broker)
    env = {"BIEB_INSTANCE_DIR": str(tmp_path), "BIEB_DATABASE_URL": database_url,
           "BIEB_BROKER_URL": broker}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config.from_env(env)
    first = build_scheduler(config, BackgroundScheduler)
    first.start(paused=True)
    first.shutdown()
    # Stopped across 1 July: the run time the store keeps now lies in the past.
    jobs = SQLAlchemyJobStore(url=normalise_url(database_url))
    jobs.start(None, "default")
    job = jobs.lookup_job(REPORT_JOBS["half-year"])
    assert (job.next_run_time.month, job.next_run_time.day) == (7, 1)
    job.next_run_time = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    jobs.update_job(job)
    jobs.shutdown()

    again = build_scheduler(config, BackgroundScheduler)
    looked = first_pass(again)
    again.start()
    assert looked.wait(20), "the restarted scheduler made no run"
    next_run = again.get_job(REPORT_JOBS["half-year"]).next_run_time
    again.shutdown()  # waits for the jobs it started: their messages are sent
    messages = [json.loads(m) for m in queue.lrange("celery", 0, -1)]
    reports_asked = [
        m["headers"]["argsrepr"]
        for m in messages
        if m["headers"]["task"] == "workers.tasks.scheduled_report"
    ]
    expected = report_period("half-year", datetime.now(ZONE))
    assert reports_asked == [repr(["heemstede", expected])]
    assert next_run > datetime.now(UTC)  # the next one is a year on

    third = build_scheduler(config, BackgroundScheduler)
    looked = first_pass(third)
    third.start()
    assert looked.wait(20), "the third scheduler made no run"
    third.shutdown()
    asked = [json.loads(m)["headers"]["task"] for m in queue.lrange("celery", 0, -1)]
    assert asked.count("workers.tasks.scheduled_report") == 1


def test_hours_show_how_many_weeks_kept_the_general_agreements(app, recorded):
    from events import Metadata, NewEvent
    from events.counts import ServiceHoursRecorded

    staffed = [38.5, 40, 36, 38.5, 39, 20, 38.5, 41, 38.5, 38.5]
    selfservice = [55, 56, 57, 58, 55.5, 54, 56, 56, 57, 55]
    for week, (paid, own) in enumerate(zip(staffed, selfservice, strict=True), 2):
        event = ServiceHoursRecorded(
            municipality="heemstede", branch="heemstede", week=f"2025-W{week:02d}",
            staffed_hours=paid, self_service_hours=own,
        )  # fmt: skip
        when = datetime(2025, 6, 1, tzinfo=UTC)
        new = NewEvent(type=event.TYPE, data=event.to_data(), occurred_at=when,
                       metadata=Metadata(actor="staff:test"))  # fmt: skip
        recorded.append(event.stream_id, [new])
    catch_up(projections(recorded, ZONE)[0], recorded)  # the position moves past them
    config = app.extensions["bieb_config"]
    report_id = produce(recorded, config, AGREEMENT, "2025-H1", requested_by="test")
    hours = {h["code"]: h for h in load(recorded.engine, report_id).numbers["hours"]}
    assert hours["staffed"]["weeks"] == 26  # the Mondays from 6 January to 30 June
    assert hours["staffed"]["weeks_recorded"] == 10
    assert hours["staffed"]["weeks_complying"] == sum(h >= 38.5 for h in staffed)
    assert hours["self-service"]["weeks_complying"] == sum(
        55 <= h <= 57 for h in selfservice
    )
    assert hours["staffed"]["average"] == pytest.approx(sum(staffed) / 10)


@pytest.mark.parametrize(
    ("period", "weeks", "inside"),
    [
        # 2025 starts on a Wednesday: W01 (30 Dec - 5 Jan) is 2025's, W27 is H2's.
        ("2025-H1", 26, ["2025-W01", "2025-W26"]),
        ("2024-H2", 26, ["2024-W52"]),
        # 2026 has 53 weeks; W53 (28 Dec 2026 - 3 Jan 2027) ends its H2.
        ("2026-H2", 27, ["2026-W27", "2026-W53"]),
    ],
)
def test_the_api_and_the_report_count_the_same_weeks(app, period, weeks, inside):
    # As if it were February 2027, so that 2026-W53 has begun and may be recorded.
    later = datetime(2027, 2, 1, tzinfo=UTC)
    services = app.extensions["services"]
    app.extensions["services"] = dataclasses.replace(services, clock=lambda: later)
    api = ApiClient(app)
    for week in ["2024-W52", "2025-W01", "2025-W26", "2025-W27", "2026-W27",
                 "2026-W53"]:  # fmt: skip
        hours = {"week": week, "staffed_hours": 38.5, "self_service_hours": 56}
        assert api.post("/service-hours", hours).status_code == 201
    listed = api.get("/service-hours", as_="viewer", period=period).json
    assert [w["week"] for w in listed["weeks"]] == inside
    store = app.extensions["store"]
    catch_up(projections(store, ZONE)[0], store)  # the report reads up to here
    config = app.extensions["bieb_config"]
    report_id = produce(store, config, AGREEMENT, period, requested_by="test")
    [staffed, _] = load(store.engine, report_id).numbers["hours"]
    assert (staffed["weeks"], staffed["weeks_recorded"]) == (weeks, len(inside))
    overdue = [m for m in listed["missing"] if m["week"] <= "2026-W48"]
    if period != "2026-H2":  # a half year that ended: every other week is owed
        assert len(listed["weeks"]) + len(overdue) == staffed["weeks"]
