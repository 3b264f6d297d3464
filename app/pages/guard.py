"""Who may open a page, and who may submit on it.

`page_requires(*roles, writers=...)` guards a page view: without a page session
the browser goes to /koppelen (with the "unpaired" note when the account was
revoked); a role not named gets a Dutch 403 page; a role that may read but not
write (a viewer) gets the page read-only and a 403 on any POST. `g.account` is
the same Account the API sees, so `app.callers.caller()` serves pages too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.auth import UNSAFE

F = TypeVar("F", bound=Callable[..., Any])

# The cookie's states that mean: this browser was paired, and no longer is.
UNPAIRED = ("revoked", "expired")


def forbidden(message: str | None = None) -> Response:
    """The Dutch 403 page."""
    message = message or _("Your account may not open this page.")
    return Response(render_template("errors/403.html", message=message), 403)


def to_pairing() -> Response:
    """Back to /koppelen, saying why when the browser was unpaired; a person who
    signed in by password goes back to /inloggen."""
    if session.get("signed_in_with") == "password":
        return redirect(url_for("signin.sign_in", next=request.path))
    if g.get("page_session") in UNPAIRED:
        return redirect(url_for("pairing.pair", ontkoppeld=1))
    return redirect(url_for("pairing.pair"))


def may_write(*writers: str) -> bool:
    """Whether the signed-in account may submit (templates hide forms otherwise)."""
    account = g.get("account")
    return account is not None and account.role in writers


def page_requires(
    *roles: str, writers: tuple[str, ...] | None = None
) -> Callable[[F], F]:
    """Open a page to `roles`; unsafe requests only to `writers` (default: roles)."""
    writers = roles if writers is None else writers

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = g.get("account")
            if account is None:
                return to_pairing()
            if account.role not in roles:
                return forbidden()
            g.page_writers = writers
            if request.method in UNSAFE and account.role not in writers:
                return forbidden(_("Your account may look, not record."))
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
