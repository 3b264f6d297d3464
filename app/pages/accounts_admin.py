"""Accounts for administrators (/beheer/accounts): people and tablets.

Add a person with a role and a first password, or a tablet with a pairing
code; withdraw an account; set a new password; make a pairing code. Each change
goes through app.accounts, the same functions as `bieb users`, and is recorded
with the admin as its actor. Staff and viewers get the Dutch 403 page.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app import accounts
from app.pages.guard import page_requires

bp = Blueprint("accounts_admin", __name__, url_prefix="/beheer/accounts")

ADMIN = ("admin",)
HERE = "accounts_admin.index"


def _engine():
    return current_app.extensions["store"].engine


@bp.before_request
def _sign_in_first() -> Response | None:
    """A person who is not signed in goes to /inloggen, and comes back here."""
    if g.get("account") is None:
        return redirect(url_for("signin.sign_in", next=request.path))
    return None


def places() -> list[tuple[str, str]]:
    """(value, name) of where an account works: all, a municipality, a branch."""
    choices = [("", _("All municipalities"))]
    seen = set()
    for agreements in current_app.extensions["agreements"].values():
        for agreement in agreements:
            town = agreement.municipality
            if town.code not in seen:
                seen.add(town.code)
                choices.append((f"m:{town.code}", town.name))
            for branch in agreement.branches:
                choices.append((f"b:{town.code}:{branch.code}", branch.name))
    return list(dict.fromkeys(choices))


def _place(value: str) -> tuple[str | None, str | None]:
    """The municipality and branch a place value names."""
    kind, _sep, rest = value.partition(":")
    if kind == "m":
        return rest, None
    if kind == "b":
        town, _sep, branch = rest.partition(":")
        return town, branch
    return None, None


def _page(
    errors: dict[str, str] | None = None,
    status: int = 200,
    shown: dict[str, str] | None = None,
) -> Response:
    body = render_template(
        "accounts.html",
        people=[
            {**row, "account": _as_account(row)}
            for row in accounts.list_accounts(_engine())
        ],
        changes=accounts.account_changes_of(_engine()),
        places=places(),
        roles=accounts.ROLES,
        errors=errors or {},
        form=request.form if errors else {},
        shown=shown,
        min_length=accounts.PASSWORD_MIN_LENGTH,
    )
    return Response(body, status)


def _as_account(row: dict[str, object]) -> accounts.Account:
    """A listed row as an Account, for the pages' place_name."""
    fields = ("account_id", "name", "role", "municipality", "branch")
    return accounts.Account(*(row[name] for name in fields))  # type: ignore[arg-type]


@bp.get("")
@page_requires(*ADMIN)
def index() -> Response:
    """Every account, the form to add one, and the latest changes."""
    return _page()


@bp.post("")
@page_requires(*ADMIN)
def add() -> Response:
    """Add a person with a first password, or a tablet with its pairing code."""
    form = request.form
    name, role = form.get("name", "").strip(), form.get("role", "")
    password = form.get("password", "")
    municipality, branch = _place(form.get("place", ""))
    errors = {}
    if not name:
        errors["name"] = _("Fill in a name.")
    if role not in accounts.ROLES:
        errors["role"] = _("Choose a role.")
    if role == "tablet" and not branch:
        errors["place"] = _("A tablet belongs to one branch: choose its branch.")
    if role in accounts.PEOPLE and accounts.password_problem(password):
        errors["password"] = _too_short()
    if errors:
        return _page(errors, 422)
    actor = g.account.actor
    try:
        accounts.create_account(_engine(), name, role, municipality, branch, actor)
    except accounts.AccountError:
        return _page({"name": _("An account with this name exists already.")}, 422)
    if role == "tablet":
        code = accounts.create_pairing_code(_engine(), name, actor=actor)
        return _page(shown={"name": name, "code": code})
    accounts.set_password(_engine(), name, password, actor=actor)
    flash(_("Account %(name)s added. Give the person the password.", name=name), "ok")
    return redirect(url_for(HERE))


def _too_short() -> str:
    return _(
        "A password has at least %(count)d characters.",
        count=accounts.PASSWORD_MIN_LENGTH,
    )


@bp.post("/intrekken")
@page_requires(*ADMIN)
def revoke() -> Response:
    """Withdraw an account: its token, sessions and password stop working."""
    name = request.form.get("name", "")
    if name == g.account.name:
        return _page({"_form": _("You cannot withdraw your own account.")}, 422)
    if not accounts.revoke_account(_engine(), name, actor=g.account.actor):
        return _page({"_form": _("There is no active account with this name.")}, 422)
    flash(_("Account %(name)s withdrawn.", name=name), "ok")
    return redirect(url_for(HERE))


@bp.post("/wachtwoord")
@page_requires(*ADMIN)
def password() -> Response:
    """Set a new password for a person (the old one stops working)."""
    name, password = request.form.get("name", ""), request.form.get("password", "")
    if accounts.password_problem(password):
        return _page({f"password-{name}": _too_short()}, 422)
    try:
        accounts.set_password(_engine(), name, password, actor=g.account.actor)
    except accounts.AccountError:
        return _page({"_form": _("There is no active account with this name.")}, 422)
    flash(_("New password set for %(name)s.", name=name), "ok")
    return redirect(url_for(HERE))


@bp.post("/koppelcode")
@page_requires(*ADMIN)
def pairing_code() -> Response:
    """A one-time code that pairs a device as the account (shown once)."""
    name = request.form.get("name", "")
    try:
        code = accounts.create_pairing_code(_engine(), name, actor=g.account.actor)
    except accounts.AccountError:
        return _page({"_form": _("There is no active account with this name.")}, 422)
    return _page(shown={"name": name, "code": code})
