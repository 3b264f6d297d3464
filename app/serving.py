"""gunicorn's settings for the API: `gunicorn -c python:app.serving 'app:create_app()'`.

gunicorn answers some requests itself, before the app sees them: a request
line or headers over its limits, or no valid HTTP at all. Its own answer is an
HTML page; ours is problem+json like every other error (app/errors.py), and
names nothing the client sent. Every answer carries `Server: bieb` rather than
gunicorn's name, which tells a scanner which server (and so which flaws) to try.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import gunicorn.http.wsgi
from gunicorn import util
from gunicorn.http.errors import (
    InvalidHeader,
    InvalidHeaderName,
    InvalidHTTPVersion,
    InvalidRequestLine,
    InvalidRequestMethod,
    InvalidResponseHeader,
    InvalidResponseHeaderName,
    LimitRequestHeaders,
    LimitRequestLine,
)
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

SERVER_NAME = "bieb"
gunicorn.http.wsgi.SERVER = SERVER_NAME  # read by every Response gunicorn makes

# gunicorn's own limits, named here so they are seen (these are its defaults).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
worker_class = "app.serving.ProblemSyncWorker"

NOT_HTTP = (400, "Bad Request", "The request is not valid HTTP.")
# What gunicorn refuses before the app runs: (status, title, detail).
REFUSALS: list[tuple[type[Exception], tuple[int, str, str]]] = [
    (LimitRequestLine, (414, "URI Too Long",
                        f"The request line is over {limit_request_line} bytes.")),
    (LimitRequestHeaders, (431, "Request Header Fields Too Large",
                           f"At most {limit_request_fields} headers of at most "
                           f"{limit_request_field_size} bytes each.")),
    (InvalidRequestLine, NOT_HTTP),
    (InvalidRequestMethod, NOT_HTTP),
    (InvalidHTTPVersion, NOT_HTTP),
    (InvalidHeader, NOT_HTTP),
    (InvalidHeaderName, NOT_HTTP),
]  # fmt: skip


def refusal(exc: BaseException) -> tuple[int, str, str] | None:
    """gunicorn's refusal of a request as (status, title, detail), or None."""
    if isinstance(exc, InvalidResponseHeader | InvalidResponseHeaderName):
        return None  # the app's fault, not the client's: gunicorn's 500
    for kind, answer in REFUSALS:
        if isinstance(exc, kind):
            return answer
    return None


def problem_bytes(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 answer with a problem+json body; the connection closes."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail}).encode()  # fmt: skip
    head = (
        f"HTTP/1.1 {status} {title}\r\nServer: {SERVER_NAME}\r\n"
        f"Connection: close\r\nContent-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemErrors:
    """A worker mixin: gunicorn's refusals answered as problem+json."""

    log: Any

    def handle_error(
        self, req: Any, client: socket.socket, addr: Any, exc: BaseException
    ) -> None:
        answer = refusal(exc)
        if answer is None:
            super().handle_error(req, client, addr, exc)  # type: ignore[misc]
            return
        # The exception's text holds what the client sent: not logged.
        self.log.warning("refused a request: %s", type(exc).__name__)
        try:
            util.write_nonblock(client, problem_bytes(*answer))
        except OSError:
            self.log.debug("could not send the refusal")


class ProblemSyncWorker(ProblemErrors, SyncWorker):
    """gunicorn's default worker, refusing in problem+json."""


class ProblemThreadWorker(ProblemErrors, ThreadWorker):
    """gunicorn's threaded worker (`--worker-class app.serving.ProblemThreadWorker`)."""
