"""Who is online, away or gone, and the coalesced `presence` events that tell the lobbies."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal

from app.shared.protocol import OFFLINE, Presence, encode

# Who is online goes to each login in blocks of this many frames (about 12 KB), each kept
# as one QByteArray until one of its people changes: Qt shares a block of 4 KiB or more
# with every socket it is written to instead of copying it, and a login among 5,000 online
# then builds at most one small block rather than a 300 KB join and its copy (transient
# blocks that glibc recycled into the heap where idle sockets' write chunks then landed).
PAGE_FRAMES = 200


class _Page:
    """Some accounts' encoded presence, in login order, and their block once built."""

    __slots__ = ("block", "frames")

    def __init__(self) -> None:
        self.frames: dict[str, bytes] = {}
        self.block: QByteArray | None = None


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
        self._pages: list[_Page] = []  # everyone's encoded, for the logins to come
        self._page_of: dict[str, _Page] = {}
        self._latest: dict[str, Presence] = {}  # the last state of accounts with a timer
        self._timers: dict[str, QTimer] = {}
        self._due: set[str] = set()

    def online(self) -> list[Presence]:
        """Everyone logged in now, in login order."""
        return list(self._current.values())

    def set(self, key: str, name: str, state: str, status: str | None) -> Presence:
        presence = Presence(name, state, status)
        self._current[key] = presence
        page = self._page_of.get(key)
        if page is None:
            if not self._pages or len(self._pages[-1].frames) >= PAGE_FRAMES:
                self._pages.append(_Page())
            page = self._page_of[key] = self._pages[-1]
        page.frames[key] = encode(presence)
        page.block = None
        self._changed(key, presence)
        return presence

    def blocks_except(self, key: str) -> list[QByteArray]:
        """Everyone's presence but `key`'s as blocks of encoded frames, for a login: the
        same objects for every login until someone in them changes."""
        blocks = []
        for page in self._pages:
            if key in page.frames:
                data = b"".join(frame for other, frame in page.frames.items() if other != key)
                if data:
                    blocks.append(QByteArray(data))
                continue
            if page.block is None:
                page.block = QByteArray(b"".join(page.frames.values()))
            blocks.append(page.block)
        return blocks

    def status_of(self, key: str) -> str | None:
        current = self._current.get(key)
        return None if current is None else current.status

    def remove(self, key: str, name: str) -> None:
        page = self._page_of.pop(key, None)
        if page is not None:
            del page.frames[key]
            page.block = None
            if not page.frames:
                self._pages.remove(page)  # one of at most n / PAGE_FRAMES
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
