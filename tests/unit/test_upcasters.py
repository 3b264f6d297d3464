"""Event schema versions: old payloads are lifted on read, step by step."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.commands.activities import AGE_BANDS
from app.commands.checkins import PERSON_AGE_BANDS
from events import Event
from events.registry import EVENT_TYPES, lookup, register
from events.upcasters import AGE_BANDS_V1_TO_V2, UPCASTERS, upcast


def _v1_to_v2(data):
    rest = {k: v for k, v in data.items() if k != "age"}
    return {**rest, "age_band": data.get("age", "unknown")}


def _v2_to_v3(data):
    return {**data, "district": None}


TABLE = {("Sample", 1): _v1_to_v2, ("Sample", 2): _v2_to_v3}


def test_upcasters_run_in_a_loop_up_to_the_current_version():
    version, data = upcast("Sample", 1, {"role": "child", "age": "4-12"}, TABLE)
    assert version == 3
    assert data == {"role": "child", "age_band": "4-12", "district": None}


def test_a_current_payload_is_left_alone():
    assert upcast("Sample", 3, {"x": 1}, TABLE) == (3, {"x": 1})


def test_other_types_are_untouched():
    assert upcast("Other", 1, {"age": 1}, TABLE) == (1, {"age": 1})


def test_a_type_is_registered_once():
    @dataclass(frozen=True, kw_only=True)
    class Once(Event):
        TYPE = "TestOnce"

    try:
        register(Once)
        assert lookup("TestOnce") is Once
        assert register(Once) is Once  # the same class again is harmless

        @dataclass(frozen=True, kw_only=True)
        class Impostor(Event):
            TYPE = "TestOnce"

        with pytest.raises(ValueError, match="already registered"):
            register(Impostor)
    finally:
        EVENT_TYPES.pop("TestOnce", None)


class TestAgeBands:
    """v1 age bands overlapped at their edges; v2 reads them by their new names."""

    @pytest.mark.parametrize(
        ("old", "new"),
        [("0-3", "0-3"), ("4-12", "4-11"), ("12-18", "12-17"), ("18-30", "18-29"),
         ("30-65", "30-64"), ("65+", "65+")],
    )  # fmt: skip
    def test_a_check_in_keeps_its_people_under_the_new_name(self, old, new):
        data = {"session_id": "s", "role": "child", "age_band": old}
        assert upcast("ParticipantCheckedIn", 1, data) == (2, {**data, "age_band": new})

    @pytest.mark.parametrize("kind", ["ActivityPlanned", "ActivityChanged"])
    def test_a_plan_keeps_its_band_and_all_stays_all(self, kind):
        assert upcast(kind, 1, {"age_band": "12-18"}) == (2, {"age_band": "12-17"})
        assert upcast(kind, 1, {"age_band": "all"}) == (2, {"age_band": "all"})

    def test_new_names_and_payloads_without_a_band_are_left_alone(self):
        for band in ("4-11", "12-17", "18-29", "30-64"):
            data = {"age_band": band}
            assert upcast("ParticipantCheckedIn", 1, data) == (2, data)
        assert upcast("ParticipantCheckedIn", 1, {"n": 1}) == (2, {"n": 1})

    def test_every_v1_band_maps_to_a_band_a_check_in_may_carry(self):
        assert set(AGE_BANDS_V1_TO_V2.values()) <= set(PERSON_AGE_BANDS)
        assert set(PERSON_AGE_BANDS) <= set(AGE_BANDS)

    def test_the_bands_cover_each_age_once(self):
        """Whole years, both ends inclusive: every age from 0 to 120 in one band."""
        for age in range(121):
            fits = [b for b in PERSON_AGE_BANDS if _holds(b, age)]
            assert len(fits) == 1, (age, fits)


def _holds(band: str, age: int) -> bool:
    if band.endswith("+"):
        return age >= int(band[:-1])
    low, high = band.split("-")
    return int(low) <= age <= int(high)


def test_every_event_type_reads_up_to_its_current_version():
    """An event type whose VERSION was raised has an upcaster from each older one."""
    for type_name, cls in EVENT_TYPES.items():
        for version in range(1, cls.VERSION):
            assert (type_name, version) in UPCASTERS, (type_name, version)
        assert (type_name, cls.VERSION) not in UPCASTERS, type_name
