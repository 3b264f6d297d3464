"""Server-rendered pages: Flask + Jinja, Dutch through gettext.

People sign in with a password (signin.py), tablets by pairing (pairing.py);
the landing page at / (landing.py) sends each where it works.

Each page module holds one blueprint, `bp`, listed here; templates are in
`app/templates/`, the stylesheet in `app/static/css/bieb.css` (nothing from a
CDN). Sign-in, CSRF and the page guard: app/auth.py, app/pages/guard.py.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from app.accounts import PAGE_SESSION_VALID, Account
from app.callers import services
from app.pages import (
    accounts_admin,
    desk,
    i18n,
    landing,
    pairing,
    sampling,
    signin,
    tablet,
)
from app.pages.guard import may_write
from events.i18n import t
from events.periods import Period

BLUEPRINTS = (
    landing.bp,
    signin.bp,
    pairing.bp,
    accounts_admin.bp,
    desk.bp,
    sampling.bp,
    tablet.bp,
)


def register(app: Flask) -> None:
    """Languages, the pages' blueprints and what every template may use."""
    # Flask's own session holds the CSRF secret: as long-lived as a pairing.
    app.config["PERMANENT_SESSION_LIFETIME"] = PAGE_SESSION_VALID
    i18n.init_app(app)
    app.jinja_env.globals["may_write"] = may_write
    app.jinja_env.globals["place_name"] = place_name
    app.jinja_env.globals["now_local"] = lambda: services().clock()
    app.jinja_env.globals["period_label"] = period_label
    app.jinja_env.filters["ido_theme"] = lambda code: t(f"ido.theme.{code}")
    app.context_processor(lambda: {"page_lang": str(get_locale() or "nl")})
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def place_name(account: Account) -> str:
    """The account's branch (or municipality) as the agreement names it."""
    by_branch = current_app.extensions["agreements"]
    if account.branch:
        for agreement in by_branch.get(account.branch, []):
            return agreement.branch(account.branch).name
        return account.branch
    if account.municipality:
        for agreements in by_branch.values():
            for agreement in agreements:
                if agreement.municipality.code == account.municipality:
                    return agreement.municipality.name
        return account.municipality
    return _("all branches")


def period_label(period: Period) -> str:
    """'2025-H1' as the reports say it: 'eerste halfjaar 2025'."""
    year, _sep, half = period.label.partition("-")
    if not half:
        return t("report.period.year").format(year=year)
    if half in ("H1", "H2"):
        return t(f"report.period.{half}").format(year=year)
    return period.label
