"""Server to client: one frozen dataclass per message type, encoded and parsed here.

The server builds these and sends `encode(event)`; the client turns each line into one with
`parse_server_frame()`. A type the client does not know parses as `Unknown` (a client must
ignore what it does not know); a known type with a field missing or of the wrong JSON type
raises `ProtocolError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Self

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.files import (
    Attachment,
    DownloadChunk,
    DownloadEnd,
    UploadReady,
    attachment_of,
)
from app.shared.protocol.framing import (
    MAX_FRAME_BYTES,
    WireObject,
    count_fitting,
    is_int,
    json_string,
    json_text,
)
from app.shared.protocol.history import HistoryPage
from app.shared.protocol.markers import ReadUpTo, TypingNotice, fitted_read, read_map
from app.shared.protocol.moderation import (
    BanList,
    MemberRole,
    MessageDeleted,
    Moderation,
    MuteEntry,
    MuteState,
    Ok,
    Reported,
    RoleChanged,
    member_roles,
    mute_entries,
)
from app.shared.protocol.nodes import NodeList
from app.shared.protocol.people import (
    Blocked,
    DirectMessage,
    DirectPage,
    DirectSent,
    Presence,
    Unblocked,
    UnreadCounts,
)
from app.shared.protocol.requests import Request, _Wire
from app.shared.protocol.room_settings import RoomModes, RoomSettingsChanged
from app.shared.protocol.search import SearchResults

PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS = frozenset({PROTOCOL_VERSION})
SERVER_NAME = "RoomChat"
# `left.kicked_by` when the server's operator removed someone: no account can have this name
# (names have no spaces), so a client may show it in its own words.
BY_OPERATOR = "the server"


class _Reader:
    """Typed look-ups in one received object; a wrong or missing field is a ProtocolError."""

    __slots__ = ("_kind", "_obj")

    def __init__(self, obj: WireObject, kind: str) -> None:
        self._obj, self._kind = obj, kind

    def read_map(self) -> dict[str, int] | None:
        return read_map(self._obj, self._kind)

    def _fail(self, key: str, what: str) -> ProtocolError:
        return ProtocolError(ErrorCode.BAD_REQUEST, f"{self._kind}.{key} must be {what}")

    def integer(self, key: str) -> int:
        value = self._obj.get(key)
        if not is_int(value):
            raise self._fail(key, "an integer")
        assert isinstance(value, int)
        return value

    def optional_integer(self, key: str) -> int | None:
        return None if self._obj.get(key) is None else self.integer(key)

    def text(self, key: str) -> str:
        value = self._obj.get(key)
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self._obj.get(key) is None else self.text(key)

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self._obj.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def optional_number(self, key: str) -> float | None:
        value = self._obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "a number")
        return float(value)

    def names(self, key: str) -> tuple[str, ...]:
        value = self._obj.get(key)
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise self._fail(key, "a list of strings")
        return tuple(value)

    def objects(self, key: str) -> list[WireObject]:
        value = self._obj.get(key)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self._fail(key, "a list of objects")
        return value

    def obj(self, key: str) -> WireObject:
        value = self._obj.get(key)
        if not isinstance(value, dict):
            raise self._fail(key, "an object")
        return value

    def raw(self, key: str) -> object:
        return self._obj.get(key)

    def request_id(self) -> RequestId:
        value = self._obj.get("id")
        return value if value is None or is_int(value) or isinstance(value, str) else None


# --- the objects inside frames ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """A ROOM: what the lobby shows of an open room."""

    id: int
    name: str
    port: int
    members: int  # people inside; seats held by tickets are not counted here
    capacity: int
    locked: bool
    owner: str
    created_at: str
    persistent: bool = False  # stays open when empty and over restarts; older servers omit it
    # Where the room port is when it is not the main port's host (a room on another node of
    # a PostgreSQL-backed server); "" is left out of the wire: the main port's host.
    host: str = ""

    def to_wire(self) -> WireObject:
        wire: WireObject = {
            "id": self.id,
            "name": self.name,
            "port": self.port,
            "members": self.members,
            "capacity": self.capacity,
            "locked": self.locked,
            "owner": self.owner,
            "created_at": self.created_at,
            "persistent": self.persistent,
        }
        if self.host:
            wire["host"] = self.host
        return wire

    @classmethod
    def from_wire(cls, obj: WireObject) -> RoomSummary:
        read = _Reader(obj, "room")
        return cls(
            read.integer("id"),
            read.text("name"),
            read.integer("port"),
            read.integer("members"),
            read.integer("capacity"),
            read.flag("locked", False),
            read.text("owner"),
            read.text("created_at"),
            read.flag("persistent", False),
            read.optional_text("host") or "",
        )


def _rooms(read: _Reader, key: str = "rooms") -> tuple[RoomSummary, ...]:
    return tuple(RoomSummary.from_wire(room) for room in read.objects(key))


# --- main port ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Welcome(_Wire):
    TYPE: ClassVar[str] = "welcome"
    version: int
    server: str
    registration: bool = True
    max_room_capacity: int | None = None  # an extension; older servers do not say
    instance: str | None = None  # made once per server database; tells two servers apart

    @classmethod
    def from_wire(cls, read: _Reader) -> Welcome:
        return cls(
            read.integer("version"),
            read.optional_text("server") or "",
            read.flag("registration", True),
            read.optional_integer("max_room_capacity"),
            read.optional_text("instance"),
        )


@dataclass(frozen=True, slots=True)
class Registered(_Wire):
    TYPE: ClassVar[str] = "registered"
    name: str
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Registered:
        return cls(read.text("name"), read.request_id())


@dataclass(frozen=True, slots=True)
class LoggedIn(_Wire):
    TYPE: ClassVar[str] = "logged_in"
    name: str
    rooms: tuple[RoomSummary, ...]
    more: bool | None = None  # true: the other rooms follow as `room_added` events
    id: RequestId = None
    operator: bool = False  # a server-wide operator: may moderate and delete every room
    unread: UnreadCounts | None = None  # direct messages that came while away; None: none
    resume_token: str | None = field(default=None, repr=False)  # for `resume`; a secret

    @classmethod
    def from_wire(cls, read: _Reader) -> LoggedIn:
        unread = read.raw("unread")
        return cls(
            read.text("name"),
            _rooms(read),
            read.flag("more", False),
            read.request_id(),
            read.flag("operator", False),
            None if unread is None else UnreadCounts.from_wire(unread),
            read.optional_text("resume_token"),
        )


@dataclass(frozen=True, slots=True)
class RoomList(_Wire):
    TYPE: ClassVar[str] = "rooms"
    rooms: tuple[RoomSummary, ...]
    more: bool | None = None  # true: the other rooms follow as `room_added` events
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> RoomList:
        return cls(_rooms(read), read.flag("more", False), read.request_id())


class _OneRoom(_Wire):
    """An event that is one ROOM: parsed alike."""

    __slots__ = ()

    @classmethod
    def from_wire(cls, read: _Reader) -> Self:
        return cls(RoomSummary.from_wire(read.obj("room")))  # type: ignore[call-arg]  # subclasses' fields


class _RoomAndTicket(_Wire):
    """A reply that is a ROOM and a ticket for it: parsed alike."""

    __slots__ = ()

    @classmethod
    def from_wire(cls, read: _Reader) -> Self:
        room = RoomSummary.from_wire(read.obj("room"))
        return cls(room, read.text("ticket"), read.request_id())  # type: ignore[call-arg]  # (room, ticket, id)


@dataclass(frozen=True, slots=True)
class RoomAdded(_OneRoom):
    TYPE: ClassVar[str] = "room_added"
    room: RoomSummary


@dataclass(frozen=True, slots=True)
class RoomUpdated(_OneRoom):
    TYPE: ClassVar[str] = "room_updated"
    room: RoomSummary


@dataclass(frozen=True, slots=True)
class RoomRemoved(_Wire):
    TYPE: ClassVar[str] = "room_removed"
    room_id: int

    @classmethod
    def from_wire(cls, read: _Reader) -> RoomRemoved:
        return cls(read.integer("room_id"))


@dataclass(frozen=True, slots=True)
class RoomDeleted(_Wire):
    """The answer to `delete_room`; the room then closes (`room_removed` follows)."""

    TYPE: ClassVar[str] = "room_deleted"
    room_id: int
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> RoomDeleted:
        return cls(read.integer("room_id"), read.request_id())


@dataclass(frozen=True, slots=True)
class RoomCreated(_RoomAndTicket):
    TYPE: ClassVar[str] = "room_created"
    room: RoomSummary
    ticket: str = field(repr=False)
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class JoinGranted(_RoomAndTicket):
    TYPE: ClassVar[str] = "join_granted"
    room: RoomSummary
    ticket: str = field(repr=False)
    id: RequestId = None


# --- room port ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChatMessage(_Wire):
    """A MESSAGE: `sender` is the wire's `from`."""

    TYPE: ClassVar[str] = "message"
    RENAMED: ClassVar[dict[str, str]] = {"sender": "from"}
    seq: int
    sender: str
    text: str
    ts: str
    deleted: bool | None = None  # an extension: in history, a deleted message (text "")
    attachment: Attachment | None = None  # an extension: the file posted with it

    @classmethod
    def from_wire(cls, read: _Reader) -> ChatMessage:
        deleted = True if read.raw("deleted") is True else None
        return cls(read.integer("seq"), read.text("from"), read.text("text"), read.text("ts"),
                   deleted, attachment_of(read))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entered(_Wire):
    TYPE: ClassVar[str] = "entered"
    room: RoomSummary
    you: str
    members: tuple[str, ...]
    history: tuple[ChatMessage, ...]
    id: RequestId = None
    member_roles: tuple[MemberRole, ...] | None = None  # an extension: everyone's role
    read: dict[str, int] | None = None  # every member's last read seq (an extension)
    settings: RoomModes | None = None  # the room's modes now (an extension; None: not told)
    muted: MuteState | None = None  # there when the one entering is muted (an extension)
    mutes: tuple[MuteEntry, ...] | None = None  # who is muted, told to whoever may unmute

    @classmethod
    def from_wire(cls, read: _Reader) -> Entered:
        history = tuple(
            ChatMessage.from_wire(_Reader(m, "message")) for m in read.objects("history")
        )
        room = RoomSummary.from_wire(read.obj("room"))
        members = read.names("members")
        settings, muted = read.raw("settings"), read.raw("muted")
        return cls(room, read.text("you"), members, history, read.request_id(),
                   member_roles(read), read.read_map(),
                   None if settings is None else RoomModes.from_wire(settings),
                   None if muted is None else MuteState.from_wire(muted),
                   mute_entries(read.raw("mutes")))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Joined(_Wire):
    TYPE: ClassVar[str] = "joined"
    name: str
    members: tuple[str, ...]
    ts: str
    member_roles: tuple[MemberRole, ...] | None = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Joined:
        return cls(read.text("name"), read.names("members"), read.text("ts"), member_roles(read))


@dataclass(frozen=True, slots=True)
class Left(_Wire):
    """Someone left the room; `kicked_by` (an extension, left out otherwise) says who removed
    them: `BY_OPERATOR` for the server's operator; `banned_by` who banned them."""

    TYPE: ClassVar[str] = "left"
    name: str
    members: tuple[str, ...]
    ts: str
    kicked_by: str | None = None
    banned_by: str | None = None
    member_roles: tuple[MemberRole, ...] | None = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Left:
        return cls(
            read.text("name"),
            read.names("members"),
            read.text("ts"),
            read.optional_text("kicked_by"),
            read.optional_text("banned_by"),
            member_roles(read),
        )


# --- either port --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorReply(_Wire):
    """An error frame. `code` is kept as sent: a newer server may send codes we do not know."""

    TYPE: ClassVar[str] = "error"
    code: str
    message: str
    id: RequestId = None
    retry_after: float | None = None  # with rate_limited and server_busy: seconds to wait
    until: str | None = None  # with banned and muted: when it ends (absent: for good)
    reason: str | None = None  # with kicked and banned: the moderator's reason

    @property
    def error_code(self) -> ErrorCode | None:
        try:
            return ErrorCode(self.code)
        except ValueError:
            return None

    @classmethod
    def from_wire(cls, read: _Reader) -> ErrorReply:
        return cls(
            read.text("code"),
            read.optional_text("message") or "",
            read.request_id(),
            read.optional_number("retry_after"),
            read.optional_text("until"),
            read.optional_text("reason"),
        )


@dataclass(frozen=True, slots=True)
class Bye(_Wire):
    TYPE: ClassVar[str] = "bye"
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Bye:
        return cls(read.request_id())


@dataclass(frozen=True, slots=True)
class Pong(_Wire):
    TYPE: ClassVar[str] = "pong"
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Pong:
        return cls(read.request_id())


@dataclass(frozen=True, slots=True)
class Unknown:
    """A frame of a type this client does not know: to be ignored."""

    type: str
    id: RequestId = None


ServerEvent = (
    Welcome
    | Registered
    | LoggedIn
    | RoomList
    | RoomAdded
    | RoomUpdated
    | RoomRemoved
    | RoomDeleted
    | RoomCreated
    | JoinGranted
    | ChatMessage
    | Entered
    | Joined
    | Left
    | ErrorReply
    | Bye
    | Pong
    | DirectMessage
    | DirectSent
    | DirectPage
    | Blocked
    | Unblocked
    | Presence
    | Ok
    | Moderation
    | BanList
    | RoleChanged
    | RoomSettingsChanged
    | MessageDeleted
    | Reported
    | HistoryPage
    | SearchResults
    | ReadUpTo
    | TypingNotice
    | UploadReady
    | DownloadChunk
    | DownloadEnd
    | NodeList
)
_EVENT_CLASSES: tuple[type[Any], ...] = (
    Welcome,
    Registered,
    LoggedIn,
    RoomList,
    RoomAdded,
    RoomUpdated,
    RoomRemoved,
    RoomDeleted,
    RoomCreated,
    JoinGranted,
    ChatMessage,
    Entered,
    Joined,
    Left,
    ErrorReply,
    Bye,
    Pong,
    DirectMessage,
    DirectSent,
    DirectPage,
    Blocked,
    Unblocked,
    Presence,
    Ok,
    Moderation,
    BanList,
    RoleChanged,
    RoomSettingsChanged,
    MessageDeleted,
    Reported,
    HistoryPage,
    SearchResults,
    ReadUpTo,
    TypingNotice,
    UploadReady,
    DownloadChunk,
    DownloadEnd,
    NodeList,
)
_PARSERS: dict[str, Callable[[_Reader], ServerEvent]] = {
    cls.TYPE: cls.from_wire for cls in _EVENT_CLASSES
}
SERVER_TYPES = frozenset(_PARSERS)


def parse_server_frame(obj: WireObject) -> ServerEvent | Unknown:
    """A decoded frame (see `decode_frame`) to the typed message it is."""
    kind: str = obj["type"]
    parser = _PARSERS.get(kind)
    if parser is None:
        return Unknown(kind, _Reader(obj, kind).request_id())
    return parser(_Reader(obj, kind))


def encode(message: ServerEvent | Request) -> bytes:
    """One message to its wire form: compact UTF-8 JSON and a newline, under the limit."""
    return message.encode()


# --- building frames that fit -------------------------------------------------------------


def error_reply(problem: ProtocolError) -> ErrorReply:
    """The error frame for `problem`. A `server_busy` for a request without an id goes as
    `rate_limited`: in v1 a `server_busy` without an id means the connection is closed."""
    wait = problem.retry_after
    code = problem.code
    if code is ErrorCode.SERVER_BUSY and problem.request_id is None:
        code = ErrorCode.RATE_LIMITED
    return ErrorReply(
        code.value,
        problem.message,
        problem.request_id,
        None if wait is None else round(wait, 3),
        problem.until,
    )


def rate_limited(text: str, retry_after: float, request_id: RequestId = None) -> ErrorReply:
    """A `rate_limited` error: try again in `retry_after` seconds."""
    return ErrorReply(ErrorCode.RATE_LIMITED.value, text, request_id, round(retry_after, 3))


# `,"more":true`, which a paged first frame has and a whole list not, and the comma
# count_fitting gives each room where a list of n has n - 1.
_MORE_BYTES = len(',"more":true') + 1
_ROOMS_TRIED_WHOLE = 2000  # more cannot fit a line: page them at once


def paged_rooms(
    rooms: Sequence[RoomSummary],
    make: Callable[[tuple[RoomSummary, ...], bool | None], LoggedIn | RoomList],
) -> list[bytes]:
    """The frames for a room list: `make(rooms, more)` with as many rooms as fit in one line,
    then one `room_added` for each room that did not (its `more` is then true).

    Every login sends one, so the whole list is tried first: it is the answer when every
    room fits beside `"more":true` (the count below would take them all), at one encode
    rather than the bare frame's, each room's and the whole's."""
    if not rooms:
        return [encode(make((), None))]
    if len(rooms) <= _ROOMS_TRIED_WHOLE:
        whole = make(tuple(rooms), None).to_wire()
        text = json_text(whole).encode("utf-8", "replace")
        if len(text) + 1 <= MAX_FRAME_BYTES - _MORE_BYTES:
            return [text + b"\n"]
    taken = count_fitting(rooms, MAX_FRAME_BYTES - len(encode(make((), True))))
    if taken == len(rooms):
        return [encode(make(tuple(rooms), None))]
    frames = [encode(make(tuple(rooms[:taken]), True))]
    frames.extend(encode(RoomAdded(room)) for room in rooms[taken:])
    return frames


READ_RESERVE = 16 * 1024  # kept for history beside a long read map: one longest message


def fitted_entered(
    room: RoomSummary,
    you: str,
    members: tuple[str, ...],
    history: Sequence[ChatMessage],
    request_id: RequestId = None,
    history_budget: int = MAX_FRAME_BYTES,
    roles: tuple[MemberRole, ...] | None = None,
    read: dict[str, int] | None = None,
    settings: RoomModes | None = None,
    muted: MuteState | None = None,
    mutes: tuple[MuteEntry, ...] | None = None,
) -> Entered:
    """An `entered` with as much of the newest history as fits both `history_budget` bytes
    and the line (beside `roles`, its `member_roles`, the small `settings` and `muted`, and
    `mutes`, fitted by `fitted_mutes`); of `read`, what fits beside the members and roles
    (history goes first)."""
    if read is not None:
        bare = Entered(room, you, members, (), request_id, roles, {}, settings, muted, mutes)
        read = fitted_read(read, MAX_FRAME_BYTES - len(encode(bare)) - READ_RESERVE)
    empty = Entered(room, you, members, (), request_id, roles, read, settings, muted, mutes)
    budget = min(history_budget, MAX_FRAME_BYTES - len(encode(empty)))
    kept = count_fitting(reversed(history), budget)
    start = len(history) - kept
    return replace(empty, history=tuple(history[start:]))


MUTES_BYTES = 8 * 1024  # at most this much of `entered` for `mutes`: about 150 of them


def fitted_mutes(mutes: Sequence[MuteEntry]) -> tuple[MuteEntry, ...]:
    """The first of `mutes` (put those in the room first) that fit `MUTES_BYTES`."""
    return tuple(mutes[: count_fitting(mutes, MUTES_BYTES)])


def message_frames(sender: str, ts: str, items: list[tuple[int, str]]) -> bytes:
    """MESSAGE frames for `(seq, text)` pairs from one sender at one time, in one buffer.

    The same bytes `encode(ChatMessage(...))` gives for each, built without an object per
    message: this is the hot path of every room. (A text is at most 4,000 characters and a
    name 32, so each frame is far under the line limit.)
    """
    head = '{"type":"message","seq":'
    middle = ',"from":' + json_text(sender) + ',"text":'
    tail = ',"ts":' + json_text(ts) + "}\n"
    text_of = json_string
    frames = "".join([f"{head}{seq}{middle}{text_of(text)}{tail}" for seq, text in items])
    return frames.encode("utf-8", "replace")
