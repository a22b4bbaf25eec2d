"""What the room port's conversation core asks its adapter to do, as data; no Qt."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.server.moderation import Change
from app.shared.protocol import ErrorCode, FileRequest, RequestId, RoomHistory, ServerEvent

C = TypeVar("C", bound=Hashable)  # a connection, opaque to the core


@dataclass(frozen=True, slots=True)
class Send(Generic[C]):
    """Send `event` to one connection."""

    connection: C
    event: ServerEvent


@dataclass(frozen=True, slots=True)
class Broadcast:
    """Send `event` to every member (the members at the time it is carried out)."""

    event: ServerEvent


@dataclass(frozen=True, slots=True)
class Relay(Generic[C]):
    """Send `event` to every member but the one on `connection` (who it is about)."""

    connection: C
    event: ServerEvent


@dataclass(frozen=True, slots=True)
class Wake:
    """Call the core's `markers_due()` in `delay` seconds (sooner calls are fine)."""

    delay: float


@dataclass(frozen=True, slots=True)
class Close(Generic[C]):
    """Close after what was sent; with `code`, an error frame (no id) is the last frame,
    or `last` is; either goes ahead of a backlog the connection holds back."""

    connection: C
    code: ErrorCode | None = None
    text: str = ""
    last: ServerEvent | None = None


@dataclass(slots=True)  # not frozen: one is made per read, and frozen builds cost twice
class Store(Generic[C]):
    """Commit these texts, then hand them to `committed()`; refusals go to `connection`.
    Dropped if `connection` has meanwhile been closed from outside."""

    connection: C
    sender: str
    ts: str
    texts: list[str]
    ids: list[RequestId]


@dataclass(frozen=True, slots=True)
class ReadHistory(Generic[C]):
    """Answer `request` from the stored messages: only what is committed, so it comes after
    every `Store` before it, and a batch the database is holding back is not in it."""

    connection: C
    request: RoomHistory


@dataclass(frozen=True, slots=True)
class Admit(Generic[C]):
    """The connection entered: its entry deadline is over and silence now counts."""

    connection: C


@dataclass(frozen=True, slots=True)
class SeatsChanged:
    """Re-arm the timers: the soonest ticket expiry and the empty-room grace."""


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Tell the room's observers (the lobby, the admin window) that `name` entered."""

    name: str


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Tell the room's observers that `name` left."""

    name: str


@dataclass(frozen=True, slots=True)
class Remember:
    """Write a moderation change (a ban, a role, the owner, an audit line) to the database."""

    change: Change


@dataclass(frozen=True, slots=True)
class SummaryChanged:
    """What the lobby shows of the room changed (its owner): tell the observers."""


@dataclass(frozen=True, slots=True)
class FileWork(Generic[C]):
    """A member's upload or download request, for the room's files (`room_files`) to do:
    `key` is the member's account, `name` how they are shown."""

    connection: C
    key: str
    name: str
    request: FileRequest


Effect = (
    Send[C]
    | Broadcast
    | Close[C]
    | Store[C]
    | ReadHistory[C]
    | Admit[C]
    | SeatsChanged
    | MemberJoined
    | MemberLeft
    | Remember
    | SummaryChanged
    | Relay[C]
    | Wake
    | FileWork[C]
)
