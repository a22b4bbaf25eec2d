"""Server to client, on a room port: a page of the room's stored messages (`history`).

Parsed by `events.parse_server_frame` like every other event; kept apart from events.py,
which is large already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import LocalProtocolError, RequestId
from app.shared.protocol.framing import MAX_FRAME_BYTES, count_fitting
from app.shared.protocol.requests import _Wire

if TYPE_CHECKING:  # events.py imports this module; these are only types here
    from app.shared.protocol.events import ChatMessage, _Reader


@dataclass(frozen=True, slots=True)
class HistoryPage(_Wire):
    """The answer to a room-port `history`: MESSAGEs oldest first, the ones just before the
    `before` asked for; `more` says older ones exist (or some did not fit in the line)."""

    TYPE: ClassVar[str] = "history"
    messages: tuple[ChatMessage, ...]
    more: bool
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> HistoryPage:
        from app.shared.protocol.events import ChatMessage  # events.py imports this module

        reader = type(read)
        messages = tuple(
            ChatMessage.from_wire(reader(m, ChatMessage.TYPE)) for m in read.objects("messages")
        )
        return cls(messages, read.flag("more", False), read.request_id())


def fitted_history(
    newest_first: Sequence[ChatMessage], more: bool, request_id: RequestId = None
) -> HistoryPage:
    """A `history` with as many of the newest messages as fit in one line; `more` is true
    when older ones exist or some did not fit."""
    whole = HistoryPage(tuple(reversed(newest_first)), True, request_id)
    try:
        fits = len(whole.encode()) + 1 <= MAX_FRAME_BYTES  # what count_fitting would keep
    except LocalProtocolError:
        fits = False
    if fits:  # the usual page: one encoding of it, not one per message
        return HistoryPage(whole.messages, more, request_id)
    budget = MAX_FRAME_BYTES - len(HistoryPage((), True, request_id).encode())
    kept = count_fitting(newest_first, budget)
    more = more or kept < len(newest_first)
    return HistoryPage(tuple(reversed(newest_first[:kept])), more, request_id)
