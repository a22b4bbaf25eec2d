"""Server to client, in a room: read markers and typing (frozen dataclasses), and the
`read` map `entered` carries, trimmed to fit the line.

Parsed by `events.parse_server_frame` like every other event; the requests (`read`,
`typing`) are in requests.py with the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError
from app.shared.protocol.framing import WireObject, is_int, json_text
from app.shared.protocol.requests import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader


@dataclass(frozen=True, slots=True)
class ReadUpTo(_Wire):
    """`name` has seen the room's messages up to `seq`."""

    TYPE: ClassVar[str] = "read_up_to"
    name: str
    seq: int

    @classmethod
    def from_wire(cls, read: _Reader) -> ReadUpTo:
        return cls(read.text("name"), read.integer("seq"))


@dataclass(frozen=True, slots=True)
class TypingNotice(_Wire):
    """`name` is typing in the room (the answer to someone's `typing`)."""

    TYPE: ClassVar[str] = "typing"
    name: str

    @classmethod
    def from_wire(cls, read: _Reader) -> TypingNotice:
        return cls(read.text("name"))


def read_map(obj: WireObject, kind: str) -> dict[str, int] | None:
    """The optional `read` object of `entered`: NAME → SEQ (absent from older servers)."""
    value = obj.get("read")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(name, str) and is_int(seq) and seq >= 0 for name, seq in value.items()
    ):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{kind}: read must map names to seqs")
    return {str(name): int(seq) for name, seq in value.items()}


def fitted_read(read: Mapping[str, int], budget: int) -> dict[str, int]:
    """As much of `read` as fits `budget` bytes of JSON, the furthest readers first."""
    kept: dict[str, int] = {}
    budget -= 2  # the braces
    for name, seq in sorted(read.items(), key=lambda item: -item[1]):
        budget -= len(json_text(name).encode("utf-8", "replace")) + len(str(seq)) + 2
        if budget < 0:
            break
        kept[name] = seq
    return kept
