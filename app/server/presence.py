"""Who is online, away or gone, and the coalesced `presence` events that tell the lobbies."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.shared.protocol import OFFLINE, Presence, encode


class PresenceBoard(QObject):
    """The presence of every logged-in account, keyed by its name key.

    A change is released at once, then at most once per `interval` seconds per account with
    the latest state always following (as room updates are in `RoomDirectory`): someone
    logging in and out in a loop, or flipping away and back, cannot send every lobby an event
    per flip.

    Signals:
        released(object): a `Presence` to send to every logged-in session but its own.
    """

    released = Signal(object)

    def __init__(self, interval: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._interval = interval
        self._current: dict[str, Presence] = {}  # online and away accounts
        self._frames: dict[str, bytes] = {}  # each one's encoded, for the logins to come
        self._latest: dict[str, Presence] = {}  # the last state of accounts with a timer
        self._timers: dict[str, QTimer] = {}
        self._due: set[str] = set()

    def online(self) -> list[Presence]:
        """Everyone logged in now, in login order."""
        return list(self._current.values())

    def set(self, key: str, name: str, state: str, status: str | None) -> Presence:
        presence = Presence(name, state, status)
        self._current[key] = presence
        self._frames[key] = encode(presence)
        self._changed(key, presence)
        return presence

    def frames_except(self, key: str) -> bytes:
        """Everyone's presence but `key`'s as one block of encoded frames, for a login."""
        frames = self._frames
        if key not in frames:
            return b"".join(frames.values())
        return b"".join(frame for other, frame in frames.items() if other != key)

    def status_of(self, key: str) -> str | None:
        current = self._current.get(key)
        return None if current is None else current.status

    def remove(self, key: str, name: str) -> None:
        self._frames.pop(key, None)
        if self._current.pop(key, None) is not None:
            self._changed(key, Presence(name, OFFLINE, None))

    def _changed(self, key: str, presence: Presence) -> None:
        if self._interval <= 0:
            self.released.emit(presence)
            return
        self._latest[key] = presence
        timer = self._timers.get(key)
        if timer is not None and timer.isActive():
            self._due.add(key)
            return
        if timer is None:
            timer = self._timers[key] = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(int(self._interval * 1000))
            timer.timeout.connect(lambda: self._on_due(key))
        self.released.emit(presence)
        timer.start()

    def _on_due(self, key: str) -> None:
        if key in self._due:
            self._due.discard(key)
            self.released.emit(self._latest[key])
            self._timers[key].start()
            return
        # Quiet for a whole interval: forget the account's timer (memory follows activity).
        self._latest.pop(key, None)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.deleteLater()
