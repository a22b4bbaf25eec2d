"""Account names: PRECIS preparation, look-alikes (TR39 skeletons), scripts, visible letters."""

from __future__ import annotations

import unicodedata

import pytest

from app.shared.protocol import ErrorCode, ProtocolError
from app.shared.validation import check_name, name_key, name_skeleton

LOOKALIKES_OF_ALICE = ["ａｌｉｃｅ", "alıce", "ALICE", "alіce"]


def refused(name: str) -> str:
    with pytest.raises(ProtocolError) as caught:
        check_name(name, 7)
    assert caught.value.code == ErrorCode.INVALID_NAME and caught.value.request_id == 7
    return caught.value.message


@pytest.mark.parametrize(
    "name", ["김민지", "kim김민지42", "王小明", "田中さん", "Иван", "ελένη", "Straße", "o.k-x"]
)
def test_names_of_one_script_or_a_common_mix_are_taken(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("аlice", "mix scripts"),  # Cyrillic а
        ("admіn", "mix scripts"),  # Cyrillic і
        ("Иванa", "mix scripts"),  # Latin a at the end
        ("𝐚𝐥𝐢𝐜𝐞", "styled"),  # mathematical bold
        ("ᴀlice", "uncommon"),  # small capital A
        ("\u3164\u3164\u3164", "invisible"),  # Hangul filler
        ("\uffa0\uffa0\uffa0", "Hangul filler"),  # halfwidth Hangul filler
        ("\u115f\u115f\u115f", "Hangul filler"),  # choseong filler
        ("a\u200bbc", "invisible"),
        ("___", "at least one letter"),
        ("1234", "at least one letter"),
        ("กขค1๑", "numbering systems"),  # Thai letters, an ASCII and a Thai digit
    ],
)
def test_confusable_invisible_and_mixed_names_are_refused(name: str, words: str) -> None:
    assert words in refused(name)


def test_wide_letters_are_prepared_to_plain_ones_keeping_case() -> None:
    assert check_name("ＡＬＩＣＥ") == "ALICE"
    assert check_name("Alice") == "Alice"


def test_names_are_returned_in_nfc_so_decomposed_and_precomposed_are_one_account() -> None:
    precomposed, decomposed = "café", "cafe\u0301"
    jamo = unicodedata.normalize("NFD", "김민지")
    assert jamo != "김민지"
    assert check_name(decomposed) == precomposed
    assert check_name(jamo) == "김민지"
    assert name_key(decomposed) == name_key(precomposed)
    assert name_key(jamo) == name_key("김민지")


@pytest.mark.parametrize("name", LOOKALIKES_OF_ALICE)
def test_lookalikes_share_a_skeleton(name: str) -> None:
    assert name_skeleton(name) == name_skeleton("alice")


def test_different_names_have_different_skeletons() -> None:
    assert name_skeleton("alice") != name_skeleton("alicia")
    assert name_skeleton("김민지") != name_skeleton("김민준")


def test_wide_and_styled_room_names_look_like_plain_ones() -> None:
    assert name_skeleton("Ｌｏｕｎｇｅ") == name_skeleton("𝐋𝐨𝐮𝐧𝐠𝐞") == name_skeleton("Lounge")


def test_name_key_is_unchanged_for_existing_accounts() -> None:
    # Accounts are stored under name_key; changing it would lock existing accounts out.
    assert name_key("Straße") == "strasse"
    assert name_key("ＡＬＩＣＥ") == "ａｌｉｃｅ"
