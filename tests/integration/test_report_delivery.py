"""A compiled report is e-mailed once per recipient (DESIGN invariant 8).

Every test sends over real SMTP to an aiosmtpd server on loopback and keeps its
send-once rows in a real database, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select

from app.config import Config
from events.store.reports import report_deliveries, reports
from tests.support.smtp import Certificates, MailServer
from workers.reports.delivery import LEASE, DeliveryIncomplete, deliver
from workers.reports.mail import ReportMail, message_id

PDF = b"%PDF-1.7\n% a tiny stand-in for the rendered report\n%%EOF\n"
ALICE, BOB, CAROL = "alice@heemstede.nl", "bob@heemstede.nl", "carol@bibliotheek.nl"
SUBJECT = "Rapportage prestatieafspraken Heemstede \u2013 eerste halfjaar 2025"


def add_report(engine: Engine, report_id: str = "r-2025-h1") -> ReportMail:
    """A minimal compiled report row, and the mail made of it."""
    with engine.begin() as conn:
        conn.execute(
            insert(reports).values(
                id=report_id,
                municipality="heemstede",
                period="2025-H1",
                position=42,
                compiled_at=datetime(2025, 7, 1, 6, tzinfo=UTC),
                requested_by="scheduler",
                numbers="{}",
                html="",
                pdf=PDF,
            )
        )
    return ReportMail(
        report_id=report_id,
        municipality_name="Heemstede",
        period_title="eerste halfjaar 2025",
        summary="Het bereik onder kinderen groeide met 12%.",
        pdf=PDF,
        filename="rapportage-heemstede-2025-H1.pdf",
    )


def rows(engine: Engine) -> dict[tuple[str, int], dict]:
    with engine.connect() as conn:
        found = conn.execute(select(report_deliveries)).mappings().all()
    return {(r["recipient"], r["round"]): dict(r) for r in found}


@pytest.fixture
def server() -> MailServer:
    with MailServer() as running:
        yield running


@pytest.fixture
def config(tmp_path) -> Config:
    return Config(
        instance_dir=tmp_path,
        database_url="unused",
        broker_url="unused",
        secret_key="k" * 40,
        smtp_host="127.0.0.1",
        smtp_port=1,  # each test points it at its server
        mail_from="rapportage@bibliotheek.local",
    )


def test_each_recipient_receives_one_dutch_message_with_the_pdf(engine, config, server):
    report = add_report(engine)
    result = deliver(
        engine, replace(config, smtp_port=server.port), report, [ALICE, BOB]
    )

    assert result.sent == (ALICE, BOB)
    assert len(server.received) == 2
    for address in (ALICE, BOB):
        [message] = server.to(address)
        assert message["Subject"] == SUBJECT
        assert message["To"] == address
        assert message["From"] == "rapportage@bibliotheek.local"
        digest = hashlib.sha1(address.encode()).hexdigest()[:12]
        expected_id = f"<report-r-2025-h1-0-{digest}@bieb-register>"
        assert message["Message-ID"] == expected_id
        assert message["Date"] is not None
        assert (
            "Het bereik onder kinderen groeide met 12%."
            in message.get_body(("plain",)).get_content()
        )
        [pdf] = message.iter_attachments()
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == "rapportage-heemstede-2025-H1.pdf"
        assert pdf.get_content() == PDF
    sent = rows(engine)
    assert {row["status"] for row in sent.values()} == {"sent"}
    assert all(row["sent_at"] and row["attempts"] == 1 for row in sent.values())


def test_delivering_again_sends_nothing_until_a_resend_is_asked_for(
    engine, config, server
):
    report = add_report(engine)
    config = replace(config, smtp_port=server.port)
    deliver(engine, config, report, [ALICE, BOB])
    second = deliver(engine, config, report, [ALICE, " Bob@Heemstede.nl "])
    assert second.sent == ()
    assert second.already_sent == (ALICE, BOB)
    assert len(server.received) == 2

    resend = deliver(engine, config, report, [ALICE, BOB], again=True)
    assert resend.round == 1
    assert len(server.to(ALICE)) == len(server.to(BOB)) == 2
    # The resend is a new message on purpose: a new Message-ID.
    ids = [m["Message-ID"] for m in server.to(ALICE)]
    assert ids == [message_id(report.report_id, ALICE, r) for r in (0, 1)]
    # A retry of that resend names its round and sends nothing more.
    deliver(engine, config, report, [ALICE, BOB], round=1)
    assert len(server.received) == 4


def test_a_mail_server_that_was_down_gets_the_report_once_it_is_back(engine, config):
    report = add_report(engine)
    server = MailServer()  # its port is chosen, nothing listens on it yet
    config = replace(config, smtp_port=server.port)
    with pytest.raises(DeliveryIncomplete) as failure:
        deliver(engine, config, report, [ALICE, BOB])
    assert set(failure.value.result.failed) == {ALICE, BOB}
    assert pickle.loads(pickle.dumps(failure.value)).result == failure.value.result
    down = rows(engine)
    assert {row["status"] for row in down.values()} == {"failed"}
    assert "ConnectionRefusedError" in down[ALICE, 0]["error"]

    with server:
        result = deliver(engine, config, report, [ALICE, BOB])
        assert result.sent == (ALICE, BOB)
        assert len(server.to(ALICE)) == len(server.to(BOB)) == 1
        assert len(server.received) == 2
    assert {row["attempts"] for row in rows(engine).values()} == {2}


def test_a_recipient_the_server_refused_is_retried_alone(engine, config, server):
    report = add_report(engine)
    config = replace(config, smtp_port=server.port)
    server.recorder.refuse[BOB] = "450 4.2.1 Mailbox busy, try again later"
    with pytest.raises(DeliveryIncomplete) as failure:
        deliver(engine, config, report, [ALICE, BOB])
    assert failure.value.result.sent == (ALICE,)
    assert rows(engine)[BOB, 0]["error"] == "450 4.2.1 Mailbox busy, try again later"

    server.recorder.refuse.clear()
    retry = deliver(engine, config, report, [ALICE, BOB])
    assert retry.sent == (BOB,)
    assert retry.already_sent == (ALICE,)
    assert len(server.to(ALICE)) == len(server.to(BOB)) == 1


def test_workers_delivering_the_same_report_at_once_send_one_message_each(
    engine, config, server
):
    report = add_report(engine)
    config = replace(config, smtp_port=server.port)
    server.recorder.delay = 0.2  # keep each send open while the others try
    start = threading.Barrier(4)
    outcomes: list[object] = []

    def worker() -> None:
        start.wait()
        try:
            outcomes.append(deliver(engine, config, report, [ALICE, BOB, CAROL]))
        except DeliveryIncomplete as incomplete:  # a Celery retry would follow
            outcomes.append(incomplete.result)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 4
    assert sorted(a for o in outcomes for a in o.sent) == [ALICE, BOB, CAROL]
    assert not any(o.failed for o in outcomes)
    # Every other worker found each recipient claimed or already sent.
    assert sum(len(o.busy) + len(o.already_sent) for o in outcomes) == 4 * 3 - 3
    for address in (ALICE, BOB, CAROL):
        assert len(server.to(address)) == 1
    assert {row["status"] for row in rows(engine).values()} == {"sent"}


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_the_lease(
    engine, config, server
):
    """The open window: accepted, then the worker died before marking 'sent'."""
    report = add_report(engine)
    config = replace(config, smtp_port=server.port)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for address, claimed in (
            (ALICE, LEASE + timedelta(minutes=1)),
            (BOB, LEASE / 10),
        ):
            conn.execute(
                insert(report_deliveries).values(
                    report_id=report.report_id,
                    recipient=address,
                    round=0,
                    status="sending",
                    attempts=1,
                    message_id=message_id(report.report_id, address, 0),
                    claimed_at=now - claimed,
                )
            )
    with pytest.raises(DeliveryIncomplete) as failure:
        deliver(engine, config, report, [ALICE, BOB])
    # Alice's lease ran out: she is sent again, under the same Message-ID.
    assert failure.value.result.sent == (ALICE,)
    assert failure.value.result.busy == (BOB,)
    [again] = server.to(ALICE)
    assert again["Message-ID"] == message_id(report.report_id, ALICE, 0)
    assert server.to(BOB) == []

    later = deliver(engine, config, report, [ALICE, BOB], clock=lambda: now + LEASE)
    assert later.sent == (BOB,)
    assert len(server.received) == 2


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_tls_server_with_login_receives_the_report(engine, config, security):
    report = add_report(engine)
    certificates = Certificates()
    users = {"rapportage": "geheim"}
    with MailServer(
        security=security, certificates=certificates, users=users
    ) as server:
        config = replace(
            config,
            smtp_port=server.port,
            smtp_security=security,
            smtp_user="rapportage",
            smtp_password="geheim",
        )
        deliver(
            engine, config, report, [ALICE], ssl_context=certificates.client_context()
        )
        [received] = server.received
        assert received.tls
        assert received.user == "rapportage"
        assert received.message["Subject"] == SUBJECT


def test_a_wrong_password_or_an_untrusted_certificate_is_recorded(engine, config):
    report = add_report(engine)
    certificates = Certificates()
    users = {"rapportage": "geheim"}
    server = MailServer(security="starttls", certificates=certificates, users=users)
    with server:
        config = replace(
            config,
            smtp_port=server.port,
            smtp_security="starttls",
            smtp_user="rapportage",
            smtp_password="fout",
        )
        trusted = certificates.client_context()
        with pytest.raises(DeliveryIncomplete):
            deliver(engine, config, report, [ALICE], ssl_context=trusted)
        assert rows(engine)[ALICE, 0]["error"].startswith("535 ")

        # Without the test CA the client does not trust the server: no mail.
        config = replace(config, smtp_password="geheim")
        with pytest.raises(DeliveryIncomplete):
            deliver(engine, config, report, [ALICE])
        assert "CERTIFICATE_VERIFY_FAILED" in rows(engine)[ALICE, 0]["error"]
        assert server.received == []
