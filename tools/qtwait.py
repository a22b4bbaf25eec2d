"""The tools' stand-in for qtbot.waitUntil: run the Qt event loop until a condition holds."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer


def pump_until(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    """Process events until `condition()` is true; exit the tool if `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()
