"""Read markers held for a room's next delivery, so that they ride in its writes.

A relayed `read_up_to` goes to every member but the one who sent it; alone, each is a
write to every member's socket in an event-loop turn of its own (a flush and a syscall
each: with 50 members marking once a second, 2,450 extra writes a second). Held for at
most HOLD_MS, a marker nearly always meets a delivery of the room's messages, whose
buffer then carries it to every member at no extra write. A room with no message in that
time relays its markers as before, when the hold ends (`due`). Nobody can see the
difference: a marker already waits up to a second for its member's interval.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal

from app.server.connection import Connection

HOLD_MS = 100


class HeldMarkers(QObject):
    """The relays waiting for the room's next delivery: `(about, frame)`, in order."""

    due = Signal()  # the hold is over and no delivery came: relay them on their own

    def __init__(self, parent: QObject | None = None, hold_ms: int | None = None) -> None:
        super().__init__(parent)
        self.waiting: list[tuple[Connection, bytes]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(HOLD_MS if hold_ms is None else hold_ms)
        self._timer.timeout.connect(self.due)

    def hold(self, about: Connection, frame: bytes) -> None:
        self.waiting.append((about, frame))
        if not self._timer.isActive():
            self._timer.start()

    def take(self) -> list[tuple[Connection, bytes]]:
        """Everything held (the hold ends)."""
        held, self.waiting = self.waiting, []
        self._timer.stop()
        return held


def with_markers(
    data: QByteArray, held: list[tuple[Connection, bytes]]
) -> tuple[QByteArray, dict[Connection, QByteArray]]:
    """`data` followed by every held frame, for most members; and for each member who sent
    one of them, `data` followed by the others' frames only."""
    everyone = QByteArray(data)
    everyone.append(b"".join(frame for _, frame in held))
    own: dict[Connection, QByteArray] = {}
    for about, _ in held:
        if about not in own:
            mine = QByteArray(data)
            mine.append(b"".join(frame for sender, frame in held if sender is not about))
            own[about] = mine
    return everyone, own
