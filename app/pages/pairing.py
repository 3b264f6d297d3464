"""Pairing a browser to an account (/koppelen), and signing out (/afmelden)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _

from app.accounts import PAGE_SESSION_VALID, end_page_session, redeem_pairing_code
from app.auth import SESSION_COOKIE
from app.pages.guard import UNPAIRED
from app.pages.signin import SIGNED_IN_WITH
from app.throttle import PAIRING, counting_failures

bp = Blueprint("pairing", __name__)

# Where each role lands after pairing.
HOME = {"tablet": "/tablet", "staff": "/ido", "admin": "/ido", "viewer": "/ido"}


def _engine():
    return current_app.extensions["store"].engine


def _page(error: str | None = None, status: int = 200) -> Response:
    unpaired = request.args.get("ontkoppeld") or g.get("page_session") in UNPAIRED
    body = render_template("koppelen.html", error=error, unpaired=bool(unpaired))
    response = Response(body, status)
    if g.get("page_session") in UNPAIRED:
        response.delete_cookie(SESSION_COOKIE)  # a dead token: drop it
    return response


def _too_many(wait: int) -> Response:
    error = _(
        "Too many wrong codes were entered on this network. "
        "Try again in %(seconds)s seconds.",
        seconds=wait,
    )
    return _page(error, 429)


@bp.route("/koppelen", methods=["GET", "POST"])
@counting_failures(PAIRING, lambda answer: answer.status_code == 422, _too_many)
def pair() -> Response:
    """Take a one-time pairing code and start a page session on this browser."""
    if request.method == "GET":
        return _page()
    redeemed = redeem_pairing_code(_engine(), request.form.get("code", ""))
    if redeemed is None:
        error = _(
            "This code does not work: it is unknown, expired or used already. "
            "Ask an administrator for a new pairing code."
        )
        return _page(error, 422)
    account, token = redeemed
    # The CSRF secret lives in Flask's session: keep it as long as the pairing.
    session.permanent = True
    response = redirect(HOME[account.role])
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(PAGE_SESSION_VALID.total_seconds()),
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    return response


@bp.route("/afmelden", methods=["GET", "POST"])
def sign_out() -> Response:
    """GET asks to confirm; POST ends this browser's page session."""
    if request.method == "GET":
        return Response(render_template("afmelden.html"))
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_page_session(_engine(), cookie)
    # Back where this browser signed in: a person's password, or a pairing code.
    by_password = session.get(SIGNED_IN_WITH) == "password"
    session.clear()
    response = redirect("/inloggen" if by_password else "/koppelen")
    response.delete_cookie(SESSION_COOKIE)
    return response
