"""Account names: PRECIS preparation (RFC 8265), script and lookalike rules (Unicode TR39).

A name is prepared by the PRECIS UsernameCasePreserved profile (width mapping, NFC, the
IdentifierClass and the bidi rule), must then keep to RoomChat's own character rule, use only
characters TR39 recommends for identifiers, stay within one script (or a mix TR39 calls
"highly restrictive": Latin with Han, Hiragana, Katakana, Bopomofo or Hangul), use digits of
one numbering system, and hold at least one visible letter. Two names are one account when
their `name_key`s are equal; two names are too alike to both exist when their
`name_skeleton`s are equal (so `аlice`, with a Cyrillic `а`, is `alice`).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any, NamedTuple

from precis_i18n import get_profile

from app.shared.lazy_icu import icu, is_default_ignorable
from app.shared.protocol import ErrorCode, ProtocolError, RequestId

NAME_MIN, NAME_MAX = 3, 32
# Longer than any name can be once prepared (a letter with its combining marks, decomposed):
# refused before the costly PRECIS pass.
_LONGEST_UNPREPARED = NAME_MAX * 4
NAME_PUNCTUATION = frozenset("_-.")

_PRECIS = get_profile("UsernameCasePreserved")


class _Spoof(NamedTuple):
    checker: Any  # icu.SpoofChecker
    allowed: Any  # icu.UnicodeSet: the characters a name may use


@functools.cache
def _spoof() -> _Spoof:
    """ICU's TR39 checker, built when a name is first checked (see `lazy_icu`): a login to an
    existing account, which needs only `login_key`, never loads ICU."""
    lib = icu()
    checker = lib.SpoofChecker()
    checker.setRestrictionLevel(lib.URestrictionLevel.HIGHLY_RESTRICTIVE)
    allowed = lib.UnicodeSet()
    allowed.addAll(checker.getRecommendedUnicodeSet())  # a copy: the recommended set is frozen
    for char in NAME_PUNCTUATION:  # TR39 leaves `.` and `-` out; RoomChat has always taken them
        allowed.add(char)
    allowed.freeze()
    checker.setAllowedUnicodeSet(allowed)
    checker.setChecks(
        lib.USpoofChecks.RESTRICTION_LEVEL
        | lib.USpoofChecks.MIXED_NUMBERS
        | lib.USpoofChecks.INVISIBLE
        | lib.USpoofChecks.CHAR_LIMIT
    )
    return _Spoof(checker, allowed)


# The TR39 skeleton of each ASCII character that has one other than itself, case folded as
# `name_skeleton` does ('M' folds to 'm'). An ASCII text's skeleton is then found without
# ICU; tests/shared/test_names.py checks every ASCII character against ICU's own answer.
_ASCII_SKELETONS = str.maketrans(
    {'"': "''", "%": "\u00ba/\u2080", "0": "o", "1": "l", "`": "'", "m": "rn", "|": "l"}
)


# What the PRECIS library reports, as `UnicodeEncodeError.reason` ("DISALLOWED/<why>").
_PRECIS_REASONS = {
    "has_compat": "may not use a styled, wide or compatibility form of a letter",
    "spaces": "may not hold spaces",
    "bidi_rule": "mixes right-to-left letters with other characters in a way that can "
    "display out of order",
    "precis_ignorable_properties": "may not hold invisible characters",
    "old_hangul_jamo": "may not hold Hangul filler or loose jamo characters",
    "controls": "may not hold control characters",
    "empty": f"has {NAME_MIN} to {NAME_MAX} characters",
}


def _invalid(detail: str, request_id: RequestId) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_NAME, f"a name {detail}", request_id)


def _describe(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


def _is_name_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category.startswith("L") or category == "Nd" or char in NAME_PUNCTUATION


def _is_visible_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and (
        char.isascii() or not is_default_ignorable(char)
    )


def _prepare(name: str, request_id: RequestId) -> str:
    try:
        return str(_PRECIS.enforce(name))
    except UnicodeEncodeError as failure:
        why = str(failure.reason).rpartition("/")[2]
        detail = _PRECIS_REASONS.get(why, "may hold only letters, digits, '_', '-' and '.'")
        bad = failure.object[failure.start : failure.end]
        if why != "bidi_rule" and len(bad) == 1:
            detail += f": {_describe(bad)}"
        raise _invalid(detail, request_id) from None


def check_name(name: str, request_id: RequestId = None) -> str:
    """An account name, prepared by PRECIS (so wide letters become plain, and it is NFC).

    The spelling is kept: it is what `logged_in` shows. Raises `invalid_name` on any rule.
    """
    if len(name) > _LONGEST_UNPREPARED:  # PRECIS costs time in proportion: not for 64 KB
        raise _invalid(f"has {NAME_MIN} to {NAME_MAX} characters", request_id)
    name = _prepare(name, request_id) if name else name
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise _invalid(f"has {NAME_MIN} to {NAME_MAX} characters", request_id)
    stray = next((c for c in name if not _is_name_char(c)), None)
    if stray is not None:
        raise _invalid(
            f"may hold only letters, digits, '_', '-' and '.', not {_describe(stray)}", request_id
        )
    if not any(_is_visible_letter(c) for c in name):
        raise _invalid("needs at least one letter", request_id)
    if name.isascii():  # Latin letters, digits and _-. only: every TR39 check below passes
        return name
    spoof = _spoof()
    checks = icu().USpoofChecks
    found = spoof.checker.check(name)
    if found & checks.CHAR_LIMIT:
        rare = next(c for c in name if not spoof.allowed.contains(c))
        raise _invalid(
            f"may not use the uncommon or look-alike letter {_describe(rare)}", request_id
        )
    if found & checks.RESTRICTION_LEVEL:
        raise _invalid(
            "may not mix scripts (such as Latin and Cyrillic); Latin may go with Han, "
            "Hiragana, Katakana, Bopomofo or Hangul",
            request_id,
        )
    if found & checks.MIXED_NUMBERS:
        raise _invalid("may not mix digits of different numbering systems", request_id)
    if found:
        raise _invalid("may not hold invisible or repeated combining marks", request_id)
    return name


def login_key(name: str) -> str:
    """The key a login with `name` looks up: prepared as at registration where it can be
    (`ＡＬＩＣＥ` finds `alice`), else as typed (it then finds no account)."""
    if name.isascii():
        # PRECIS gives an ASCII name back as it is or refuses it (a space, a control
        # character), and either way its key is its case fold: no PRECIS pass, which cost a
        # login more than its SQL (tests/shared/test_names.py checks every ASCII character).
        return name[:_LONGEST_UNPREPARED].lower()
    if len(name) > _LONGEST_UNPREPARED:
        return name_key(name[:_LONGEST_UNPREPARED])  # too long to be anyone's
    try:
        return name_key(_prepare(name, None))
    except ProtocolError:
        return name_key(name)


def name_key(name: str) -> str:
    """The form accounts are stored and found under: 'Alice' and 'alice' are one account.

    Deliberately unchanged (NFC, then case folding) so existing databases keep working.
    """
    return unicodedata.normalize("NFC", name).casefold()


def name_skeleton(name: str) -> str:
    """The TR39 skeleton of a name or room name, without case: equal skeletons look alike
    (`аlice` with a Cyrillic `а`, `ａｌｉｃｅ`, `alıce` and `Alice` all give `alice`).

    NFKC comes first, so wide and styled forms (which TR39's data covers only in part)
    count as their plain letters."""
    if name.isascii():  # NFKC leaves ASCII as it is; TR39 maps it character by character
        return name.lower().translate(_ASCII_SKELETONS)
    folded = unicodedata.normalize("NFKC", name).casefold()
    return str(_spoof().checker.getSkeleton(0, folded)).casefold()
