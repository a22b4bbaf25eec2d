"""The lobbies' presence feed: presence events gathered into one write per session."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer

from app.server.connection import Connection
from app.shared.protocol import Presence, encode

# How long a released presence may wait for others to share its write.
BATCH_WINDOW_S = 0.1


class PresenceFeed(QObject):
    """Sends each released `Presence` to every logged-in session but its own.

    What is released within one short window (the next turn of the event loop at the
    soonest, `window` seconds at the latest) goes to each session in one write, in the order
    it was released: a morning's burst of n logins among n people online then costs n writes
    per window rather than one per login per person (n², which starved the logins of 5,000).
    """

    def __init__(
        self,
        sessions: Callable[[], Iterable[tuple[str | None, Connection]]],
        window: float = BATCH_WINDOW_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._pending: list[tuple[str, bytes]] = []  # (whose presence, its frame)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(0, int(window * 1000)))
        self._timer.timeout.connect(self.flush)

    def release(self, presence: Presence) -> None:
        self._pending.append((presence.name, encode(presence)))
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Write what is pending to every session now."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        everything = b"".join(data for _, data in pending)
        about = {name for name, _ in pending}
        for name, connection in list(self._sessions()):
            if name not in about:
                connection.send_bytes(everything)
                continue
            data = b"".join(frame for whose, frame in pending if whose != name)
            if data:
                connection.send_bytes(data)
