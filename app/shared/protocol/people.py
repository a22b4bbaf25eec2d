"""Server to client, between people: direct messages, blocks and presence (frozen dataclasses).

Parsed by `events.parse_server_frame` like every other event; kept apart from events.py,
which holds the lobby's and the rooms' events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.framing import (
    MAX_FRAME_BYTES,
    WireObject,
    count_fitting,
    is_int,
)
from app.shared.protocol.requests import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader


@dataclass(frozen=True, slots=True)
class DirectMessage(_Wire):
    """A DIRECT: one message between two people; `sender` is the wire's `from`."""

    TYPE: ClassVar[str] = "direct_message"
    RENAMED: ClassVar[dict[str, str]] = {"sender": "from"}
    seq: int
    sender: str
    to: str
    text: str
    ts: str

    @classmethod
    def from_wire(cls, read: _Reader) -> DirectMessage:
        return cls(
            read.integer("seq"),
            read.text("from"),
            read.text("to"),
            read.text("text"),
            read.text("ts"),
        )


@dataclass(frozen=True, slots=True)
class DirectSent(_Wire):
    """The answer to `direct`: the message is stored under `seq`."""

    TYPE: ClassVar[str] = "direct_sent"
    seq: int
    to: str
    ts: str
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> DirectSent:
        return cls(read.integer("seq"), read.text("to"), read.text("ts"), read.request_id())


@dataclass(frozen=True, slots=True)
class DirectPage(_Wire):
    """The answer to `direct_history`: messages oldest first; `more` says older ones exist."""

    TYPE: ClassVar[str] = "direct_page"
    RENAMED: ClassVar[dict[str, str]] = {"peer": "with"}
    peer: str
    messages: tuple[DirectMessage, ...]
    more: bool
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> DirectPage:
        reader = type(read)  # events._Reader, which this module cannot import at load time
        messages = tuple(
            DirectMessage.from_wire(reader(m, DirectMessage.TYPE)) for m in read.objects("messages")
        )
        return cls(read.text("with"), messages, read.flag("more", False), read.request_id())


@dataclass(frozen=True, slots=True)
class Blocked(_Wire):
    TYPE: ClassVar[str] = "blocked"
    name: str
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Blocked:
        return cls(read.text("name"), read.request_id())


@dataclass(frozen=True, slots=True)
class Unblocked(_Wire):
    TYPE: ClassVar[str] = "unblocked"
    name: str
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> Unblocked:
        return cls(read.text("name"), read.request_id())


@dataclass(frozen=True, slots=True)
class Presence(_Wire):
    """Someone's presence: `state` one of PRESENCE_STATES, `status` their line (or None,
    sent as null). With an `id` it answers that person's own `set_presence`."""

    TYPE: ClassVar[str] = "presence"
    name: str
    state: str
    status: str | None = None
    id: RequestId = None

    def to_wire(self) -> WireObject:
        obj: WireObject = {
            "type": self.TYPE,
            "name": self.name,
            "state": self.state,
            "status": self.status,
        }
        if self.id is not None:
            obj["id"] = self.id
        return obj

    @classmethod
    def from_wire(cls, read: _Reader) -> Presence:
        return cls(
            read.text("name"), read.text("state"), read.optional_text("status"), read.request_id()
        )


@dataclass(frozen=True, slots=True)
class UnreadCounts:
    """`logged_in.unread`: per conversation (the other person's name), how many direct
    messages arrived while this person was away. Sent as a JSON object."""

    counts: tuple[tuple[str, int], ...]

    def to_wire(self) -> WireObject:
        return dict(self.counts)

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> UnreadCounts:
        return cls(tuple(counts.items()))

    @classmethod
    def from_wire(cls, obj: object) -> UnreadCounts:
        if not isinstance(obj, dict) or not all(
            isinstance(k, str) and is_int(v) for k, v in obj.items()
        ):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "logged_in.unread must map names to counts")
        return cls(tuple(obj.items()))


def fitted_page(
    peer: str, newest_first: Sequence[DirectMessage], more: bool, request_id: RequestId = None
) -> DirectPage:
    """A `direct_page` with as many of the newest messages as fit in one line; `more` is
    true when older ones exist or some did not fit."""
    budget = MAX_FRAME_BYTES - len(DirectPage(peer, (), True, request_id).encode())
    kept = count_fitting(newest_first, budget)
    more = more or kept < len(newest_first)
    return DirectPage(peer, tuple(reversed(newest_first[:kept])), more, request_id)
