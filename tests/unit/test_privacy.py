"""Free text is screened for BSNs, e-mail addresses and phone numbers (invariant 9)."""

from __future__ import annotations

import dataclasses
import re
import string
import uuid as uuid_module
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from events.privacy import KINDS, Finding, find_personal_data, is_valid_bsn, screen

# --- what must be found ------------------------------------------------------

BSNS = [
    "123456782",
    "111222333",
    "123.456.782",
    "1234 56 782",
    "123-456-782",
    "1234.56.782",
    "BSN: 111222333.",
    "Bezoeker 123456782 kwam langs",
    "bsn123456782",
    "10000021",  # 8 digits: 010000021 with its leading zero dropped
    "zaal 2 123456782",  # a number before it does not hide it
    "14-03-2025 1234 56 782",  # nor does a date
    "id 07356847-69ae-4bee-9bd6-15f915a5badd, bsn 111222333",  # nor an identifier
    "\uff11\uff11\uff11\uff12\uff12\uff12\uff13\uff13\uff13",  # full-width digits
]

EMAILS = [
    "jan@example.nl",
    "JAN.JANSEN@EXAMPLE.NL",
    "j.jansen+bieb@mail.example.co.uk",
    "Mail naar piet_de-vries@sub.domein.org.",
    "<info@bieb.nl>",
    "zie https://example.nl/?mail=jan@example.nl",
]

PHONES = [
    "06-12345678",
    "06 1234 5678",
    "0612345678",
    "06 12 34 56 78",
    "+31 6 12345678",
    "+31(0)6-12345678",
    "0031 6 12345678",
    "023-5123456",
    "(023) 512 34 56",
    "020 123 4567",
    "+44 20 7946 0958",
    "Bel 06-12345678.",
    "tel.+31612345678",
    "06\u00a012345678",  # a no-break space
    "020 123 4567 8 kinderen",  # a count after it
    "06 12 03 2025",  # not a date after a phone's area code
    "06 2024 2025",  # nor a pair of years
]


@pytest.mark.parametrize("text", BSNS)
def test_a_bsn_is_found(text: str) -> None:
    assert find_personal_data(text) == ["bsn"]


@pytest.mark.parametrize("text", EMAILS)
def test_an_email_address_is_found(text: str) -> None:
    assert find_personal_data(text) == ["email"]


@pytest.mark.parametrize("text", PHONES)
def test_a_phone_number_is_found(text: str) -> None:
    assert find_personal_data(text) == ["phone"]


def test_every_kind_in_one_text_is_named_once_and_sorted() -> None:
    text = "Bel 06-12345678 of 020 123 4567, mail jan@example.nl, BSN 111222333"
    assert find_personal_data(text) == ["bsn", "email", "phone"]
    assert list(KINDS) == ["bsn", "email", "phone"]


# --- what staff legitimately type --------------------------------------------

CLEAN = [
    "",
    "Voorlezen voor groep 7/8",
    "2025-03-14",
    "14-03-2025",
    "14/03/2025",
    "14.3.2025",
    "14 maart 2025",
    "10:30-12:00",
    "van 10:30 tot 12:00 uur",
    "2024-2027",
    "groep 7/8",
    "4-12 jaar",
    "0-4 jaar",
    "23 deelnemers",
    "3 klassen",
    "€ 12,50",
    "1.2",
    "4.3",
    "doelen 1.2 en 4.3",
    "week 27",
    "978-90-414-1780-4",  # ISBN-13: 13 digits, neither phone nor BSN
    "9789041417804",
    "978 90 414 1780 4",
    "ISBN 978-90-414-1780-4 uitgeleend",
    "123456789",  # fails the 11-test
    "85%",
    "12,5% meer bezoekers",
    "zaal 2.14",
    "1234567820",  # more than 9 digits is not a BSN
    "11122233344",
    "@bieb_heemstede",
    "bieb@heemstede",  # no top-level domain
    "https://medium.com/@bieb.heemstede",
    "jan at example dot nl",  # obfuscated forms are out of scope
    "+ 3 begeleiders",
    "Plein1, Heemstede-Zuid",
]

# Shapes whose digits pass the 11-test or read as a phone number: they are clean
# because they are recognised as what they are, not by luck.
CLEAN_BY_SHAPE = [
    "18-01-2024",
    "2024-01-07",
    "18 01 2024",
    "2024-2025",
    "schooljaar 2024/2025",
    "schooljaar 2024 - 2025",
    "schooljaar 2024 2025",
    "08.00-10.30",
    "€ 12.345.611",
    "https://www.example.nl/agenda/123456782",
    "NL91 ABNA 0417 1643 00",  # an IBAN, not a phone number
    "NL91ABNA0417164300",
    "08 01 1990 10:30",
    "01 01 1990 12 deelnemers",
    "01-03-2025 10:30",
    "09.30-12.00 14 deelnemers",
    "07356847-69ae-4bee-9bd6-15f915a5badd",  # UUIDs and hashes are identifiers
    "36b2dda1-b08b-4005-acea-004971801600",
    "a85a8a9c055e428bae39181388a3720a",
    "2025-01-26T03:36:50.248078+00:00",  # machine-written timestamps
    "2025-02-14 12:16:16.159032+01:00",
]


@pytest.mark.parametrize("text", CLEAN + CLEAN_BY_SHAPE)
def test_legitimate_text_is_clean(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "18-01-2024",
        "2024-01-07",
        "18 01 2024",
        "2024-2025",
        "08.00-10.30",
        "€ 12.345.611",
        "https://www.example.nl/agenda/123456782",
    ],
)
def test_the_shape_examples_would_pass_the_11_test(text: str) -> None:
    assert is_valid_bsn(re.sub(r"[^0-9]", "", text))


def test_a_long_note_of_everyday_shapes_is_clean() -> None:
    # How fast it is screened is measured in bench/privacy.py, not here.
    sentence = (
        "Voorlezen in groep 7/8 met 23 deelnemers op 14-03-2025 van 10:30-12:00 "
        "in zaal 2.14 (doelen 1.2 en 4.3, week 27, schooljaar 2024-2025), "
        "€ 12,50 per les, ISBN 978-90-414-1780-4, 85% tevreden. "
    )
    note = (sentence * 20)[:2000]
    assert find_personal_data(note) == []


# --- the 11-test -------------------------------------------------------------


@pytest.mark.parametrize(
    "digits", ["111222333", "123456782", "999999990", "010000021", "10000021"]
)
def test_valid_bsns_pass_the_11_test(digits: str) -> None:
    assert is_valid_bsn(digits)


@pytest.mark.parametrize(
    "digits",
    [
        "123456789",  # sum 156: not divisible by 11
        "111222334",
        "000000000",  # divisible, but 0
        "12345678",  # 012345678: sum 104
        "1234567",  # too short
        "1234567820",  # too long
        "12345678a",
        "123 456 782",  # the test takes the digits only
        "",
        "\uff11\uff11\uff11\uff12\uff12\uff12\uff13\uff13\uff13",  # not ASCII
    ],
)
def test_invalid_bsns_fail_the_11_test(digits: str) -> None:
    assert not is_valid_bsn(digits)


# --- screening a payload -----------------------------------------------------


def test_screen_names_the_exact_field_paths() -> None:
    payload = {
        "title": "Voorlezen groep 7/8 op 14-03-2025",
        "notes": "Contact via jan@example.nl of 06-12345678",
        "headcount": 23,
        "cancelled": False,
        "district": None,
        "items": [
            {"title": "Opening"},
            {"title": "Voorlezen", "room": "zaal 2.14"},
            {"title": "Bezoeker 123456782"},
        ],
        "partners": ["+31 6 12345678", "Bibliotheek Zuid-Kennemerland"],
        "meta": {"goals": ["1.2", "4.3"], "deep": {"grid": [["x", "a@b.nl"]]}},
    }
    assert screen(payload) == [
        Finding("notes", "email"),
        Finding("notes", "phone"),
        Finding("items[2].title", "bsn"),
        Finding("partners[0]", "phone"),
        Finding("meta.deep.grid[0][1]", "email"),
    ]


def test_screen_puts_the_prefix_before_every_path() -> None:
    assert screen({"notes": "jan@example.nl"}, prefix="data") == [
        Finding("data.notes", "email")
    ]
    assert screen({"rows": ("ok", "111222333")}, prefix="batch[3]") == [
        Finding("batch[3].rows[1]", "bsn")
    ]


def test_a_clean_payload_has_no_findings() -> None:
    payload = {
        "title": "Taalsoos",
        "when": "2025-03-14 10:30-12:00",
        "participants": 12,
        "groups": ["groep 7/8", "4-12 jaar"],
        "nested": {"empty": [], "nothing": {}},
    }
    assert screen(payload) == []
    assert screen({}) == []


def test_a_finding_never_carries_the_personal_data() -> None:
    [finding] = screen({"notes": "BSN 111222333"})
    assert [f.name for f in dataclasses.fields(Finding)] == ["field", "kind"]
    assert "111222333" not in repr(finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = "email"  # type: ignore[misc]


# --- properties --------------------------------------------------------------

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
_FORMATS = [
    lambda d: d,
    lambda d: f"{d[:3]}.{d[3:6]}.{d[6:]}",
    lambda d: f"{d[:4]}.{d[4:6]}.{d[6:]}",
    lambda d: f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}",
    lambda d: f"{d[:3]}-{d[3:6]}-{d[6:]}",
    lambda d: f"{d[:3]} {d[3:6]} {d[6:]}",
    lambda d: f"{d[:4]} {d[4:6]} {d[6:]}",
]
_WORDS = st.text(alphabet=string.ascii_letters + " ëéïü", max_size=40)


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    """A BSN as staff might type it: 8 random digits, their check digit, a layout."""
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    weighted = sum(w * d for w, d in zip(_WEIGHTS, first, strict=True))
    check = weighted % 11
    assume(check != 10)  # no check digit makes these 8 digits a BSN
    assume(weighted != check)  # the 11-test's sum would be 0
    digits = "".join(map(str, first)) + str(check)
    if digits.startswith("0") and draw(st.booleans()):
        return digits[1:]  # the leading zero dropped
    return draw(st.sampled_from(_FORMATS))(digits)


@given(bsn=valid_bsns(), before=_WORDS, after=_WORDS)
def test_any_valid_bsn_in_text_is_found(bsn: str, before: str, after: str) -> None:
    assert find_personal_data(f"{before} {bsn} {after}") == ["bsn"]


@given(digits=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_a_number_that_fails_the_11_test_is_clean(digits: str) -> None:
    assume(not is_valid_bsn(digits))
    assert find_personal_data(f"Nummer {digits} genoteerd") == []


@given(text=_WORDS)
def test_letters_and_spaces_are_clean(text: str) -> None:
    assert find_personal_data(text) == []


@given(uuid=st.uuids(), upper=st.booleans())
def test_uuids_are_clean(uuid: uuid_module.UUID, upper: bool) -> None:
    text = str(uuid).upper() if upper else str(uuid)
    assert find_personal_data(f"activiteit {text}") == []
    assert find_personal_data(uuid.hex) == []


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1),  # dates are recognised in 1900-2099
        max_value=datetime(2099, 12, 31),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
    )
)
def test_timestamps_are_clean(moment: datetime) -> None:
    assert find_personal_data(moment.isoformat()) == []
    assert find_personal_data(str(moment)) == []
