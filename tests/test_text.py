"""lingtan.text: input made safe to show; JSON kept exact."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.errors import PackageError, Problem
from lingtan.text import json_safe, quote, safe


@pytest.mark.parametrize(("text", "shown"), [
    ("M1", "M1"),
    ("M1\x1b[2J", "M1\\x1b[2J"),                    # ESC: clear screen
    ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
    ("\x7f\x9b", "\\x7f\\x9b"),                     # DEL, the one-byte CSI
    ("abc\u202edef", "abc\\u202edef"),              # right-to-left override
    ("M1\u200b", "M1\\u200b"),                      # zero-width space
    ("\U000e0041", "\\U000e0041"),                  # a tag character
    ("一楼 电表 [bold]", "一楼 电表 [bold]"),          # printable text is left alone
    ("C:\\data", "C:\\data"),
])
def test_safe_escapes_every_non_printable_character(text: str, shown: str) -> None:
    assert safe(text) == shown


def test_safe_can_keep_line_breaks() -> None:
    assert safe("one\ntwo\x1b", keep_newlines=True) == "one\ntwo\\x1b"


def test_quote_shows_a_trailing_space() -> None:
    assert quote("M1 ") == "'M1 '"
    assert quote("\x1b[2JM1 ") == "'\\x1b[2JM1 '"


def test_problem_text_is_safe_and_names_the_field_quoted() -> None:
    p = Problem("readings/a\x1b.csv", 3, "meter\x07id", "unknown meter id M1\x1b[2J ")
    assert str(p) == ("readings/a\\x1b.csv, row 3, field 'meter\\x07id': "
                      "unknown meter id M1\\x1b[2J ")
    assert "\x1b" not in str(PackageError([p]))


@given(st.text())
def test_safe_output_is_printable(text: str) -> None:
    assert safe(text).isprintable()
    assert safe(text) == text or not text.isprintable()


@given(st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                    max_leaves=10))
def test_json_safe_keeps_the_value_and_prints_nothing_raw(value: object) -> None:
    document = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(document) == value
    assert all(ch.isprintable() or ch == "\n" for ch in document)


def test_json_safe_escapes_what_json_dumps_leaves_raw() -> None:
    raw = json.dumps({"id": "M\x9b2J\u202e\U000e0041"}, ensure_ascii=False)
    assert "\x9b" in raw                                    # json.dumps leaves C1 raw
    assert json_safe(raw) == '{"id": "M\\u009b2J\\u202e\\udb40\\udc41"}'
