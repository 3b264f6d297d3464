"""The agreements the register knows, looked up by branch and date.

Loaded and validated once when the app starts, so a bad catalogue file stops
the start-up with its error instead of failing writes later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from flask import current_app

from events.catalogue import Agreement, available_agreements, load_agreement

ByBranch = Mapping[str, Sequence[Agreement]]


def load_all() -> dict[str, list[Agreement]]:
    """Every agreement, by the codes of the branches it covers."""
    by_branch: dict[str, list[Agreement]] = defaultdict(list)
    for name in available_agreements():
        agreement = load_agreement(name)
        for branch in agreement.branches:
            by_branch[branch.code].append(agreement)
    return dict(by_branch)


def covering(
    by_branch: ByBranch, branch: str, when: datetime, zone: tzinfo
) -> Agreement | None:
    """The agreement covering a branch at a moment (its day in `zone`), if any."""
    agreements = by_branch.get(branch, [])
    return next((a for a in agreements if a.contains(when, zone)), None)


def municipality_branches(by_branch: ByBranch, municipality: str | None) -> list[str]:
    """The branch codes of a municipality (of every one when None)."""
    return sorted(
        code
        for code, agreements in by_branch.items()
        if municipality is None
        or any(a.municipality.code == municipality for a in agreements)
    )


def branches() -> dict[str, list[Agreement]]:
    return current_app.extensions["agreements"]


def agreement_for(branch: str, when: datetime) -> Agreement | None:
    """The agreement covering a branch at a moment, if any."""
    zone = current_app.extensions["bieb_config"].zone
    return covering(branches(), branch, when, zone)


def branches_of(municipality: str | None) -> list[str]:
    """The branch codes of a municipality (of every one when None)."""
    return municipality_branches(branches(), municipality)
