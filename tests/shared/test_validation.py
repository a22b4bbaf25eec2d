"""The value rules on names, passwords, rooms and text."""

from __future__ import annotations

import pytest

from app.shared.protocol import ErrorCode, ProtocolError
from app.shared.validation import (
    check_capacity,
    check_name,
    check_password,
    check_room_name,
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
