"""The performance agreements, as data: one TOML file per agreement in this folder.

Adding a file adds an agreement; no code changes. Each file is checked as it
loads, and CatalogueError names the file and the entry that is wrong.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

from events.catalogue import parse
from events.catalogue.errors import (
    CatalogueError,
    UnknownAgreement,
    UnknownAmbition,
    UnknownBranch,
    UnknownCode,
    UnknownDistrict,
    UnknownGoal,
)
from events.catalogue.model import Agreement, Ambition, Branch, District, Goal
from events.catalogue.reader import SLUG

CATALOGUE_DIR = Path(__file__).parent

__all__ = [
    "CATALOGUE_DIR",
    "Agreement",
    "Ambition",
    "Branch",
    "CatalogueError",
    "District",
    "Goal",
    "UnknownAgreement",
    "UnknownAmbition",
    "UnknownBranch",
    "UnknownCode",
    "UnknownDistrict",
    "UnknownGoal",
    "agreement_for_municipality",
    "available_agreements",
    "load_agreement",
    "load_file",
]


def available_agreements(folder: Path = CATALOGUE_DIR) -> list[str]:
    """The names of the agreements in the folder: its TOML files, sorted."""
    return sorted(path.stem for path in folder.glob("*.toml"))


@cache
def load_agreement(name: str, folder: Path = CATALOGUE_DIR) -> Agreement:
    """The agreement `<name>.toml` of the folder, loaded once per process."""
    path = folder / f"{name}.toml"
    if not SLUG.fullmatch(name) or not path.is_file():
        raise UnknownAgreement(f"no agreement named {name!r} in {folder}")
    return load_file(path)


def load_file(path: str | Path) -> Agreement:
    """The agreement in one TOML file, wherever it is; its name must be the stem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogueError(path.name, f"not valid TOML: {error}") from None
    return parse.agreement(data, path.name, expected_name=path.stem)


def agreement_for_municipality(
    code: str, on: date, folder: Path = CATALOGUE_DIR
) -> Agreement:
    """The agreement of a municipality that covers a day (a local calendar day)."""
    agreements = (load_agreement(name, folder) for name in available_agreements(folder))
    found = [
        agreement
        for agreement in agreements
        if agreement.municipality.code == code and agreement.contains(on)
    ]
    if not found:
        raise UnknownAgreement(f"no agreement for municipality {code!r} on {on}")
    if len(found) > 1:
        names = " and ".join(agreement.name for agreement in found)
        raise CatalogueError(f"{found[0].name}.toml", f"{names} overlap on {on}")
    return found[0]
