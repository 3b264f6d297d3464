"""Sign-in for people (/inloggen): name and password, a page session.

Admins, staff and viewers sign in here; tablets pair at /koppelen. A wrong
name and a wrong password get the same message and take the same time
(app.accounts.sign_in_with_password). Failures are counted per client address
(app/throttle.py): past BIEB_SIGN_IN_LIMIT every attempt is refused until the
window passes. Signing out is /afmelden (app/pages/pairing.py).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _

from app.accounts import end_page_session, sign_in_with_password
from app.auth import SESSION_COOKIE
from app.throttle import Throttle, counting_failures

bp = Blueprint("signin", __name__)

# Passwords typed at /inloggen, counted apart from pairing codes and tokens.
PASSWORD = Throttle("password")
# Flask's session says how this browser signed in, so signing out returns there.
SIGNED_IN_WITH = "signed_in_with"


def _engine():
    return current_app.extensions["store"].engine


def _page(error: str | None = None, status: int = 200) -> Response:
    # A refusal marks the fields; a block (429) is about the network, not them.
    invalid = status == 422
    body = render_template("inloggen.html", error=error, invalid=invalid, next=_next())
    return Response(body, status)


def _next() -> str:
    """Where to go after signing in: a path on this site only, else /."""
    wanted = request.values.get("next", "")
    if wanted.startswith("/") and not wanted.startswith("//") and "\\" not in wanted:
        return wanted
    return "/"


def _too_many(wait: int) -> Response:
    error = _(
        "Too many failed sign-ins from this network. Try again in %(seconds)s seconds.",
        seconds=wait,
    )
    return _page(error, 429)


@bp.route("/inloggen", methods=["GET", "POST"])
@counting_failures(PASSWORD, lambda answer: answer.status_code == 422, _too_many)
def sign_in() -> Response:
    """Check name and password; start a page session for this browser."""
    if request.method == "GET":
        return _page()
    signed_in = sign_in_with_password(
        _engine(),
        request.form.get("name", "").strip(),
        request.form.get("password", ""),
    )
    if signed_in is None:
        return _page(_("This name and password do not match an account."), 422)
    _account, token = signed_in
    if previous := request.cookies.get(SESSION_COOKIE):
        end_page_session(_engine(), previous)
    session.clear()  # a new CSRF secret for the new session
    session[SIGNED_IN_WITH] = "password"
    response = redirect(_next())
    # No max_age: the cookie ends with the browser; the server ends it in 12 hours.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    return response
