"""Chat text: what a `say` may hold so that it shows as what it is, one person's message.

Refused: control characters but tab and newline (C0, DEL and C1 alike); the line and
paragraph separators U+2028/U+2029 (a newline in disguise); the bidi overrides LRO and RLO
(U+202D, U+202E), which reorder what follows; bidi embeddings (LRE, RLE) and isolates
(LRI, RLI, FSI) that are not closed, in order and on the same line, by their PDF or PDI, and
any PDF or PDI that closes nothing; and texts with no visible character (only spaces,
zero-width or other default-ignorable characters, combining marks or blank-looking fillers).
"""

from __future__ import annotations

import re
import unicodedata

from app.shared.lazy_icu import is_default_ignorable
from app.shared.protocol import ErrorCode, ProtocolError, RequestId

TEXT_MAX = 4_000

_ALLOWED_CONTROLS = frozenset("\t\n")
_LINE_SEPARATORS = frozenset("\u2028\u2029")
_OVERRIDES = frozenset("\u202d\u202e")  # LRO, RLO
_EMBEDDINGS = frozenset("\u202a\u202b")  # LRE, RLE: closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
# Not default-ignorable, yet drawn as nothing: the blank braille cell, a favourite of
# "empty" messages.
_BLANK_LOOKING = frozenset("\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# Every message is checked on the room's hot path, so each rule first asks a regex (C speed)
# whether there is anything to look at; most texts never reach a Python loop.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # Cc but tab, newline
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPECIAL = re.compile(_FORBIDDEN.pattern[:-1] + _BIDI.pattern[1:-1] + "]")  # one scan for both
_SURELY_VISIBLE = re.compile("[!-~]")  # a printable ASCII character other than space


def _invalid(detail: str, request_id: RequestId) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_TEXT, f"a message {detail}", request_id)


def _is_visible(char: str) -> bool:
    return not (
        unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or char in _BLANK_LOOKING
        or is_default_ignorable(char)
    )


def _check_bidi(text: str, request_id: RequestId) -> None:
    """Embeddings and isolates must be balanced and nested within each line."""
    for line in text.split("\n"):
        open_marks: list[str] = []
        for char in line:
            if char in _OVERRIDES:
                raise _invalid(
                    f"may not hold the bidi override U+{ord(char):04X}: it reorders the text "
                    "after it",
                    request_id,
                )
            if char in _EMBEDDINGS or char in _ISOLATES:
                open_marks.append(char)
            elif char in (_PDF, _PDI):
                wanted = _EMBEDDINGS if char == _PDF else _ISOLATES
                if not open_marks or open_marks[-1] not in wanted:
                    raise _invalid(
                        f"closes a bidi embedding or isolate (U+{ord(char):04X}) it did not open",
                        request_id,
                    )
                open_marks.pop()
        if open_marks:
            raise _invalid(
                f"opens a bidi embedding or isolate (U+{ord(open_marks[-1]):04X}) and does not "
                "close it on the same line",
                request_id,
            )


def check_text(text: str, request_id: RequestId = None) -> str:
    """A chat message: 1–4,000 characters, at least one of them visible; returned as is."""
    if not 1 <= len(text) <= TEXT_MAX:
        raise _invalid(f"has 1 to {TEXT_MAX} characters", request_id)
    # Printable ASCII (one pass in C) holds no special character; a class of seven ranges
    # costs the regex several tests per character.
    if not (text.isascii() and text.isprintable()) and _SPECIAL.search(text) is not None:
        _check_special(text, request_id)
    if not _SURELY_VISIBLE.search(text) and not any(_is_visible(c) for c in text):
        raise _invalid("needs at least one visible character", request_id)
    return text


def _check_special(text: str, request_id: RequestId) -> None:
    """The slow path, for a text holding a control, separator or bidi character."""
    forbidden = _FORBIDDEN.search(text)
    if forbidden is not None:
        char = forbidden.group()
        if char in _LINE_SEPARATORS:
            raise _invalid(
                f"may not hold U+{ord(char):04X}, a line break in disguise; use a newline",
                request_id,
            )
        raise _invalid(
            f"may not hold control characters (U+{ord(char):04X}) other than tab and newline",
            request_id,
        )
    _check_bidi(text, request_id)
