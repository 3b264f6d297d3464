"""The pages' language: Flask-Babel on gettext catalogs, Dutch first.

Page texts are English msgids in the templates (`{{ _('...') }}`) with their
Dutch in `app/translations/nl/LC_MESSAGES/messages.po`. The compiled `.mo` is not
kept in git: `compile_catalogs()` writes it when it is missing or older than its
`.po`, at every app start (and once in the Docker image's build, whose app folder
the server may not write). The domain's own words (IDO themes, zones, weekdays)
come from the one translation layer, `events.i18n.t`, as everywhere else.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel, format_date, format_datetime, format_number, format_time

from events.i18n import DEFAULT, t

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

log = logging.getLogger(__name__)
babel = Babel()


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile each `.po` whose `.mo` is missing or stale; the `.mo` files written."""
    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        # Two processes may start at once: each writes its own file, then renames.
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        try:
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)
        except OSError as error:
            log.warning("cannot compile %s: %s", po, error)
            continue
        written.append(mo)
    return written


def locale() -> str:
    """The pages' language: Dutch (English follows when its catalog does)."""
    return DEFAULT


def init_app(app: Flask) -> None:
    """Flask-Babel with Dutch and the register's time zone; catalogs compiled."""
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault(
        "BABEL_DEFAULT_TIMEZONE", app.extensions["bieb_config"].time_zone
    )
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=locale)
    app.jinja_env.globals.update(
        term=t,
        format_date=format_date,
        format_time=format_time,
        format_datetime=format_datetime,
        format_number=format_number,
    )
