"""Who is asking: bearer tokens to accounts, and the roles each view allows."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_smorest import abort

from app.accounts import Account, authenticate

F = TypeVar("F", bound=Callable[..., Any])

# Who may do what: writers of each kind of record, and readers.
STAFF = ("admin", "staff")
CHECK_IN = ("admin", "staff", "tablet")
READERS = ("admin", "staff", "viewer")


def load_account() -> None:
    """before_request: attach the account of the bearer token, if any."""
    g.account = None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        g.account = authenticate(current_app.extensions["store"].engine, token.strip())


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
