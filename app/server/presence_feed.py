"""The lobbies' presence feed: presence events gathered into one write per session."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QByteArray, QObject, QTimer

from app.server.connection import Output
from app.shared.protocol import Presence, encode

# How long a released presence may wait for others to share its write.
BATCH_WINDOW_S = 0.1
# ...and longer with more people to write to: each window costs a write (a Python call,
# and Qt's syscall on the next turn) per session, so with a window of this much per session
# those writes stay near 2,000 a second however many are online, up to LONGEST_WINDOW_S
# (reached at 4,000 online). At 1,000 online 10,000 writes a second had cost a login among
# them more than the rest of its event-loop work; at 5,000, with the window capped at
# 0.5 s, they still cost a login 0.11 ms of its 0.6 ms in `bench idle`, half that at 2 s.
WINDOW_PER_SESSION_S = 0.0005
LONGEST_WINDOW_S = 2.0


class PresenceFeed(QObject):
    """Sends each released `Presence` to every logged-in session but its own.

    What is released within one short window (the next turn of the event loop at the
    soonest, `window` seconds at the latest, longer with many sessions but at most
    `longest`) goes to each session in one write, in the order it was released: a
    morning's burst of n logins among n people online then costs n writes per window
    rather than one per login per person (n², which starved the logins of 5,000).

    The window's block is one QByteArray shared by every session it goes to: Qt then
    holds one copy for all of them (at 4 KiB and more) rather than one per socket, and
    PySide converts no bytes per session.
    """

    def __init__(
        self,
        sessions: Callable[[], Iterable[tuple[str | None, Output]]],
        window: float = BATCH_WINDOW_S,
        parent: QObject | None = None,
        count: Callable[[], int] = lambda: 0,
        longest: float = LONGEST_WINDOW_S,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._count = count  # sessions online, for the window's length
        self._window = max(0.0, window)
        self._longest = max(self._window, longest)
        self._pending: list[tuple[str, bytes]] = []  # (whose presence, its frame)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    def window(self) -> float:
        """How long what is released now may wait, for the sessions online now."""
        return min(self._longest, max(self._window, self._count() * WINDOW_PER_SESSION_S))

    def release(self, presence: Presence, frame: bytes | None = None) -> None:
        """`frame`: `presence` encoded, when the caller has it."""
        self._pending.append((presence.name, encode(presence) if frame is None else frame))
        if not self._timer.isActive():
            self._timer.start(int(self.window() * 1000))

    def flush(self) -> None:
        """Write what is pending to every session now."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        joined = b"".join(data for _, data in pending)
        everything, size = QByteArray(joined), len(joined)
        # Where each person's own frames lie in `joined`: a burst's new sessions are most of
        # those it is about, and each gets the block without its own frame, cut out by
        # position rather than joined again from every pending frame.
        spans: dict[str, list[tuple[int, int]]] = {}
        start = 0
        for about, frame in pending:
            end = start + len(frame)
            spans.setdefault(about, []).append((start, end))
            start = end
        for name, output in list(self._sessions()):
            own = spans.get(name) if name is not None else None
            if own is None:
                output.send_bytes(everything, size)
                continue
            pieces, at = [], 0
            for begin, end in own:
                pieces.append(joined[at:begin])
                at = end
            pieces.append(joined[at:])
            if rest := b"".join(pieces):
                output.send_bytes(rest)
