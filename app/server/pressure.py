"""Back-pressure for one room: stop reading its senders while its readers are backed up.

While a member that is still draining has more than `HIGH` bytes queued, the room's
senders stop being read (Qt's read buffer is bounded, so TCP then pushes back on them)
until every such member is under `LOW`. Only those who send are held (`senders()`, and
`hold()` for one who starts while paused): a member who only reads keeps being answered.
While paused, the backlogs are looked at every CHECK_MS, and less often the longer the pause
has lasted (an eighth of it, MAX_CHECK_MS at most), and LOW is half of HIGH, so the readers
still have output queued when the senders are read again and the core stays busy.
Who is read first after a pause turns round the senders, so that none has the room to itself.
A member that has not drained for `STALL` seconds no longer holds the room back: it is cut
off at the connection's output limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.connection import Connection
from app.shared import logs

HIGH = 256 * 1024
LOW = 128 * 1024
STALL = 0.5
CHECK_MS = 2
# A look every CHECK_MS asked 50 members' backlogs 500 times a second while 45 slow readers
# took a third of a second to drain: two thirds of the server's CPU in the overload bench.
# Spaced by an eighth of the pause so far, a pause ends at most an eighth late, and one of
# a fast reader (tens of ms) is looked at as often as before.
PAUSE_SHARE = 8
MAX_CHECK_MS = 50


class Readable(Protocol):
    def pause_reading(self) -> None: ...
    def resume_reading(self) -> None: ...


class BackPressure(QObject):
    """Watches the backlogs of `connections()` and pauses or resumes reading `senders()`
    (by default all of them)."""

    def __init__(
        self,
        connections: Callable[[], Iterable[Connection]],
        parent: QObject | None = None,
        senders: Callable[[], Iterable[Readable]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._connections = connections
        self._senders = senders or connections
        self._held: list[Readable] = []  # paused by me
        self._rounds = 0  # resumes so far: who is read first turns with each
        self._samples: dict[Connection, tuple[int, float]] = {}  # backlog, last seen draining
        self._paused_at = 0.0  # on time.monotonic
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def wrote(self, largest_backlog: int) -> None:
        """Called after a broadcast with the largest backlog it left."""
        if largest_backlog > HIGH and not self.paused:
            self._check()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._check()

    def _check(self) -> None:
        now = time.monotonic()
        limit = LOW if self.paused else HIGH
        holding = False
        connections = list(self._connections())
        samples = {}
        for connection in connections:
            backlog = connection.backlog
            previous, drained_at = self._samples.get(connection, (0, now))
            # Draining is seen as shrinking. Crossing HIGH earns the benefit of the doubt once;
            # a backlog that just sits there (even under HIGH, while paused) is stalled.
            if backlog < previous or previous <= HIGH < backlog:
                drained_at = now
            samples[connection] = (backlog, drained_at)
            if backlog > limit and now - drained_at < STALL:
                holding = True
        self._samples = samples
        if holding and not self.paused:
            self._held = list(self._senders())
            logs.net.debug("back-pressure: pausing %d connections", len(self._held))
            self.paused = True
            for sender in self._held:
                sender.pause_reading()
            self._paused_at = now
            self._timer.start(CHECK_MS)
        elif holding and self.paused:
            spaced = int((now - self._paused_at) * 1000 / PAUSE_SHARE)
            self._timer.start(min(MAX_CHECK_MS, max(CHECK_MS, spaced)))
        elif not holding and self.paused:
            held = self._held
            logs.net.debug("back-pressure: resuming %d connections", len(held))
            self.stop()
            # The first read can fill the readers and pause the room again before the others
            # are read: always starting with the same sender would starve the rest.
            self._rounds += 1
            first = self._rounds % len(held) if held else 0
            for sender in held[first:] + held[:first]:
                sender.resume_reading()

    def hold(self, connection: Readable) -> None:
        """`connection` sent while paused: it waits with the others."""
        if self.paused and connection not in self._held:
            self._held.append(connection)
            connection.pause_reading()

    def holds(self, connection: Readable) -> bool:
        """True while `connection` is paused by me (only I may read it again)."""
        return self.paused and connection in self._held

    def stop(self) -> None:
        self.paused = False
        self._held = []
        self._timer.stop()
