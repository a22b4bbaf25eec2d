"""RoomChat protocol v1, sans I/O: bytes in, typed requests out, bytes back.

Nothing here touches a socket or Qt. The server and the client feed received bytes to a
`LineBuffer`, turn each complete line into a request with `parse_request(decode_frame(line))`,
and send what `encode()` returns. Every framing limit lives here, once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 65_536  # one line, newline included
SERVER_NAME = "RoomChat"

RequestId = str | int | None
Message = dict[str, Any]


class ErrorCode(StrEnum):
    """Every `code` an error frame may carry."""

    BAD_REQUEST = "bad_request"
    UNKNOWN_TYPE = "unknown_type"
    FRAME_TOO_LARGE = "frame_too_large"
    NOT_LOGGED_IN = "not_logged_in"
    ALREADY_LOGGED_IN = "already_logged_in"
    NAME_TAKEN = "name_taken"
    INVALID_NAME = "invalid_name"
    INVALID_PASSWORD = "invalid_password"
    REGISTRATION_CLOSED = "registration_closed"
    BAD_CREDENTIALS = "bad_credentials"
    SESSION_REPLACED = "session_replaced"
    INVALID_ROOM_NAME = "invalid_room_name"
    ROOM_NAME_TAKEN = "room_name_taken"
    INVALID_CAPACITY = "invalid_capacity"
    NO_FREE_PORT = "no_free_port"
    NO_SUCH_ROOM = "no_such_room"
    PASSWORD_REQUIRED = "password_required"
    WRONG_PASSWORD = "wrong_password"
    ROOM_FULL = "room_full"
    ALREADY_IN_ROOM = "already_in_room"
    BAD_TICKET = "bad_ticket"
    INVALID_TEXT = "invalid_text"
    INTERNAL_ERROR = "internal_error"
    SERVER_SHUTDOWN = "server_shutdown"
    ROOM_CLOSED = "room_closed"
    KICKED = "kicked"
    RATE_LIMITED = "rate_limited"
    SERVER_BUSY = "server_busy"
    TIMEOUT = "timeout"
    TOO_MANY_ROOMS = "too_many_rooms"


class ProtocolError(Exception):
    """The peer sent something we refuse; becomes an error frame for that peer only."""

    def __init__(self, code: ErrorCode, message: str, request_id: RequestId = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id

    def to_message(self) -> Message:
        return error(self.code, self.message, self.request_id)


# --- framing -------------------------------------------------------------------------------


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


def decode_frame(line: bytes) -> Message:
    """One line to a JSON object with a string `type`; anything else is `bad_request`."""
    try:
        obj = _DECODER.decode(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "frame is not valid UTF-8") from None
    except (ValueError, RecursionError):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "frame is not valid JSON") from None
    if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(obj):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "frame holds an unpaired surrogate escape")
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "frame must be a JSON object")
    request_id = obj.get("id")
    if not (request_id is None or _is_int(request_id) or isinstance(request_id, str)):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "id must be a string or an integer")
    if not isinstance(obj.get("type"), str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "type must be a string", request_id)
    return obj


def encode(message: Message) -> bytes:
    """One message to its wire form: compact UTF-8 JSON and a newline."""
    return _ENCODER.encode(message).encode("utf-8", "replace") + b"\n"


def message_frames(sender: str, ts: str, items: list[tuple[int, str]]) -> bytes:
    """MESSAGE frames for `(seq, text)` pairs from one sender at one time, in one buffer.

    The same bytes `encode()` gives for each message dict, built without a dict per
    message: this is the hot path of every room.
    """
    head = '{"type":"message","seq":'
    middle = ',"from":' + _ENCODER.encode(sender) + ',"text":'
    tail = ',"ts":' + _ENCODER.encode(ts) + "}\n"
    text_of = _ENCODER.encode
    frames = "".join([f"{head}{seq}{middle}{text_of(text)}{tail}" for seq, text in items])
    return frames.encode("utf-8", "replace")


# --- requests ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Register:
    name: str
    password: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Login:
    name: str
    password: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class ListRooms:
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class CreateRoom:
    name: str
    capacity: object  # checked against the server's maximum by validation.check_capacity
    password: str | None = field(default=None, repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class JoinRoom:
    room_id: int
    password: str | None = field(default=None, repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Ping:
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Logout:
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Enter:
    ticket: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Leave:
    id: RequestId = None


Request = Register | Login | ListRooms | CreateRoom | JoinRoom | Ping | Logout | Enter | Say | Leave

MAIN_PORT_TYPES = frozenset(
    {"register", "login", "list_rooms", "create_room", "join_room", "ping", "logout"}
)
ROOM_PORT_TYPES = frozenset({"enter", "say", "leave", "ping"})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(obj: Message, key: str, request_id: RequestId) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be a string", request_id)
    return value


def _optional_text(obj: Message, key: str, request_id: RequestId) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be a string or null", request_id)
    return value


def parse_request(obj: Message, allowed: frozenset[str]) -> Request:
    """A decoded frame to a typed request, checking presence and JSON types of its fields.

    `allowed` is the set of types the port understands; others are `unknown_type`.
    Rules on values (name length, capacity range, …) are `validation`'s job.
    """
    kind: str = obj["type"]
    rid: RequestId = obj.get("id")
    if kind not in allowed:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown request type {kind[:40]!r}", rid)
    if kind == "say":
        return Say(_text(obj, "text", rid), rid)
    if kind == "ping":
        return Ping(rid)
    if kind == "list_rooms":
        return ListRooms(rid)
    if kind == "logout":
        return Logout(rid)
    if kind == "leave":
        return Leave(rid)
    if kind == "register":
        return Register(_text(obj, "name", rid), _text(obj, "password", rid), rid)
    if kind == "login":
        return Login(_text(obj, "name", rid), _text(obj, "password", rid), rid)
    if kind == "create_room":
        if "capacity" not in obj:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "capacity is required", rid)
        name = _text(obj, "name", rid)
        return CreateRoom(name, obj["capacity"], _optional_text(obj, "password", rid), rid)
    if kind == "join_room":
        room_id = obj.get("room_id")
        if not isinstance(room_id, int) or isinstance(room_id, bool):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "room_id must be an integer", rid)
        return JoinRoom(room_id, _optional_text(obj, "password", rid), rid)
    if kind == "enter":
        return Enter(_text(obj, "ticket", rid), rid)
    raise AssertionError(f"allowed type {kind!r} has no parser")  # our bug, not the peer's


# --- replies and events --------------------------------------------------------------------


def reply(kind: str, request_id: RequestId = None, **fields: Any) -> Message:
    """A server frame of `kind`, echoing the request's id when it had one."""
    message: Message = {"type": kind, **fields}
    if request_id is not None:
        message["id"] = request_id
    return message


def error(code: ErrorCode | str, text: str, request_id: RequestId = None) -> Message:
    return reply("error", request_id, code=str(code), message=text)


def rate_limited(text: str, retry_after: float, request_id: RequestId = None) -> Message:
    """A `rate_limited` error: try again in `retry_after` seconds."""
    message = error(ErrorCode.RATE_LIMITED, text, request_id)
    message["retry_after"] = round(retry_after, 3)
    return message


def welcome(version_string: str, registration: bool, max_room_capacity: int) -> Message:
    return reply(
        "welcome",
        version=PROTOCOL_VERSION,
        server=f"{SERVER_NAME} {version_string}",
        registration=registration,
        max_room_capacity=max_room_capacity,
    )
