"""Requests, client to server: one frozen dataclass per type, parsed and encoded here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.framing import WireObject, encode_object, is_int


class _Wire:
    """Turns a request or event dataclass into its JSON object: `type` first, then the
    fields in declaration order, a field that is None left out (so a request's `id` is sent
    only when it has one, and an `id` of 0 is sent as 0)."""

    __slots__ = ()
    TYPE: ClassVar[str]
    RENAMED: ClassVar[dict[str, str]] = {}

    def to_wire(self) -> WireObject:
        obj: WireObject = {"type": self.TYPE}
        cls: Any = type(self)
        for name, key in _wire_keys(cls):
            value = getattr(self, name)
            if value is not None:
                obj[key] = _json_value(value)
        return obj

    def encode(self) -> bytes:
        return encode_object(self.to_wire())


@cache
def _wire_keys(cls: type[Any]) -> tuple[tuple[str, str], ...]:
    renamed: dict[str, str] = getattr(cls, "RENAMED", {})
    return tuple((f.name, renamed.get(f.name, f.name)) for f in fields(cls))


def _json_value(value: Any) -> Any:
    if isinstance(value, _Wire) or hasattr(value, "to_wire"):
        return value.to_wire()
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    return value


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
)

MAIN_PORT_TYPES = frozenset(
    cls.TYPE for cls in (Register, Login, ListRooms, CreateRoom, JoinRoom, DeleteRoom, Ping, Logout)
)
ROOM_PORT_TYPES = frozenset(cls.TYPE for cls in (Enter, Say, Leave, Ping))


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


def parse_request(obj: WireObject, allowed: frozenset[str]) -> Request:
    """A decoded frame to a typed request, checking presence and JSON types of its fields.

    `allowed` is the set of types the port understands; others are `unknown_type`.
    Rules on values (name length, capacity range, …) are `validation`'s job.
    """
    kind: str = obj["type"]
    rid: RequestId = obj.get("id")
    if kind not in allowed:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown request type {kind[:40]!r}", rid)
    if kind == Say.TYPE:
        return Say(_text(obj, "text", rid), rid)
    if kind == Ping.TYPE:
        return Ping(rid)
    if kind == ListRooms.TYPE:
        return ListRooms(rid)
    if kind == Logout.TYPE:
        return Logout(rid)
    if kind == Leave.TYPE:
        return Leave(rid)
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
    raise AssertionError(f"allowed type {kind!r} has no parser")  # our bug, not the peer's
