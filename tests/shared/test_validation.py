"""The value rules on names, passwords, rooms and text."""

from __future__ import annotations

import pytest

from app.shared.protocol import ErrorCode, ProtocolError
from app.shared.validation import (
    check_capacity,
    check_name,
    check_password,
    check_room_name,
    check_room_password,
    check_text,
    name_key,
)


@pytest.mark.parametrize("name", ["bob", "Alice_99", "김민준", "o.k-x", "Ærøskøbing", "a" * 32])
def test_good_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["ab", "a" * 33, "has space", "semi;colon", "tab\tx", "emoji😀x"])
def test_bad_names(name: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        check_name(name)
    assert caught.value.code == ErrorCode.INVALID_NAME


def test_names_compare_without_case() -> None:
    assert name_key("Alice") == name_key("ALICE") == name_key("alice")


def test_password_length_limits() -> None:
    assert check_password("x" * 8) and check_password("x" * 128)
    for bad in ("x" * 7, "x" * 129):
        with pytest.raises(ProtocolError) as caught:
            check_password(bad)
        assert caught.value.code == ErrorCode.INVALID_PASSWORD


def test_room_names_are_trimmed_and_limited() -> None:
    assert check_room_name("  Lounge ") == "Lounge"
    for bad in ("   ", "x" * 65, "bell\x07"):
        with pytest.raises(ProtocolError) as caught:
            check_room_name(bad)
        assert caught.value.code == ErrorCode.INVALID_ROOM_NAME


@pytest.mark.parametrize("capacity", [1, 101, "5", 2.0, True, None])
def test_bad_capacities(capacity: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        check_capacity(capacity, 100)
    assert caught.value.code == ErrorCode.INVALID_CAPACITY


def test_text_rules() -> None:
    assert check_text(" hi ") == " hi "
    for bad in ("", "  \n\t", "x" * 4001):
        with pytest.raises(ProtocolError) as caught:
            check_text(bad)
        assert caught.value.code == ErrorCode.INVALID_TEXT


def test_text_may_hold_tabs_and_newlines_but_no_other_control_characters() -> None:
    assert check_text("line one\n\tline two") == "line one\n\tline two"
    for bad in ("bell\x07", "nul\x00", "esc\x1b[31m", "del\x7f"):
        with pytest.raises(ProtocolError) as caught:
            check_text(bad)
        assert caught.value.code == ErrorCode.INVALID_TEXT


def test_room_passwords_have_4_to_128_characters() -> None:
    assert check_room_password("abcd") == "abcd" and check_room_password("x" * 128)
    for bad in ("", "abc", "x" * 129):
        with pytest.raises(ProtocolError) as caught:
            check_room_password(bad, 3)
        assert caught.value.code == ErrorCode.INVALID_PASSWORD and caught.value.request_id == 3
        assert "4 to 128" in caught.value.message


@pytest.mark.parametrize(
    "bad",
    [
        "next\u0085line",  # C1 NEXT LINE
        "csi\u009b31m",  # C1 CONTROL SEQUENCE INTRODUCER
        "x\u2028y",  # LINE SEPARATOR, a newline in disguise
        "\u202egnp.exe",  # RIGHT-TO-LEFT OVERRIDE
        "a\u202dmixed\u202c",  # LEFT-TO-RIGHT OVERRIDE, even when closed
        "\u2067open isolate",  # RLI never closed
        "\u202bopen embedding",  # RLE never closed
        "\u2066across\n lines\u2069",  # an isolate must close on its own line
        "stray close\u2069",
        "\u2066wrong close\u202c",  # LRI closed by PDF
        "\u200b\u200b\u200b",  # only zero-width spaces
        "\u200d\u2060\ufeff",  # ZWJ, word joiner, BOM
        "\u3164\u3164",  # Hangul filler
        "\u2800",  # blank braille cell
        "\u0301\u0301",  # only combining marks
    ],
)
def test_texts_with_hidden_tricks_or_nothing_visible_are_refused(bad: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        check_text(bad, 9)
    assert caught.value.code == ErrorCode.INVALID_TEXT and caught.value.request_id == 9
    assert caught.value.message.startswith("a message ")


@pytest.mark.parametrize(
    "good",
    [
        "\u2067שלום\u2069 means hello",  # a balanced isolate
        "\u202bעברית\u202c and \u2066x\u2067y\u2069\u2069",  # balanced, nested
        "\u200fשלום",  # marks (RLM) do not reorder anything: allowed
        "👩\u200d💻 emoji with a joiner",
        "안녕하세요\n\t두 줄",
    ],
)
def test_balanced_bidi_and_joiners_in_visible_text_are_taken(good: str) -> None:
    assert check_text(good) == good
