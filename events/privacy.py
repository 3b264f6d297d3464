"""Screening free text for personal data before it can become an event.

The event log is immutable (DESIGN.md, invariant 9): a name, address or number
once written can never be taken out again, so the only safe personal data is
the data that is never written. Every free-text value of a payload is screened
here and the write is rejected (422, naming the field) when something is found.

What is detected, and how:

- **bsn**: a Dutch citizen service number: 9 digits (or 8, a BSN whose leading
  zero was dropped) that pass the 11-test (elfproef). The digits may be written
  in groups ("123.456.782", "1234 56 782", "111/222/333"). A longer run of
  digits is not a BSN.
- **email**: local@domain.tld, case-insensitive, with plus-addressing,
  subdomains and international (non-ASCII) domains, and with the "@" spaced
  on both sides ("jan @ example.nl"). Obfuscated forms ("jan at example dot
  nl") are not detected.
- **phone**: Dutch numbers (a leading 0 and 9 more digits, separators
  ``space - . ( )`` allowed, e.g. "06-12345678", "(023) 512 34 56",
  "0 6 1 2 3 4 5 6 7 8") and international ones ("+" or "00", a country code,
  8-13 more digits).

The text is normalised first, so that what reads as a number to a person is
one to the screen too: Unicode NFKC (full-width forms, no-break spaces), format
characters (category Cf: zero-width spaces and joiners, soft hyphens,
direction marks) and combining marks removed, every Unicode decimal digit
(Arabic-Indic, Devanagari, ...) read as 0-9, every dash (category Pd, the minus
sign) read as "-". Then the separators between two digits are joined into one:
a run holding whitespace (a newline, a tab, " - ") becomes a space, any other
run (a slash, an underscore, "--") a dash; a single space, dot or dash stays.

Names are not detected: no pattern tells "Jan" from "januari"; the forms keep
names out by having no field for them.

Before phone numbers and BSNs are looked for, shapes that staff legitimately
type and that would otherwise read as one are blanked: dates ("14-03-2025",
"2025-03-14"), times ("10:30", "09.30"), year ranges ("2024-2027"), euro
amounts ("€ 1.250.000"), valid IBANs and ISBN-10s ending in X, UUIDs, and the
address and path of a URL (ids in a path are not BSNs; the query and fragment,
"?bsn=...", are percent-decoded and screened). E-mail addresses are looked for
in the whole text, URLs included.

Where in doubt it rejects: a false alarm costs staff a rephrase, a miss stays
in the log for good. So any 8- or 9-digit number that passes the 11-test is a
BSN, whatever its label (about 1 in 11 order or KvK numbers will be refused),
and any 10 digits after a 0 in small groups read as a phone number. Only string
values are screened; numbers, booleans and dictionary keys are the schemas' to
check.

Findings name the field and the kind only: the personal data itself is never
echoed back, logged or put in an error message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

__all__ = ["KINDS", "Finding", "find_personal_data", "is_valid_bsn", "screen"]

KINDS = ("bsn", "email", "phone")


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal data of one kind in one field; the data itself is never kept."""

    field: str  # dotted path with list indices: "notes", "items[2].title"
    kind: str  # one of KINDS: "bsn", "email" or "phone"


# --- the 11-test -------------------------------------------------------------

_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_ASCII_DIGITS = re.compile(r"[0-9]{8,9}")


def is_valid_bsn(digits: str) -> bool:
    """Whether 9 digits (or 8, a dropped leading zero) pass the BSN 11-test."""
    if not _ASCII_DIGITS.fullmatch(digits):
        return False
    total = sum(w * int(d) for w, d in zip(_BSN_WEIGHTS, digits.zfill(9), strict=True))
    return total != 0 and total % 11 == 0


# --- normalising -------------------------------------------------------------

# The characters that may read differently: not ASCII, not a Latin-1 letter
# (U+00C0-U+00FF: letters, and the signs for times and divided by), not the
# euro sign.
_NON_ASCII = re.compile(r"[^\x00-\x7f\u00c0-\u00ff\u20ac]")
# The full stops IDNA reads as dots in a domain name (NFKC leaves U+3002 alone).
_DOTS = frozenset("\u3002\uff61")


@lru_cache(maxsize=4096)
def _plain(char: str) -> str:
    """One non-ASCII character as the screen reads it."""
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Mc", "Me"):
        return ""  # zero-width, soft hyphen, direction marks, combining marks
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Pd" or char == "\u2212":  # dashes, and the minus sign
        return "-"
    if char.isspace():
        return " "
    if char in _DOTS:
        return "."
    return char


def _normalise(text: str) -> str:
    """NFKC, then format characters gone, digits 0-9 and dashes "-"."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return _NON_ASCII.sub(lambda m: _plain(m.group()), text)


# A digit and the separators after it, when they are not already one space, dot
# or dash, and a digit follows.
_JOIN = re.compile(r"[0-9](?:[\s./_-]{2,}|[^\S ]|[/_])(?=[0-9])")


def _join(match: re.Match[str]) -> str:
    digit, separators = match.group()[0], match.group()[1:]
    return digit + (" " if any(c.isspace() for c in separators) else "-")


# --- patterns ----------------------------------------------------------------

# Digits are ASCII only ([0-9], not \d): text is normalised first (above).

# No digit, and no digit followed by a joining separator, on either side.
_START = r"(?<![0-9])(?<![0-9][-./])"
_END = r"(?![0-9])(?![-./][0-9])"

# A domain label: letters and digits of any script, inner dashes; the "@"
# unspaced or spaced on both sides ("zie @bieb.nl" is a handle, not an address).
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_EMAIL = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]+(?:@|\s+@\s+)"
    rf"(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[a-z0-9-]+)",
    re.IGNORECASE,
)

# A web address: what may hold an id ends at "?" or "#"; the rest is a query.
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s?#]*(?P<query>[?#]\S*)?", re.IGNORECASE)

_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)[0-9]{2}"
_TIME = r"(?:[01]?[0-9]|2[0-3])[:.][0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,9})?)?"

# Shapes blanked before phone numbers and BSNs are looked for.
_BENIGN = re.compile(
    "|".join(
        [
            # 14-03-2025, 14.3.25, 14/03/2025 (one separator, used twice)
            rf"{_START}{_DAY}(?P<s1>[-./]){_MONTH}(?P=s1)(?:{_YEAR}|[0-9]{{2}}){_END}",
            # 14 03 2025 (not after a number and a space: "06 12 03 2025")
            rf"{_START}(?<![0-9] ){_DAY} {_MONTH} {_YEAR}{_END}",
            # 2025-03-14, 2025/3/14
            rf"{_START}{_YEAR}(?P<s2>[-./]){_MONTH}(?P=s2){_DAY}{_END}",
            # 2024-2027, 2024/2025, 2024 - 2027 (any dash is "-" by now)
            rf"{_START}{_YEAR} ?[-/] ?{_YEAR}{_END}",
            # schooljaar 2024 2025
            rf"{_START}(?<![0-9] ){_YEAR} {_YEAR}{_END}(?! [0-9])",
            # 10:30, 9.30, 10:30:15.248, 09.30-12.00, 10:30 - 12:00
            rf"{_START}{_TIME}(?: ?- ?{_TIME})?(?![0-9])(?![-./:][0-9])",
            # € 1.250.000,00 and € 12,50
            r"€ ?[0-9]+(?:\.[0-9]{3})*(?:,(?:[0-9]+|-+))?",
        ]
    )
)

# An ISBN-10 whose check digit is X: its other 9 digits may pass the 11-test.
# Blanked only when its own check (mod 11) holds.
_ISBN10_X = re.compile(rf"{_START}[0-9](?:-?[0-9]){{8}}-?[Xx]\b")

# The boundary is checked after the first letter, so that the search can skip
# ahead to capitals (a pattern that opens with a look-behind is tried everywhere).
_IBAN = re.compile(
    r"[A-Z](?<!\w[A-Z])[A-Z][0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"
)

# Identifiers: a UUID, or 32 hex digits and more (a UUID without dashes, a hash).
_IDENTIFIER = re.compile(
    r"\b(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|[0-9a-f]{32,})\b",
    re.IGNORECASE,
)

# What a stretch of digits touches when it is part of a UUID or a hash.
_HEX_NEIGHBOURS = frozenset("abcdefABCDEF-")

_SEP = r"[ \-.()]{0,3}"
_PHONE = re.compile(
    # Dutch: 0, a second digit (an area code has two or more), 8 more digits
    rf"(?<![0-9+])(?<![0-9][-.])\(?0 ?[0-9](?:{_SEP}[0-9]){{8}}(?![0-9])(?![-.][0-9])"
    # international: + or 00, a country code, 8-13 more digits (9-15 in all)
    rf"|(?<![0-9+])(?:\+|00) ?[1-9](?:{_SEP}[0-9]){{8,14}}(?![0-9])(?![-.][0-9])"
)

# A stretch of digits, separators and the signs that open a phone number or an
# amount: no pattern below reaches beyond one.
_SEGMENT = re.compile(r"[0-9+(€][0-9\s.\-/_:()+€Xx]*")
# Digit groups joined by single spaces, dots or dashes.
_NUMBER_RUN = re.compile(r"[0-9]+(?:[ .\-][0-9]+)*")
_NON_DIGITS = re.compile(r"[^0-9]+")

_BLANK = "#"  # no digit, no separator: what is blanked joins nothing


# --- screening ---------------------------------------------------------------


def find_personal_data(text: str) -> list[str]:
    """The kinds of personal data in one string, sorted and unique; [] if clean."""
    text = _normalise(text)
    kinds: set[str] = set()
    has_url = "://" in text or "www." in text or "WWW." in text
    if has_url:
        # The query of a URL decoded behind it: "?mail=jan%40example.nl".
        text = _URL.sub(_with_query_decoded, text)
    if "@" in text and _EMAIL.search(text):
        kinds.add("email")
        text = _EMAIL.sub(_BLANK, text)
    # Phone numbers and BSNs live in stretches of digits and separators: only
    # those with 8 digits or more (a BSN has 8 or 9, a phone number 9 or more)
    # are looked at closely, which keeps a long note fast.
    segments = _long_segments(text)
    if not segments:
        return sorted(kinds)
    masked = _IBAN.sub(_blank_valid_iban, text)
    if has_url:
        masked = _URL.sub(_blank_url_path, masked)
    if any(_maybe_in_identifier(text, match) for match in segments):
        masked = _IDENTIFIER.sub(_BLANK, masked)
    if masked != text:
        segments = _long_segments(masked)
    for match in segments:
        segment = _JOIN.sub(_join, match.group())
        segment = _BENIGN.sub(_BLANK, segment)
        if "X" in segment or "x" in segment:
            segment = _ISBN10_X.sub(_blank_valid_isbn10, segment)
        if _PHONE.search(segment):
            kinds.add("phone")
            segment = _PHONE.sub(_BLANK, segment)
        if _contains_bsn(segment):
            kinds.add("bsn")
    return sorted(kinds)


def screen(data: Mapping[str, Any], prefix: str = "") -> list[Finding]:
    """Every string in a JSON-like payload screened: one Finding per field and kind."""
    return [
        Finding(path, kind)
        for path, text in _strings(data, prefix)
        for kind in find_personal_data(text)
    ]


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Each string in a nested payload, with its dotted, indexed path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _long_segments(text: str) -> list[re.Match[str]]:
    """The stretches of digits and separators that hold 8 digits or more."""
    return [
        match
        for match in _SEGMENT.finditer(text)
        if match.end() - match.start() >= 8
        and len(_NON_DIGITS.sub("", match.group())) >= 8
    ]


def _maybe_in_identifier(text: str, match: re.Match[str]) -> bool:
    """Whether a stretch may be part of a UUID or a hash (searched for only then)."""
    start, end = match.span()
    return (start > 0 and text[start - 1] in _HEX_NEIGHBOURS) or (
        end < len(text) and text[end] in _HEX_NEIGHBOURS
    )


def _contains_bsn(text: str) -> bool:
    """Whether a run of digit groups, or one group of it, passes the 11-test."""
    for match in _NUMBER_RUN.finditer(text):
        run = match.group()
        if len(run) < 8:
            continue
        if _is_bsn_candidate(run):
            return True
        # "zaal 2 123456782": a group joined by dots or dashes stands alone too.
        if " " in run and any(_is_bsn_candidate(part) for part in run.split(" ")):
            return True
    return False


def _is_bsn_candidate(written: str) -> bool:
    digits = _NON_DIGITS.sub("", written)
    return len(digits) in (8, 9) and is_valid_bsn(digits)


def _with_query_decoded(match: re.Match[str]) -> str:
    """A URL, and its percent-decoded query after it as text of its own."""
    query = match.group("query")
    if not query or ("%" not in query and "+" not in query):
        return match.group()
    return f"{match.group()} {_normalise(unquote_plus(query))} "


def _blank_url_path(match: re.Match[str]) -> str:
    """A URL's address and path blanked; its query stays to be screened."""
    return _BLANK + " " + (match.group("query") or "")


def _blank_valid_isbn10(match: re.Match[str]) -> str:
    """An ISBN-10 with a valid check (X counts 10) is a book, not a BSN."""
    digits = [int(c) for c in match.group() if c.isdigit()]
    total = sum((10 - i) * d for i, d in enumerate(digits)) + 10
    return _BLANK if total % 11 == 0 else match.group()


def _blank_valid_iban(match: re.Match[str]) -> str:
    """An IBAN with a valid mod-97 check is an account number, not a phone number."""
    iban = match.group().replace(" ", "")
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return _BLANK if int(number) % 97 == 1 else match.group()
