"""The rules on names, passwords, room names, capacities and chat text, shared by both ends.

Names live in `names`, chat text in `chat_text`; this module gathers every rule in one place.

Each check returns the value to use (normalised where that matters) or raises a
`ProtocolError` whose code and message tell the person which rule was broken.
"""

from __future__ import annotations

import unicodedata

from app.shared.chat_text import TEXT_MAX, check_text
from app.shared.names import (
    NAME_MAX,
    NAME_MIN,
    NAME_PUNCTUATION,
    check_name,
    login_key,
    name_key,
    name_skeleton,
)
from app.shared.protocol import ErrorCode, ProtocolError, RequestId

__all__ = [
    "CAPACITY_MAX",
    "CAPACITY_MIN",
    "NAME_MAX",
    "NAME_MIN",
    "NAME_PUNCTUATION",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "ROOM_NAME_MAX",
    "ROOM_PASSWORD_MIN",
    "STATUS_MAX",
    "TEXT_MAX",
    "check_capacity",
    "check_name",
    "check_password",
    "check_room_name",
    "check_room_password",
    "check_status",
    "check_text",
    "login_key",
    "name_key",
    "name_skeleton",
]

PASSWORD_MIN, PASSWORD_MAX = 8, 128
ROOM_PASSWORD_MIN = 4  # for new rooms; rooms opened under the old 1-character rule keep theirs
ROOM_NAME_MAX = 64
CAPACITY_MIN = 2
# The most people a room may hold: `entered`, `joined` and `left` carry every member's name,
# and 400 names of 32 four-byte characters still fit one 64 KiB line.
CAPACITY_MAX = 400


STATUS_MAX = 80  # characters in a presence status line


def check_status(status: str | None, request_id: RequestId = None) -> str | None:
    """A presence status line: None or blank clears it; else one line of at most 80
    characters under the chat text rules, trimmed (`invalid_text` otherwise)."""
    if status is None or not status.strip():
        return None
    status = status.strip()
    if len(status) > STATUS_MAX or "\n" in status or "\t" in status:
        raise ProtocolError(
            ErrorCode.INVALID_TEXT,
            f"a status is one line of at most {STATUS_MAX} characters",
            request_id,
        )
    return check_text(status, request_id)


def check_password(password: str, request_id: RequestId = None) -> str:
    """An account password: 8–128 characters."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ProtocolError(
            ErrorCode.INVALID_PASSWORD,
            f"a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters",
            request_id,
        )
    return password


def check_room_password(password: str, request_id: RequestId = None) -> str:
    """A new room's password: 4–128 characters (`invalid_password` otherwise)."""
    if not ROOM_PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ProtocolError(
            ErrorCode.INVALID_PASSWORD,
            f"a room password has {ROOM_PASSWORD_MIN} to {PASSWORD_MAX} characters",
            request_id,
        )
    return password


def check_room_name(name: str, request_id: RequestId = None) -> str:
    """A room name: 1–64 characters once trimmed, no control characters; returned trimmed."""
    # Far past the limit even with white space around it: not worth normalising.
    long = len(name) > ROOM_NAME_MAX * 8
    name = "" if long else unicodedata.normalize("NFC", name).strip()
    if long or not 1 <= len(name) <= ROOM_NAME_MAX:
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
    """A room capacity: a whole number (not a bool) from 2 to the server's maximum."""
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
