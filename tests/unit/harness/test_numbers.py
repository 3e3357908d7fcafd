"""The pre-check for huge number literals: never misses one, and is cheap to clear."""

from __future__ import annotations

import json
import re

import orjson
from hypothesis import given
from hypothesis import strategies as st
from synharness.numbers import (
    MAX_MAGNITUDE,
    dump_may_hold_huge,
    huge_numbers,
    may_hold_huge_numbers,
)

#: The literal shapes the pre-check must never miss, spelled the slow way (a regex).
_HUGE_LITERAL = re.compile(r"[eE]\+?0*[1-9][0-9]{2}|[0-9]{151}")


def test_exponents_of_three_digits_are_flagged() -> None:
    for literal in ("1e151", "1E+151", "2.5e300", "1e0151", "-7E999"):
        assert may_hold_huge_numbers(f'{{"x": {literal}}}'), literal


def test_long_digit_runs_are_flagged() -> None:
    assert may_hold_huge_numbers('{"x": ' + "9" * 151 + "}")
    assert not may_hold_huge_numbers('{"x": ' + "9" * 150 + "}")


def test_small_numbers_are_cleared() -> None:
    text = json.dumps({"a": 1e99, "b": -3.5e-300, "c": 12345678901234567, "d": "vec3 e1"})
    assert not may_hold_huge_numbers(text)


def test_look_alikes_are_flagged_and_then_cleared_by_the_walk() -> None:
    data = {"name": "e100 spells a huge number", "x": 1.0}
    assert may_hold_huge_numbers(json.dumps(data))
    assert huge_numbers(data) == []


def test_a_real_huge_number_is_found_by_the_walk() -> None:
    data = {"x": {"max": MAX_MAGNITUDE * 10}}
    assert may_hold_huge_numbers(json.dumps(data))
    assert [f.pointer for f in huge_numbers(data)] == ["/x/max"]


@given(st.text(alphabet=st.sampled_from('0123456789eE+-. x"{}'), max_size=400))
def test_never_misses_what_the_regex_finds(text: str) -> None:
    if _HUGE_LITERAL.search(text):
        assert may_hold_huge_numbers(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_beyond_the_limit_is_flagged(value: float) -> None:
    if abs(value) > MAX_MAGNITUDE:
        assert may_hold_huge_numbers(json.dumps({"x": value}))


@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0, orjson.OPT_INDENT_2]))
def test_orjson_dumps_of_floats_beyond_the_limit_are_flagged(value: float, option: int) -> None:
    dump = orjson.dumps({"x": value, "s": "a + b"}, option=option)
    if abs(value) > MAX_MAGNITUDE:
        assert dump_may_hold_huge(dump)
    elif abs(value) < 1e100:  # exponents of two digits at most, and a plus that is no exponent
        assert not dump_may_hold_huge(dump)


def test_orjson_dumps_of_integers_and_plus_signs_are_cleared() -> None:
    data = {"a": 2**64 - 1, "b": -(2**63), "c": 1e16, "d": "e+1 x+100 +", "e": 1e-200}
    assert not dump_may_hold_huge(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    assert dump_may_hold_huge(b'"e+100"')  # a look-alike, cleared by the walk
