"""Who is asking: bearer tokens and page cookies to accounts; the roles views allow.

Two ways in, one Account: integrations send `Authorization: Bearer <token>`;
pages carry the page-session cookie that pairing set (app/pages/pairing.py).
A request with a bearer header is judged by that header alone. A write that
signs in by cookie must also carry the page's CSRF token (a form field, or the
`X-CSRF-Token` header for the pages' JavaScript); bearer writes need none, as
no browser sends a bearer token by itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_smorest import abort
from flask_wtf.csrf import CSRFError, CSRFProtect

from app.accounts import Account, authenticate, page_session
from app.errors import problem
from app.throttle import BEARER

F = TypeVar("F", bound=Callable[..., Any])

# Who may do what: writers of each kind of record, and readers.
STAFF = ("admin", "staff")
CHECK_IN = ("admin", "staff", "tablet")
READERS = ("admin", "staff", "viewer")

# The page-session cookie: a random token, httpOnly, SameSite=Strict, Secure on TLS.
SESSION_COOKIE = "bieb_page"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# `g.signed_in_by` of a Prometheus scraper sending BIEB_METRICS_TOKEN.
SCRAPER = "metrics-token"

csrf = CSRFProtect()


def load_account() -> Response | None:
    """before_request: attach the account of the bearer token or page cookie.

    `g.signed_in_by` says which ("bearer", "page" or None); `g.page_session`
    holds the cookie's state ("revoked", "ended", ...) when it signs in no one.
    An address that sent too many unknown tokens is answered 429, whatever
    token it sends, until its window passes (app/throttle.py).
    """
    g.account = None
    g.signed_in_by = None
    g.page_session = None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if header:
        if scheme.lower() == "bearer" and token:
            if _is_metrics_token(token.strip()):
                g.signed_in_by = SCRAPER  # no account: /metrics only
                return None
            if (wait := BEARER.retry_after()) is not None:
                return too_many_sign_ins(wait)
            g.account = authenticate(_engine(), token.strip())
            g.signed_in_by = "bearer" if g.account else None
            if g.account is None:
                BEARER.failed()
        return None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and request.endpoint != "static":  # a stylesheet needs no account
        found = page_session(_engine(), cookie)
        g.account, g.page_session = found.account, found.state
        g.signed_in_by = "page" if found.account else None
    return None


def _is_metrics_token(token: str) -> bool:
    """Is this BIEB_METRICS_TOKEN? Compared in constant time."""
    wanted = current_app.extensions["bieb_config"].metrics_token
    return bool(wanted) and hmac.compare_digest(token.encode(), wanted.encode())


def too_many_sign_ins(wait: int) -> Response:
    """429 problem+json: this address failed to sign in too often."""
    detail = f"Too many failed sign-ins from this address. Try again in {wait} s."
    return problem(429, "Too Many Requests", detail, kind="too-many-sign-ins",
                   headers={"Retry-After": str(wait)})  # fmt: skip


def protect_cookie_writes() -> Response | None:
    """before_request: a write by page cookie, or any page form, needs the CSRF token.

    API writes by bearer token are exempt (integrations); an API write without
    any sign-in is left to the view's 401.
    """
    if request.method not in UNSAFE:
        return None
    if request.path.startswith("/api/") and g.get("signed_in_by") != "page":
        return None
    csrf.protect()  # raises CSRFError: answered by csrf_refused
    return None


def csrf_refused(error: CSRFError) -> Response:
    """A refused CSRF token: 403 problem+json for the API, a Dutch page otherwise."""
    if request.path.startswith("/api/"):
        detail = f"A write signed in by page cookie needs the {CSRF_HEADER} header."
        return problem(403, "Forbidden", detail, kind="csrf")
    message = _("This form has expired. Reload the page and try again.")
    return Response(render_template("errors/403.html", message=message), 403)


def init_app(app) -> None:
    """CSRF for pages and cookie writes; checked by protect_cookie_writes only."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # A tablet page stays open all day: the token lives as long as the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_HEADERS", [CSRF_HEADER, "X-CSRFToken"])
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"  # Flask's session: the CSRF secret
    csrf.init_app(app)
    app.register_error_handler(CSRFError, csrf_refused)


def _engine():
    return current_app.extensions["store"].engine


def current_account() -> Account:
    """The authenticated account; views behind `requires` always have one."""
    account = g.get("account")
    if account is None:
        abort(401, message="Sign in: send 'Authorization: Bearer <token>'.")
    return account


def requires(*roles: str) -> Callable[[F], F]:
    """Allow a view to these roles only: 401 without a valid token, else 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if account.role not in roles:
                abort(403, message=f"The role {account.role!r} may not do this.")
            return view(*args, **kwargs)

        guarded._roles = roles  # type: ignore[attr-defined]  # read by the OpenAPI docs
        return guarded  # type: ignore[return-value]

    return decorate
