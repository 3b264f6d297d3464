"""Every text of the pages has its Dutch, and the catalog compiles on its own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.pages.i18n import TRANSLATIONS, compile_catalogs

ROOT = Path(__file__).resolve().parents[2]
CATALOG = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"


def used_msgids() -> dict[str, str]:
    """Each msgid in the templates and page code (babel.cfg), with where it is."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        # A plural (ngettext) is kept under its singular msgid.
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{line}")
    return found


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def test_every_msgid_in_templates_and_pages_has_a_dutch_translation():
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="nl")
    used = used_msgids()
    assert len(used) > 20  # the extraction found the templates
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(used.items(), key=lambda kv: kv[1])
        if not (m := catalog.get(msgid)) or not translated(m)
    ]
    assert not missing, "no Dutch in messages.po for:\n" + "\n".join(missing)


def test_a_missing_or_stale_mo_is_compiled_and_a_fresh_one_left_alone(tmp_path):
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOG, folder / "messages.po")
    [mo] = compile_catalogs(tmp_path)
    with mo.open("rb") as compiled:
        assert read_mo(compiled).get("Pair").string == "Koppelen"
    assert compile_catalogs(tmp_path) == []
    newer = mo.stat().st_mtime + 10
    os.utime(folder / "messages.po", (newer, newer))
    assert compile_catalogs(tmp_path) == [mo]
