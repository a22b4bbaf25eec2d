"""Requests, client to server: one frozen dataclass per type, parsed and encoded here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.files import FILE_REQUEST_TYPES, FileRequest, parse_file_request
from app.shared.protocol.framing import WireObject, is_int
from app.shared.protocol.moderation import MODERATION_TYPES, ModerationRequest, parse_moderation
from app.shared.protocol.room_settings import RoomSettings, parse_room_settings
from app.shared.protocol.wire import _Wire

__all__ = ["_Wire"]  # where people.py and events.py have long found it

# Presence states: what `presence` events say, and which of them `set_presence` may ask for.
ONLINE, AWAY, OFFLINE = "online", "away", "offline"
PRESENCE_STATES = (ONLINE, AWAY, OFFLINE)
SETTABLE_STATES = (ONLINE, AWAY)
DIRECT_PAGE_DEFAULT = 50
DIRECT_PAGE_MAX = 200  # the most messages one `direct_history` may ask for
HISTORY_PAGE_DEFAULT = 50
HISTORY_PAGE_MAX = 200  # the most messages one room-port `history` may ask for
SEARCH_PAGE_DEFAULT = 20
SEARCH_PAGE_MAX = 50  # the most results one `search` may ask for
MAX_QUERY_CHARS = 200


@dataclass(frozen=True, slots=True)
class Register(_Wire):
    TYPE: ClassVar[str] = "register"
    name: str
    password: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Login(_Wire):
    TYPE: ClassVar[str] = "login"
    name: str
    password: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class ListRooms(_Wire):
    TYPE: ClassVar[str] = "list_rooms"
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class CreateRoom(_Wire):
    TYPE: ClassVar[str] = "create_room"
    name: str
    capacity: object  # checked against the server's maximum by validation.check_capacity
    password: str | None = field(default=None, repr=False)
    id: RequestId = None
    persistent: bool | None = None  # true: the room stays open when empty and over restarts


@dataclass(frozen=True, slots=True)
class JoinRoom(_Wire):
    TYPE: ClassVar[str] = "join_room"
    room_id: int
    password: str | None = field(default=None, repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class DeleteRoom(_Wire):
    TYPE: ClassVar[str] = "delete_room"
    room_id: int
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Ping(_Wire):
    TYPE: ClassVar[str] = "ping"
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Logout(_Wire):
    TYPE: ClassVar[str] = "logout"
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Enter(_Wire):
    TYPE: ClassVar[str] = "enter"
    ticket: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Say(_Wire):
    TYPE: ClassVar[str] = "say"
    text: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Leave(_Wire):
    TYPE: ClassVar[str] = "leave"
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Read(_Wire):
    """On a room port: the person has seen the room's messages up to `seq`."""

    TYPE: ClassVar[str] = "read"
    seq: int
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Typing(_Wire):
    """On a room port: the person is typing (sent at most once per 3 s)."""

    TYPE: ClassVar[str] = "typing"
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class ResumeSession(_Wire):
    """Log in with the resume token an earlier `logged_in` gave (no password)."""

    TYPE: ClassVar[str] = "resume"
    token: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Direct(_Wire):
    """A direct message to one person."""

    TYPE: ClassVar[str] = "direct"
    to: str
    text: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class DirectHistory(_Wire):
    """A page of the conversation with `peer` (the wire's `with`), older than `before`."""

    TYPE: ClassVar[str] = "direct_history"
    RENAMED: ClassVar[dict[str, str]] = {"peer": "with"}
    peer: str
    before: int | None = None  # a seq; None: from the newest
    limit: int = DIRECT_PAGE_DEFAULT
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class RoomHistory(_Wire):
    """On a room port: a page of the room's messages older than `before`."""

    TYPE: ClassVar[str] = "history"
    before: int | None = None  # a seq; None: from the newest
    limit: int = HISTORY_PAGE_DEFAULT
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Search(_Wire):
    """Find messages holding `query` in `room_id` (None: every room one may read), newest
    first; `cursor` (from the last `search_results`) asks for the next page."""

    TYPE: ClassVar[str] = "search"
    query: str
    room_id: int | None = None
    limit: int = SEARCH_PAGE_DEFAULT
    cursor: str | None = None
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Block(_Wire):
    TYPE: ClassVar[str] = "block"
    name: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Unblock(_Wire):
    TYPE: ClassVar[str] = "unblock"
    name: str
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class SetPresence(_Wire):
    """Say whether you are online or away, and your status line (None clears it)."""

    TYPE: ClassVar[str] = "set_presence"
    state: str  # one of SETTABLE_STATES
    status: str | None = None
    id: RequestId = None


Request = (
    Register
    | Login
    | ListRooms
    | CreateRoom
    | JoinRoom
    | DeleteRoom
    | Ping
    | Logout
    | Enter
    | Say
    | Leave
    | Read
    | Typing
    | ResumeSession
    | Direct
    | DirectHistory
    | Block
    | Unblock
    | SetPresence
    | ModerationRequest
    | RoomSettings
    | RoomHistory
    | Search
    | FileRequest
)

MAIN_PORT_TYPES = frozenset(
    cls.TYPE
    for cls in (
        Register,
        Login,
        ListRooms,
        CreateRoom,
        JoinRoom,
        DeleteRoom,
        Ping,
        Logout,
        ResumeSession,
        Direct,
        DirectHistory,
        Block,
        Unblock,
        SetPresence,
        Search,
    )
)
ROOM_PORT_TYPES = frozenset(
    cls.TYPE for cls in (Enter, Say, Leave, Ping, RoomSettings, RoomHistory, Read, Typing)
)
ROOM_PORT_TYPES |= MODERATION_TYPES | FILE_REQUEST_TYPES
_SAY = Say.TYPE


def _text(obj: WireObject, key: str, request_id: RequestId) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be a string", request_id)
    return value


def _optional_text(obj: WireObject, key: str, request_id: RequestId) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be a string or null", request_id)
    return value


def _optional_flag(obj: WireObject, key: str, request_id: RequestId) -> bool | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be true, false or null", request_id)
    return value


def _room_id(obj: WireObject, request_id: RequestId) -> int:
    room_id = obj.get("room_id")
    if not is_int(room_id):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "room_id must be an integer", request_id)
    assert isinstance(room_id, int)
    return room_id


def _direct_history(obj: WireObject, rid: RequestId) -> DirectHistory:
    peer = _text(obj, "with", rid)
    return DirectHistory(peer, *_page_bounds(obj, rid, DIRECT_PAGE_DEFAULT, DIRECT_PAGE_MAX), rid)


def _page_bounds(
    obj: WireObject, rid: RequestId, default: int, most: int
) -> tuple[int | None, int]:
    """A page request's `before` (a seq or null) and `limit` (1 to `most`)."""
    before = obj.get("before")
    if before is not None and not is_int(before):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "before must be a seq or null", rid)
    limit = obj.get("limit", default)
    if not is_int(limit) or not 1 <= limit <= most:
        text = f"limit must be an integer from 1 to {most}"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, rid)
    return before, limit


def _search(obj: WireObject, rid: RequestId) -> Search:
    query = obj.get("query")
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY_CHARS:
        text = f"query must be text of 1 to {MAX_QUERY_CHARS} characters"
        raise ProtocolError(ErrorCode.INVALID_QUERY, text, rid)
    room_id = obj.get("room_id")
    if room_id is not None and not is_int(room_id):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "room_id must be a room's id or null", rid)
    limit = obj.get("limit", SEARCH_PAGE_DEFAULT)
    if not is_int(limit) or not 1 <= limit <= SEARCH_PAGE_MAX:
        text = f"limit must be an integer from 1 to {SEARCH_PAGE_MAX}"
        raise ProtocolError(ErrorCode.BAD_REQUEST, text, rid)
    return Search(query, room_id, limit, _optional_text(obj, "cursor", rid), rid)


def _set_presence(obj: WireObject, rid: RequestId) -> SetPresence:
    state = obj.get("state")
    if state not in SETTABLE_STATES:
        raise ProtocolError(ErrorCode.BAD_REQUEST, "state must be online or away", rid)
    assert isinstance(state, str)
    return SetPresence(state, _optional_text(obj, "status", rid), rid)


def parse_request(obj: WireObject, allowed: frozenset[str]) -> Request:
    """A decoded frame to a typed request, checking presence and JSON types of its fields.

    `allowed` is the set of types the port understands; others are `unknown_type`.
    Rules on values (name length, capacity range, …) are `validation`'s job.
    """
    kind: str = obj["type"]
    rid: RequestId = obj.get("id")
    if kind not in allowed:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown request type {kind[:40]!r}", rid)
    if kind == _SAY:  # first, and without a class attribute lookup: most frames are says
        return Say(_text(obj, "text", rid), rid)
    if kind in FILE_REQUEST_TYPES:  # next: an upload is many chunk frames
        return parse_file_request(obj, kind, rid)
    if kind == Ping.TYPE:
        return Ping(rid)
    if kind == ListRooms.TYPE:
        return ListRooms(rid)
    if kind == Logout.TYPE:
        return Logout(rid)
    if kind == Leave.TYPE:
        return Leave(rid)
    if kind == Read.TYPE:
        seq = obj.get("seq")
        if not is_int(seq) or not isinstance(seq, int) or seq < 0:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "seq must be an integer, 0 or more", rid)
        return Read(seq, rid)
    if kind == Typing.TYPE:
        return Typing(rid)
    if kind == Register.TYPE:
        return Register(_text(obj, "name", rid), _text(obj, "password", rid), rid)
    if kind == Login.TYPE:
        return Login(_text(obj, "name", rid), _text(obj, "password", rid), rid)
    if kind == CreateRoom.TYPE:
        if "capacity" not in obj:
            raise ProtocolError(ErrorCode.BAD_REQUEST, "capacity is required", rid)
        name = _text(obj, "name", rid)
        password = _optional_text(obj, "password", rid)
        persistent = _optional_flag(obj, "persistent", rid)
        return CreateRoom(name, obj["capacity"], password, rid, persistent)
    if kind == JoinRoom.TYPE:
        return JoinRoom(_room_id(obj, rid), _optional_text(obj, "password", rid), rid)
    if kind == DeleteRoom.TYPE:
        return DeleteRoom(_room_id(obj, rid), rid)
    if kind == Enter.TYPE:
        return Enter(_text(obj, "ticket", rid), rid)
    if kind == ResumeSession.TYPE:
        return ResumeSession(_text(obj, "token", rid), rid)
    if kind == Direct.TYPE:
        return Direct(_text(obj, "to", rid), _text(obj, "text", rid), rid)
    if kind == DirectHistory.TYPE:
        return _direct_history(obj, rid)
    if kind == Block.TYPE:
        return Block(_text(obj, "name", rid), rid)
    if kind == Unblock.TYPE:
        return Unblock(_text(obj, "name", rid), rid)
    if kind == SetPresence.TYPE:
        return _set_presence(obj, rid)
    if kind == RoomSettings.TYPE:
        return parse_room_settings(obj, rid)
    if kind in MODERATION_TYPES:
        return parse_moderation(obj, kind, rid)
    if kind == Search.TYPE:
        return _search(obj, rid)
    if kind == RoomHistory.TYPE:
        return RoomHistory(*_page_bounds(obj, rid, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX), rid)
    raise AssertionError(f"allowed type {kind!r} has no parser")  # our bug, not the peer's
