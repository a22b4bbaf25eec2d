"""Who is online, away or gone, and the coalesced `presence` events that tell the lobbies."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QObject, QTimer

from app.shared.protocol import OFFLINE, Presence, encode

# Who is online goes to each login in blocks of this many frames (about 70 KB), each kept
# as one QByteArray until one of its people changes: Qt shares a block of 4 KiB or more
# with every socket it is written to instead of copying it, and a login among 5,000 online
# then builds at most one block rather than a 350 KB join and its copy (transient blocks
# that glibc recycled into the heap where idle sockets' write chunks then landed; a block
# stays under glibc's 128 KiB mmap threshold). Each block is a write, and a write to a
# socket costs the event loop about 3 µs besides its bytes: at 200 frames a block, a login
# among 5,000 made 25 of them (0.07 ms of its 0.6 ms in `bench idle`), at 1,000 it makes 5.
PAGE_FRAMES = 1000


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

    Released changes go to `on_release(presence, frame)`, `frame` being its encoding: a
    `Presence` to send to every logged-in session but its own (a plain call, set by the
    owner: a PySide signal cost each login an emission).

    Every account's interval is the same, so the intervals end in the order they began: one
    timer, for the soonest, serves them all (a QTimer and its connected lambda per account
    cost a login about as much as its SQL).
    """

    def __init__(
        self,
        interval: float,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._interval = interval
        self._clock = clock
        self.on_release: Callable[[Presence, bytes], None] | None = None
        self._current: dict[str, Presence] = {}  # online and away accounts
        self._pages: list[_Page] = []  # everyone's encoded, for the logins to come
        self._page_of: dict[str, _Page] = {}
        # Accounts within an interval: the last state and its frame, and when it ends.
        self._latest: dict[str, tuple[Presence, bytes]] = {}
        self._ends: dict[str, float] = {}
        self._ending: deque[tuple[float, str]] = deque()  # (ends, key), soonest first
        self._due: set[str] = set()  # changed within their interval: the latest follows
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

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
        frame = page.frames[key] = encode(presence)
        page.block = None
        self._changed(key, presence, frame)
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
            gone = Presence(name, OFFLINE, None)
            self._changed(key, gone, encode(gone))

    def _changed(self, key: str, presence: Presence, frame: bytes) -> None:
        if self._interval <= 0:
            self._release(presence, frame)
            return
        self._latest[key] = (presence, frame)
        if key in self._ends:  # within its interval: the latest goes when it ends
            self._due.add(key)
            return
        self._release(presence, frame)
        self._begin_interval(key)

    def _release(self, presence: Presence, frame: bytes) -> None:
        if self.on_release is not None:
            self.on_release(presence, frame)

    def _begin_interval(self, key: str) -> None:
        ends = self._ends[key] = self._clock() + self._interval
        self._ending.append((ends, key))  # the clock only rises: the deque stays in order
        if not self._timer.isActive():
            self._timer.start(math.ceil(self._interval * 1000))

    def _on_timer(self) -> None:
        now = self._clock()
        ending = self._ending
        while ending and ending[0][0] <= now:
            _, key = ending.popleft()
            if key in self._due:
                self._due.discard(key)
                self._release(*self._latest[key])
                self._begin_interval(key)
                continue
            # Quiet for a whole interval: forget the account (memory follows activity).
            del self._ends[key]
            self._latest.pop(key, None)
        if ending and not self._timer.isActive():  # a coarse timer may fire a little early
            self._timer.start(max(0, math.ceil((ending[0][0] - now) * 1000)))
