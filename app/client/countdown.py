"""A countdown in whole seconds, ticking once a second: how long until the server says yes."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

TICK_MS = 1_000


class Countdown(QObject):
    """Counts a server's `retry_after` down to 0, a second at a time.

    Signals:
        ticked(int): the whole seconds left, from `start()` on and after each second (> 0).
        finished(): the count reached 0 (not after `stop()`).
    """

    ticked = Signal(int)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.remaining = 0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        # A coarse timer may fire 5 % early; the server would then still refuse.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def active(self) -> bool:
        return self.remaining > 0

    def start(self, seconds: float) -> None:
        """Count down from `seconds`, rounded up (and at least 1): never ends too early."""
        self.remaining = max(1, math.ceil(seconds))
        self._timer.start()
        self.ticked.emit(self.remaining)

    def stop(self) -> None:
        self._timer.stop()
        self.remaining = 0

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.remaining -= 1
        if self.remaining > 0:
            self.ticked.emit(self.remaining)
            return
        self.stop()
        self.finished.emit()
