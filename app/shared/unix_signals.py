"""Ctrl+C and SIGTERM delivered into the Qt event loop, so that shutdown runs cleanly."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


class ShutdownSignals(QObject):
    """Calls `on_signal` on the event loop when SIGINT or SIGTERM arrives.

    Python runs signal handlers only between bytecodes, and a Qt loop idling in C never
    gets there; the wakeup pipe makes the loop wake and run our slot.
    """

    def __init__(self, on_signal: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._read_fd, write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(write_fd, False)
        self._write_fd = write_fd
        signal.set_wakeup_fd(write_fd)
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: None)
        self._notifier = QSocketNotifier(self._read_fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    def _on_notifier_activated(self) -> None:
        try:
            received = os.read(self._read_fd, 64)
        except BlockingIOError:
            return
        if received:
            self._on_signal()
