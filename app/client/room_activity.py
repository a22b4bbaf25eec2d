"""Who has read what and who is typing in one room, and when to tell the room that the
person has read or is typing."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.shared.validation import name_key

READ_EVERY = 1.0  # seconds between two `read` sent, at most one
TYPING_EVERY = 3.0  # seconds between two `typing` sent
TYPING_SHOWN = 5.0  # "kim is typing…" stays this long after their last `typing`


class RoomActivity(QObject):
    """Read markers and typing for one room's window.

    Once a second `tick()` sends `read` (through `send_read`) when the room is in front of
    the person (`in_front()`) and the newest message shown (`last_seq()`) is past what was
    sent. `typed()` sends `typing` at most once per 3 s. `read` holds every member's last
    read seq (from `entered` and `read_up_to`); `typing` who is typing, until when.

    Signals:
        read_changed(): someone's read marker moved (the "seen by" counts change).
        typing_changed(): who is typing changed.
    """

    read_changed = Signal()
    typing_changed = Signal()

    def __init__(
        self,
        send_read: Callable[[int], object],
        send_typing: Callable[[], object],
        last_seq: Callable[[], int],
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._send_read = send_read
        self._send_typing = send_typing
        self._last_seq = last_seq
        self.clock = clock
        self.in_front: Callable[[], bool] = lambda: False
        self.me = ""
        self.read: dict[str, int] = {}
        self.typing: dict[str, float] = {}  # name → when it stops showing
        self.sent_seq = 0  # the last `read` sent
        self._typing_sent: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(READ_EVERY * 1000))
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def entered(self, read: dict[str, int] | None) -> None:
        """A (re-)entry: the server's markers; what we sent before counts again."""
        self.read = dict(read or {})
        self.sent_seq = self.read.get(self.me, 0)
        self.typing.clear()
        self.read_changed.emit()
        self.typing_changed.emit()

    def marked(self, name: str, seq: int) -> None:
        if seq > self.read.get(name, 0):
            self.read[name] = seq
            self.read_changed.emit()

    def someone_typing(self, name: str) -> None:
        """`name` typed (the server relays nobody's own typing back to them)."""
        self.typing[name] = self.clock() + TYPING_SHOWN
        self.typing_changed.emit()

    def seen_by(self, seq: int) -> list[str]:
        """Who else has read the message `seq`, sorted."""
        me = name_key(self.me)
        names = [n for n, read in self.read.items() if read >= seq and name_key(n) != me]
        return sorted(names, key=name_key)

    def typing_now(self) -> list[str]:
        now = self.clock()
        return sorted((n for n, until in self.typing.items() if until > now), key=name_key)

    def typed(self) -> None:
        """The person typed in the input line."""
        now = self.clock()
        if self._typing_sent is None or now - self._typing_sent >= TYPING_EVERY:
            self._typing_sent = now
            self._send_typing()

    @Slot()
    def tick(self) -> None:
        """Once a second: send `read` if due; let typing that is over expire."""
        last = self._last_seq()
        if last > self.sent_seq and self.in_front():
            self.sent_seq = last
            self._send_read(last)
        now = self.clock()
        over = [name for name, until in self.typing.items() if until <= now]
        for name in over:
            del self.typing[name]
        if over:
            self.typing_changed.emit()
