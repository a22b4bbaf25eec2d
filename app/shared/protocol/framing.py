"""Framing: a byte stream split into lines under the limit, each a JSON object with a type."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import msgspec

from app.shared.protocol.errors import ErrorCode, LocalProtocolError, ProtocolError

MAX_FRAME_BYTES = 65_536  # one line, newline included
# Every reply echoes its request's id, so an id is kept short: a reply must fit the line.
MAX_ID_CHARS = 128
MAX_INT_ID = 2**63 - 1
WireObject = dict[str, Any]  # a decoded frame, before it is typed


class LineBuffer:
    """Splits a byte stream into lines of at most `MAX_FRAME_BYTES` (newline included).

    `feed()` returns the complete lines (without the newline, a trailing CR dropped).
    When a line grows past the limit, `overflowed` becomes true and the buffer stops
    returning lines: the peer has broken framing and its connection should be closed.
    """

    __slots__ = ("_pending", "limit", "overflowed")

    def __init__(self, limit: int = MAX_FRAME_BYTES) -> None:
        self._pending = b""
        self.limit = limit
        self.overflowed = False

    def feed(self, data: bytes) -> list[bytes]:
        if self.overflowed:
            return []
        if self._pending:
            data = self._pending + data
        lines = data.split(b"\n")
        self._pending = lines.pop()
        complete: list[bytes] = []
        for line in lines:
            if len(line) >= self.limit:  # with its newline it is over the limit
                self.overflowed = True
                self._pending = b""
                return complete
            complete.append(line[:-1] if line.endswith(b"\r") else line)
        if len(self._pending) >= self.limit:
            self.overflowed = True
            self._pending = b""
        return complete

    @property
    def pending_bytes(self) -> int:
        return len(self._pending)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Built once: json.loads/dumps with non-default arguments build a new coder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


# A \uD800-\uDFFF escape: the only way a lone surrogate (which no UTF-8 encoder will
# write back out) can get into a decoded frame. Only frames that have one are searched.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _has_lone_surrogate(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# msgspec's C decoder (8x the stdlib's speed on a say line) takes the line's bytes as they
# are and rejects all the stdlib decoder is made to reject here: invalid UTF-8, NaN and
# Infinity, lone surrogate escapes, nesting past the recursion limit; also a number too big
# for a double (1e400), which the stdlib turns into infinity. Duplicate keys: the last one
# wins, as with the stdlib. A frame it rejects goes through the stdlib path below only to
# say why, with the same messages as before.
_FAST_DECODE = msgspec.json.Decoder().decode


def _rejection(line: bytes) -> ProtocolError:
    """Why a line the fast decoder rejected is not a frame."""
    try:
        obj = _DECODER.decode(line.decode("utf-8"))
    except UnicodeDecodeError:
        return ProtocolError(ErrorCode.BAD_REQUEST, "frame is not valid UTF-8")
    except (ValueError, RecursionError):
        return ProtocolError(ErrorCode.BAD_REQUEST, "frame is not valid JSON")
    if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(obj):
        return ProtocolError(ErrorCode.BAD_REQUEST, "frame holds an unpaired surrogate escape")
    return ProtocolError(ErrorCode.BAD_REQUEST, "frame is not valid JSON")  # e.g. 1e400


def decode_frame(line: bytes) -> WireObject:
    """One line to a JSON object with a string `type`; anything else is `bad_request`."""
    try:
        obj = _FAST_DECODE(line)
    except (msgspec.DecodeError, RecursionError):
        raise _rejection(line) from None
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "frame must be a JSON object")
    request_id = obj.get("id")
    if request_id is not None:  # most frames (every say of a chat burst) have none
        if isinstance(request_id, str):
            if len(request_id) > MAX_ID_CHARS:
                text = f"an id has at most {MAX_ID_CHARS} characters"
                raise ProtocolError(ErrorCode.BAD_REQUEST, text)
        elif not is_int(request_id):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "id must be a string or an integer")
        elif not -MAX_INT_ID <= request_id <= MAX_INT_ID:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "an integer id must fit in 64 bits")
    if not isinstance(obj.get("type"), str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "type must be a string", request_id)
    return obj


def encode_object(obj: WireObject) -> bytes:
    """A JSON object to its wire form: compact UTF-8 JSON and a newline.

    Raises `LocalProtocolError` for a line over MAX_FRAME_BYTES: a frame we build must
    always be readable by the peer, so whoever builds a list pages or trims it first.
    """
    data = _ENCODER.encode(obj).encode("utf-8", "replace") + b"\n"
    if len(data) > MAX_FRAME_BYTES:
        raise LocalProtocolError(f"a {obj.get('type')!r} frame of {len(data)} bytes")
    return data


def json_text(value: object) -> str:
    """A value as compact JSON text, as frames carry it."""
    return _ENCODER.encode(value)


def count_fitting(items: Iterable[Any], budget: int) -> int:
    """How many of `items` (messages with `to_wire`), taken in order, fit `budget` bytes of
    a JSON list: each one's UTF-8 encoding and its comma. Every frame that trims a list to
    the line limit counts with this."""
    count = 0
    for item in items:
        budget -= len(json_text(item.to_wire()).encode("utf-8", "replace")) + 1
        if budget < 0:
            break
        count += 1
    return count


# A string as `json_text` gives it (ensure_ascii=False), straight from the C encoder: the
# encoder's own `encode()` costs two Python calls per string, on the room's hot path.
json_string = json.encoder.encode_basestring


def is_int(value: object) -> bool:
    """A JSON integer (bool is an int in Python, never in the protocol)."""
    return isinstance(value, int) and not isinstance(value, bool)
