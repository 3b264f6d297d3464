"""A real SMTP server on loopback (aiosmtpd) that records what it accepts.

It keeps its port across stop and start, so a test can take the mail server
away and bring it back; it can speak STARTTLS or implicit TLS with a trustme
certificate, require a login, refuse chosen recipients and answer slowly.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.processes import free_port

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message the server accepted, with how it came in."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    tls: bool  # the session was encrypted (STARTTLS or implicit TLS)
    user: str | None  # who logged in, if anyone


class Certificates:
    """A throwaway CA and a certificate for 127.0.0.1 / localhost."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert(HOST, "localhost")

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.cert.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this CA (and nothing else)."""
        context = ssl.create_default_context(cadata=self.ca.cert_pem.bytes().decode())
        return context


@dataclass
class Recorder:
    """The aiosmtpd handler: refuses what it is told to, keeps the rest."""

    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    delay: float = 0.0  # seconds to wait before accepting DATA
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if reply := self.refuse.get(address.lower()):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=message,
            # session.ssl is only set by STARTTLS; implicit TLS shows on the transport
            tls=session.ssl is not None
            or server.transport.get_extra_info("sslcontext") is not None,
            user=session.auth_data,
        )
        with self.lock:
            self.received.append(received)
        return "250 Message accepted for delivery"


class MailServer:
    """Start, stop and start again on one spare port; `messages` survives."""

    def __init__(
        self,
        port: int | None = None,
        *,
        security: str = "none",  # none | starttls | tls
        certificates: Certificates | None = None,
        users: dict[str, str] | None = None,  # login -> password; login required
    ) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.security = security
        self.certificates = certificates
        self.users = users
        self.recorder = Recorder()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.received)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for `address`."""
        return [r.message for r in self.received if address in r.rcpt_tos]

    def start(self) -> MailServer:
        self.controller = Controller(
            self.recorder, hostname=self.host, port=self.port, **self._options()
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _options(self) -> dict:
        options: dict = {}
        if self.security != "none":
            assert self.certificates, "TLS needs certificates"
            context = self.certificates.server_context()
            if self.security == "tls":
                # aiosmtpd only counts STARTTLS as TLS when offering AUTH; this
                # whole connection is encrypted, so let it offer AUTH anyway.
                options |= {"ssl_context": context, "auth_require_tls": False}
            else:
                options |= {"tls_context": context, "require_starttls": True}
        if self.users is not None:
            options["authenticator"] = self._authenticate
            # aiosmtpd warns about requiring AUTH without requiring TLS for it.
            options["auth_required"] = options.get("auth_require_tls", True)
        return options

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        users = self.users or {}
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            if users.get(login) == auth_data.password.decode():
                return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)
