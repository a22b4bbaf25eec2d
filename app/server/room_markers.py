"""Read markers and typing in one room, sans I/O: the last read seq of each member, relayed
at most once per interval (a later marker coalesced into the next relay), and typing relayed
at most once per interval (extra ones dropped). No Qt."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from app.server.room_effects import Effect, Relay, Send, Wake
from app.shared.protocol import (
    ErrorCode,
    ProtocolError,
    Read,
    ReadUpTo,
    Typing,
    TypingNotice,
    error_reply,
)

C = TypeVar("C", bound=Hashable)
NOT_YET = "seq is past the room's last message"


class RoomMarkers(Generic[C]):
    """What members say they have read and that they are typing.

    `read` holds every member's last read seq by the name they are shown by (as `entered`
    carries it), kept after they leave. A marker relayed less than `read_interval` after
    the member's last relay waits (`Wake`): `due()` relays the newest one when its time
    comes. A `typing` within `typing_interval` of the member's last relayed one is dropped.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        read_interval: float = 1.0,
        typing_interval: float = 3.0,
        read: dict[str, int] | None = None,
    ) -> None:
        self._clock = clock
        self.read_interval = read_interval
        self.typing_interval = typing_interval
        self.read: dict[str, int] = dict(read or {})
        self._read_relayed: dict[str, float] = {}  # by user key: when last relayed
        self._waiting: dict[str, tuple[C, str]] = {}  # by user key: (connection, name)
        self._typing_relayed: dict[str, float] = {}

    def answer(
        self, key: str, name: str, connection: C, item: Read | Typing, last_seq: int
    ) -> list[Effect[C]]:
        now = self._clock()
        if isinstance(item, Typing):
            last = self._typing_relayed.get(key)
            if last is not None and now - last < self.typing_interval:
                return []  # dropped silently: the others know already
            self._typing_relayed[key] = now
            return [Relay(connection, TypingNotice(name))]
        if item.seq > last_seq:
            problem = ProtocolError(ErrorCode.BAD_REQUEST, NOT_YET, item.id)
            return [Send(connection, error_reply(problem))]
        if item.seq <= self.read.get(name, 0):
            return []  # a marker only moves forward
        self.read[name] = item.seq
        last = self._read_relayed.get(key)
        if last is not None and now - last < self.read_interval:
            first = key not in self._waiting
            self._waiting[key] = (connection, name)
            return [Wake(last + self.read_interval - now)] if first else []
        self._read_relayed[key] = now
        return [Relay(connection, ReadUpTo(name, item.seq))]

    def due(self) -> list[Effect[C]]:
        """The clock moved on: relay the waiting markers whose time has come; a `Wake` for
        the soonest of the others."""
        now = self._clock()
        effects: list[Effect[C]] = []
        soonest: float | None = None
        for key, (connection, name) in list(self._waiting.items()):
            at = self._read_relayed.get(key, now) + self.read_interval
            if at <= now:
                del self._waiting[key]
                self._read_relayed[key] = now
                effects.append(Relay(connection, ReadUpTo(name, self.read[name])))
            else:
                soonest = at if soonest is None else min(soonest, at)
        if soonest is not None:
            effects.append(Wake(soonest - now))
        return effects

    def left(self, key: str) -> None:
        """The member left: nothing of theirs waits (their marker stays in `read`)."""
        self._waiting.pop(key, None)
