"""The landing page (/): what the register is, and the way in for each role.

No JavaScript: people go to sign in, tablets to pairing; a signed-in person
sees links to where their role works, and a paired tablet goes to its page.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template
from flask_babel import gettext as _

bp = Blueprint("landing", __name__)


def work_links(role: str) -> list[tuple[str, str, str]]:
    """(address, page name, what it is for) of the pages a person's role works on."""
    links = [
        ("/ido", _("IDO desk"), _("Log a question at the digital-government desk.")),
        ("/steekproef", _("Visitor count"), _("Count visitors and workplaces.")),
    ]
    if role == "admin":
        what = _("Add people and tablets, reset passwords, make pairing codes.")
        links.append(("/beheer/accounts", _("Accounts"), what))
    return links


@bp.get("/")
def home() -> Response:
    """What the product is; sign in or pair, or the signed-in person's pages."""
    account = g.get("account")
    if account is not None and account.role == "tablet":
        return redirect("/tablet")
    links = work_links(account.role) if account is not None else []
    return Response(render_template("landing.html", links=links))
