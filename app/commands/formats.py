"""The written forms of spans and codes: a month, an ISO week, a collection code.

Each form is a function that parses text or raises ValueError saying how it is
written. An input field names its form with the `Parses` marker, so the HTTP
edge refuses a bad one naming the field, and a command that needs the value
(a month's first day) parses with the same function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from events import periods

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
WEEK = re.compile(r"[0-9]{4}-W[0-9]{2}")
COLLECTION = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The catalogue's indicator codes: lower-case words joined by hyphens.
INDICATOR = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Parses:
    """Text that `parse` accepts; its ValueError says how the text is written."""

    parse: Callable[[str], Any]


def month_start(month: str) -> date:
    """The first day of a month written YYYY-MM."""
    if not MONTH.fullmatch(month):
        raise ValueError("a month is written YYYY-MM, e.g. 2025-03")
    return date(int(month[:4]), int(month[5:7]), 1)


def week_thursday(week: str) -> date:
    """The Thursday of an ISO week written YYYY-Www: it puts the week in a period."""
    try:
        if WEEK.fullmatch(week):
            return periods.week_thursday(week)
    except ValueError:
        pass  # week 53 of a year of 52 weeks, or week 0
    raise ValueError("an ISO week is written YYYY-Www, e.g. 2025-W27")


def collection_code(text: str) -> str:
    """A collection code as the library system writes it."""
    if not COLLECTION.fullmatch(text):
        raise ValueError(
            "a collection code is lower case letters, digits and _, e.g. non_fiction"
        )
    return text


def indicator_code(text: str) -> str:
    """An indicator code as the catalogue writes it."""
    if not INDICATOR.fullmatch(text):
        raise ValueError("lower-case words joined by '-', as in the catalogue")
    return text
