"""The rules on names, passwords, room names, capacities and chat text, shared by both ends.

Each check returns the value to use (normalised where that matters) or raises a
`ProtocolError` whose code and message tell the person which rule was broken.
"""

from __future__ import annotations

import re
import unicodedata

from app.shared.protocol import ErrorCode, ProtocolError, RequestId

NAME_MIN, NAME_MAX = 3, 32
PASSWORD_MIN, PASSWORD_MAX = 8, 128
ROOM_NAME_MAX = 64
TEXT_MAX = 4_000
CAPACITY_MIN = 2
NAME_PUNCTUATION = frozenset("_-.")


def _is_name_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category.startswith("L") or category == "Nd" or char in NAME_PUNCTUATION


def check_name(name: str, request_id: RequestId = None) -> str:
    """An account name: 3–32 letters of any script, digits, `_ - .`; returned in NFC."""
    name = unicodedata.normalize("NFC", name)
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ProtocolError(
            ErrorCode.INVALID_NAME,
            f"a name has {NAME_MIN} to {NAME_MAX} characters",
            request_id,
        )
    if not all(_is_name_char(c) for c in name):
        raise ProtocolError(
            ErrorCode.INVALID_NAME,
            "a name may hold only letters, digits, '_', '-' and '.'",
            request_id,
        )
    return name


def name_key(name: str) -> str:
    """The form two names are compared in: 'Alice' and 'alice' are the same account."""
    return unicodedata.normalize("NFC", name).casefold()


def check_password(password: str, request_id: RequestId = None) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ProtocolError(
            ErrorCode.INVALID_PASSWORD,
            f"a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters",
            request_id,
        )
    return password


def check_room_name(name: str, request_id: RequestId = None) -> str:
    """A room name: 1–64 characters once trimmed, no control characters; returned trimmed."""
    name = unicodedata.normalize("NFC", name).strip()
    if not 1 <= len(name) <= ROOM_NAME_MAX:
        raise ProtocolError(
            ErrorCode.INVALID_ROOM_NAME,
            f"a room name has 1 to {ROOM_NAME_MAX} characters",
            request_id,
        )
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise ProtocolError(
            ErrorCode.INVALID_ROOM_NAME, "a room name may not hold control characters", request_id
        )
    return name


def check_capacity(capacity: object, maximum: int, request_id: RequestId = None) -> int:
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        raise ProtocolError(
            ErrorCode.INVALID_CAPACITY, "capacity must be a whole number", request_id
        )
    if not CAPACITY_MIN <= capacity <= maximum:
        raise ProtocolError(
            ErrorCode.INVALID_CAPACITY,
            f"capacity must be from {CAPACITY_MIN} to {maximum}",
            request_id,
        )
    return capacity


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # control characters but tab and newline


def check_text(text: str, request_id: RequestId = None) -> str:
    if not 1 <= len(text) <= TEXT_MAX:
        raise ProtocolError(
            ErrorCode.INVALID_TEXT, f"a message has 1 to {TEXT_MAX} characters", request_id
        )
    if text.isspace():
        raise ProtocolError(ErrorCode.INVALID_TEXT, "a message may not be only spaces", request_id)
    if _CONTROL.search(text):
        raise ProtocolError(
            ErrorCode.INVALID_TEXT, "a message may not hold control characters", request_id
        )
    return text
