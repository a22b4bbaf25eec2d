"""Why the person may not speak in a room now (muted, read-only, slow mode) and till when."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QDateTime, QLocale, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel

TICK_MS = 1_000


def epoch_of(iso: str | None) -> float | None:
    """An ISO-8601 UTC time from the wire (`until`) in Unix seconds; None for none."""
    if not iso:
        return None
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODateWithMs)
    return moment.toMSecsSinceEpoch() / 1000 if moment.isValid() else None


def left_text(seconds: int) -> str:
    """`4:05`, or `1:02:03` past an hour."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class MutedInput(QObject):
    """The state that keeps the input line off, shown on a plain-text `label`: a mute (till
    a time, counted down, or until unmuted), a read-only room, or slow mode's wait.

    Signals:
        changed(): `blocked` or what the label says changed.
    """

    changed = Signal()

    def __init__(
        self, label: QLabel, parent: QObject | None = None, now: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self.label = label
        self._now = now
        self.muted = False
        self.muted_until: float | None = None  # Unix seconds; None with `muted`: until unmuted
        self.read_only = False
        self._slow_until = 0.0  # Unix seconds slow mode's wait ends at
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        label.hide()

    @property
    def blocked(self) -> bool:
        return self.muted or self.read_only or self._slow_left() > 0

    def mute(self, until: float | None) -> None:
        self.muted, self.muted_until = True, until
        self._refresh()

    def mute_for(self, minutes: int | None) -> None:
        """Muted from now on for `minutes` (None: until unmuted), as a `moderation` event says."""
        self.mute(None if minutes is None else self._now() + minutes * 60)

    def unmute(self) -> None:
        self.muted, self.muted_until = False, None
        self._refresh()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._refresh()

    def slow(self, seconds: float) -> None:
        """Slow mode: the next message may go in `seconds`."""
        self._slow_until = self._now() + seconds
        self._refresh()

    def clear(self) -> None:
        """A new connection to the room: what was known is told again by the server."""
        self.muted, self.muted_until, self.read_only, self._slow_until = False, None, False, 0.0
        self._refresh()

    def stop(self) -> None:
        self._timer.stop()
        self.blockSignals(True)

    def _slow_left(self) -> int:
        return max(0, math.ceil(self._slow_until - self._now()))

    def text(self) -> str:
        """Why the input is off, or "" when it is not."""
        if self.muted and self.muted_until is not None and self.muted_until <= self._now():
            self.muted, self.muted_until = False, None  # the server lets them speak again
        if self.muted:
            if self.muted_until is None:
                return self.tr("You are muted in this room until a moderator unmutes you.")
            until = QDateTime.fromMSecsSinceEpoch(int(self.muted_until * 1000)).toLocalTime()
            clock = QLocale().toString(until.time(), QLocale.FormatType.ShortFormat)
            left = left_text(math.ceil(self.muted_until - self._now()))
            return self.tr("You are muted in this room until {time} ({left} left).").format(
                time=clock, left=left
            )
        if self.read_only:
            return self.tr("This room is read-only now: only the owner and moderators speak.")
        slow = self._slow_left()
        if slow:
            return self.tr("Slow mode: you can send your next message in {seconds} s.").format(
                seconds=slow
            )
        return ""

    def _refresh(self) -> None:
        text = self.text()
        self.label.setText(text)
        self.label.setVisible(bool(text))
        counting = (self.muted and self.muted_until is not None) or self._slow_left() > 0
        if counting and not self._timer.isActive():
            self._timer.start()
        elif not counting:
            self._timer.stop()
        self.changed.emit()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._refresh()
