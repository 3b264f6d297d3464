"""Event schema versions: old payloads are lifted on read, step by step."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from events import Event
from events.registry import EVENT_TYPES, lookup, register
from events.upcasters import upcast


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
