"""Typed reading of one TOML table, which rejects every key it was not asked for."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from types import TracebackType
from typing import Any, TypeVar

from events.catalogue.errors import CatalogueError

T = TypeVar("T")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Table:
    """One table of an agreement file; use it as a context manager.

    Leaving the `with` block checks that every key was read, so a key the schema
    does not know (a typo, or a field of a later version) is an error, never
    silently ignored.
    """

    def __init__(self, data: dict[str, Any], file: str, where: str = "") -> None:
        self._data = data
        self._read: set[str] = set()
        self.file = file
        self.where = where

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.done()

    def done(self) -> None:
        """Raise for the first key of this table that nobody read."""
        unknown = [key for key in self._data if key not in self._read]
        if unknown:
            raise self.error(f"unknown key {unknown[0]!r}")

    def error(self, problem: str) -> CatalogueError:
        """An error about this table, naming the file and the entry."""
        return CatalogueError(self.file, problem, self.where)

    def text(self, key: str) -> str:
        """A required, non-blank string."""
        value = self._value(key, str, "a string")
        if not value.strip():
            raise self.error(f"{key!r} is empty")
        return value

    def optional_text(self, key: str) -> str | None:
        """A non-blank string, or None when the key is absent."""
        return self.text(key) if self._optional(key) else None

    def slug(self, key: str) -> str:
        """A code of lower-case letters, digits and single hyphens."""
        value = self.text(key)
        if not SLUG.fullmatch(value):
            raise self.error(f"{key!r} must be lower-case words joined by '-'")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        """A string that is one of `options`."""
        value = self.text(key)
        if value not in options:
            raise self.error(f"{key!r} must be one of {', '.join(options)}")
        return value

    def integer(self, key: str, minimum: int = 0) -> int:
        """A required whole number of at least `minimum`."""
        value = self._value(key, int, "a whole number")
        return self._at_least(key, value, minimum)

    def optional_integer(self, key: str, minimum: int = 0) -> int | None:
        """A whole number, or None when the key is absent."""
        return self.integer(key, minimum) if self._optional(key) else None

    def number(self, key: str) -> float:
        """A required number of zero or more."""
        value = self._value(key, (int, float), "a number")
        return float(self._at_least(key, value, 0))

    def optional_number(self, key: str) -> float | None:
        """A number of zero or more, or None when the key is absent."""
        return self.number(key) if self._optional(key) else None

    def day(self, key: str) -> date:
        """A TOML local date (2024-01-01), not a date-time."""
        value = self._value(key, date, "a date like 2024-01-01")
        if isinstance(value, datetime):
            raise self.error(f"{key!r} must be a date like 2024-01-01, not a time")
        return value

    def optional_flag(self, key: str) -> bool:
        """A true or false that may be left out (then it is false)."""
        if not self._optional(key):
            return False
        self._read.add(key)
        value = self._data[key]
        if not isinstance(value, bool):
            raise self.error(f"{key!r} must be true or false, not {_toml_type(value)}")
        return value

    def optional_days(self, key: str) -> tuple[date, ...]:
        """A list of TOML local dates that may be left out (then it is empty)."""
        if not self._optional(key):
            return ()
        values = self._value(key, list, "a list of dates like 2025-12-24")
        if not all(isinstance(v, date) and not isinstance(v, datetime) for v in values):
            raise self.error(f"{key!r} must be a list of dates like 2025-12-24")
        return tuple(values)

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of non-blank strings."""
        values = self._value(key, list, "a list of strings")
        if not all(isinstance(value, str) and value.strip() for value in values):
            raise self.error(f"{key!r} must be a list of non-empty strings")
        return tuple(values)

    def optional_texts(self, key: str) -> tuple[str, ...]:
        """A list of non-blank strings that may be left out (then it is empty)."""
        return self.texts(key) if self._optional(key) else ()

    def scalars(self, key: str) -> dict[str, str | int | bool]:
        """An optional table of plain values (a filter): field name -> value."""
        if not self._optional(key):
            return {}
        values = self._value(key, dict, "a table of values")
        if not all(isinstance(v, str | int | bool) for v in values.values()):
            raise self.error(f"{key!r} may hold only strings, numbers and booleans")
        return dict(values)

    def scalar_lists(self, key: str) -> dict[str, list[str]]:
        """An optional table of lists of strings: name -> [text, ...]."""
        if not self._optional(key):
            return {}
        values = self._value(key, dict, "a table of lists")
        for name, items in values.items():
            if not (isinstance(items, list) and all(isinstance(i, str) for i in items)):
                raise self.error(f"{key!r}: {name!r} must be a list of strings")
        return dict(values)

    def table(self, key: str) -> Table:
        """A required sub-table."""
        value = self._value(key, dict, "a table")
        return Table(value, self.file, self._path(key))

    def optional_table(self, key: str) -> Table | None:
        """A sub-table that may be left out (then None)."""
        return self.table(key) if self._optional(key) else None

    def tables(self, key: str, allow_empty: bool = False) -> list[Table]:
        """An array of tables; each is labelled by its index and its code."""
        values = self._value(key, list, "an array of tables ([[...]])")
        if not values and not allow_empty:
            raise self.error(f"{key!r} has no entries")
        return [self._entry(key, index, value) for index, value in enumerate(values)]

    def optional_tables(self, key: str) -> list[Table]:
        """An array of tables that may be left out (then it is empty)."""
        return self.tables(key, allow_empty=True) if self._optional(key) else []

    def _entry(self, key: str, index: int, value: object) -> Table:
        where = f"{self._path(key)}[{index}]"
        if not isinstance(value, dict):
            raise CatalogueError(self.file, "must be a table", where)
        label = value.get("code", value.get("number"))
        if isinstance(label, str | int) and not isinstance(label, bool):
            where = f"{where} ({label})"
        return Table(value, self.file, where)

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _optional(self, key: str) -> bool:
        self._read.add(key)
        return key in self._data

    def _value(self, key: str, kind: type | tuple[type, ...], label: str) -> Any:
        self._read.add(key)
        if key not in self._data:
            raise self.error(f"missing {key!r}")
        value = self._data[key]
        # bool is an int in Python, but `true` is never a count in TOML.
        if isinstance(value, bool) or not isinstance(value, kind):
            raise self.error(f"{key!r} must be {label}, not {_toml_type(value)}")
        return value

    def _at_least(self, key: str, value: int | float, minimum: int) -> int | float:
        if value < minimum:
            raise self.error(f"{key!r} must be at least {minimum}, not {value}")
        return value


def unique(tables: list[Table], read: Callable[[Table], T], what: str) -> tuple[T, ...]:
    """Read each entry, rejecting one whose code (or number) came before."""
    seen: set[object] = set()
    items = []
    for table in tables:
        with table:
            item = read(table)
        key = _key(item)
        if key in seen:
            raise table.error(f"duplicate {what} {key!r}")
        seen.add(key)
        items.append(item)
    return tuple(items)


def _key(item: Any) -> object:
    return item.code if hasattr(item, "code") else item.number


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", str: "a string", int: "an integer", float: "a float"}
    names |= {list: "an array", dict: "a table", datetime: "a date-time"}
    names |= {date: "a date"}
    return names.get(type(value), type(value).__name__)
