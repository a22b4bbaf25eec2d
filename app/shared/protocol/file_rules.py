"""The rules on what a client may declare about a file: its name, MIME type, SHA-256 and an
image's size, and the strict base64 its chunks travel in. Pure functions, both ends.

A file's name is only ever metadata (the server stores files by their hash), but a client
saves a download under it, so a name that could be a path, a device or a spoof is refused
at the door for every client on every platform.
"""

from __future__ import annotations

import binascii
import re
import unicodedata

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId

# A chunk's data, at most: its base64 (61,440 characters) and the JSON around it fit a line.
MAX_CHUNK_BYTES = 46_080
FILE_NAME_MAX_BYTES = 255  # UTF-8 bytes: what most file systems allow in one name
MIME_MAX = 255
IMAGE_SIDE_MAX = 65_535  # pixels a declared width or height may give, at most
SHA256_HEX = re.compile(r"[0-9a-f]{64}")

# C0 and C1 controls, DEL, line separators, and bidi embeddings, overrides and isolates
# ("invoice\u202egpj.exe" shows as "invoiceexe.jpg"); and the characters Windows refuses.
_FORBIDDEN = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069/\\\\<>:"|?*]')
# Drawn as nothing, or reordering what is around them without being an override: bidi
# marks (ALM, LRM, RLM), zero-width space, word joiner and invisible operators, the byte
# order mark, the Mongolian vowel separator and the Hangul fillers. ZWJ and ZWNJ stay: emoji
# sequences and Persian or Indic names need them.
_INVISIBLE = re.compile(
    "[\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u2060-\u2064\u3164\ufeff\uffa0]"
)
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
MARKS_IN_A_ROW = 4  # combining marks on one character, at most (Vietnamese needs 2)
# Windows device names, with or without an extension ("con.txt" opens the console there).
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
# RFC 6838 restricted names: type/subtype, no parameters.
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")


def check_file_name(name: str, request_id: RequestId = None) -> str:
    """A file's name as sent, or `invalid_file_name`: 1 to 255 UTF-8 bytes, no path
    separator or other character Windows refuses, no control, bidi control or invisible
    character, a visible character, at most MARKS_IN_A_ROW combining marks in a row, not
    `.` or `..`, not a Windows device name (`con.txt`), no leading or trailing space
    and no trailing dot."""
    problem = None
    if not name or len(name.encode("utf-8", "replace")) > FILE_NAME_MAX_BYTES:
        problem = f"a file name has 1 to {FILE_NAME_MAX_BYTES} bytes of UTF-8"
    elif _FORBIDDEN.search(name):
        problem = 'a file name holds no / \\ < > : " | ? * nor control characters'
    elif name.strip() != name or name.endswith("."):
        problem = "a file name neither starts nor ends with a space, nor ends with a dot"
    elif _RESERVED.fullmatch(name):
        problem = "a file name is not a Windows device name such as con or lpt1"
    elif any("\ud800" <= char <= "\udfff" for char in name):
        problem = "a file name holds no unpaired surrogate"
    elif _INVISIBLE.search(name):
        problem = "a file name holds no invisible character such as U+200B or U+200F"
    else:
        problem = _unseen_problem(name)
    if problem is not None:
        raise ProtocolError(ErrorCode.INVALID_FILE_NAME, problem, request_id)
    return name


def _unseen_problem(name: str) -> str | None:
    """Why `name` would not show as what it is: no visible character, or a pile of
    combining marks (drawn over the lines around it); None when it shows."""
    visible, marks = False, 0
    for char in name:
        category = unicodedata.category(char)
        marks = marks + 1 if category in ("Mn", "Me") else 0
        if marks > MARKS_IN_A_ROW:
            return f"a file name has at most {MARKS_IN_A_ROW} combining marks in a row"
        visible = visible or category not in _UNSEEN_CATEGORIES
    return None if visible else "a file name needs a visible character"


def check_mime(mime: str, request_id: RequestId = None) -> str:
    """A MIME type `type/subtype` (RFC 6838 characters, no parameters), else `bad_request`."""
    if len(mime) > MIME_MAX or not _MIME.fullmatch(mime):
        text = "mime must be a type/subtype such as image/png, without parameters"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)
    return mime


def check_sha256(value: object, request_id: RequestId = None) -> str:
    """A SHA-256 as 64 lowercase hex digits, else `bad_request`."""
    if not isinstance(value, str) or not SHA256_HEX.fullmatch(value):
        text = "sha256 must be 64 lowercase hexadecimal digits"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)
    return value


def check_side(value: object, key: str, request_id: RequestId = None) -> int | None:
    """An image's declared width or height: absent, or 1 to IMAGE_SIDE_MAX."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= IMAGE_SIDE_MAX:
        text = f"{key} must be an integer from 1 to {IMAGE_SIDE_MAX}"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)
    return value


def decode_chunk(data: object, request_id: RequestId = None) -> bytes:
    """A chunk's `data`: strict base64 (padding required, nothing but the alphabet) of at
    most MAX_CHUNK_BYTES bytes, else `bad_request`."""
    if not isinstance(data, str) or len(data) > (MAX_CHUNK_BYTES + 2) // 3 * 4:
        text = f"data must be the base64 of at most {MAX_CHUNK_BYTES} bytes"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id)
    try:
        return binascii.a2b_base64(data.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        text = "data is not strict base64"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, request_id) from None


def encode_chunk(data: bytes) -> str:
    """Bytes as the base64 a chunk's `data` carries (no newline)."""
    return binascii.b2a_base64(data, newline=False).decode("ascii")
