"""Account names: PRECIS preparation, look-alikes (TR39 skeletons), scripts, visible letters."""

from __future__ import annotations

import random
import unicodedata

import icu
import pytest

from app.shared import names
from app.shared.protocol import ErrorCode, ProtocolError
from app.shared.validation import NAME_PUNCTUATION, check_name, name_key, name_skeleton
from tests.python_script import printed_by

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


ASCII = [chr(code) for code in range(128)]


def icu_skeleton(text: str) -> str:
    """`name_skeleton`'s rule asked of ICU itself, without its ASCII shortcut."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return str(icu.SpoofChecker().getSkeleton(0, folded)).casefold()


def test_ascii_skeletons_are_icus() -> None:
    for char in ASCII:
        assert name_skeleton(char) == icu_skeleton(char), repr(char)
    texts = random.Random(39)
    for _ in range(300):
        text = "".join(texts.choices(ASCII, k=texts.randint(1, 40)))
        assert name_skeleton(text) == icu_skeleton(text), repr(text)


def test_icu_finds_nothing_in_any_ascii_name() -> None:
    # check_name takes an ASCII name without asking ICU: right only while ICU's checks find
    # nothing in its characters, alone or together.
    chars = "".join(c for c in ASCII if c.isalnum() or c in NAME_PUNCTUATION)
    checker = names._spoof().checker  # the checker non-ASCII names are asked of
    assert checker.check(chars) == 0
    for char in chars:
        assert checker.check(f"ab{char}") == 0, repr(char)
    assert check_name("Bob_1.x-2") == "Bob_1.x-2"


def test_an_ascii_login_finds_the_key_precis_would_give() -> None:
    """An ASCII name skips PRECIS at login; the key is the one its preparation gives (or,
    for a name PRECIS refuses, the name's own), for every ASCII character and mixes."""

    def prepared_key(name: str) -> str:
        try:
            return name_key(names._prepare(name, None))
        except ProtocolError:
            return name_key(name)

    chars = [chr(code) for code in range(128)]
    samples = chars + [f"a{c}B" for c in chars] + [f"{c}Zz{c}" for c in chars]
    rng = random.Random(7)
    samples += ["".join(rng.choices(chars, k=rng.randint(0, 40))) for _ in range(2000)]
    for name in samples:
        assert names.login_key(name) == prepared_key(name), repr(name)
    long = "Ab" * 200  # past the longest a name can be: cut first, as before
    assert names.login_key(long) == name_key(long[: names._LONGEST_UNPREPARED])


def test_logins_and_ascii_names_never_load_icu() -> None:
    """Importing ICU costs a process about 9 MB (docs/PERFORMANCE.md): a server whose
    accounts only log in, with ASCII names and plain chat, never needs it."""
    script = (
        "import sys\n"
        "import app.server.cli\n"
        "from app.shared.validation import check_name, check_text, login_key, name_skeleton\n"
        "login_key('\uff21LICE'); check_name('Bob_1.x'); check_text('hi')\n"
        "name_skeleton('Room 1'); name_skeleton('Lounge 100%')\n"
        "before = 'icu' in sys.modules\n"
        "check_name('\u0411\u043e\u0431')\n"
        "print(before, 'icu' in sys.modules)\n"
    )
    assert printed_by(script) == ["False", "True"]
