"""The admin window's event log: `roomchat.*` log records, bounded, newest last."""

from __future__ import annotations

import logging
import threading
from collections import deque
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from app.shared.labels import plain_tooltip

ROOT_LOGGER = "roomchat"
DEFAULT_LIMIT = 1_000
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 1

_WARNING_COLOR = QColor(150, 90, 0)
_ERROR_COLOR = QColor(190, 0, 0)

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class LogLine:
    """One event as the window shows it."""

    level: int
    text: str


class LogFeed(QObject):
    """Carries formatted log records from any thread to the GUI thread, `limit` at most.

    `post()` may be called from any thread (the server core's, the password hasher's pool):
    the line waits in a bounded queue, and the first line into an empty queue wakes the
    feed's thread (a signal Qt queues there, as Anki's `run_on_main` does), which then emits
    every waiting line. However long that thread is blocked (a frozen display), no more than
    `limit` lines and one queued call wait for it; the oldest lines go first, as the event
    log itself drops them.

    Signals:
        record_logged(int, str): a record's level and its formatted line.
    """

    record_logged = Signal(int, str)
    _lines_waiting = Signal()

    def __init__(self, parent: QObject | None = None, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._waiting: deque[tuple[int, str]] = deque(maxlen=limit)
        self._lines_waiting.connect(self._on_lines_waiting)

    def post(self, level: int, text: str) -> None:
        """Queue a line for the feed's thread; from any thread."""
        with self._lock:
            wake = not self._waiting
            self._waiting.append((level, text))
        if wake:  # else a wake-up is on its way already
            self._lines_waiting.emit()

    @Slot()
    def _on_lines_waiting(self) -> None:
        with self._lock:
            lines = list(self._waiting)
            self._waiting.clear()
        for level, text in lines:
            self.record_logged.emit(level, text)


class QtLogHandler(logging.Handler):
    """A `logging.Handler` that forwards each formatted record through a `LogFeed`."""

    def __init__(self, feed: LogFeed, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.feed: LogFeed | None = feed
        self.setFormatter(_LineFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        # `handle` holds the handler's lock around this, and `close` takes it too: once
        # closed, no thread (the core's, the hashing pool's) reaches the feed any more.
        feed = self.feed
        if feed is None:
            return
        try:
            text = self.format(record)
            feed.post(record.levelno, text)
        except RuntimeError:  # the feed's Qt object is gone: the window has closed
            pass
        except Exception:  # logging's contract: a handler never raises into the caller
            self.handleError(record)

    def close(self) -> None:
        with self.lock or nullcontext():
            self.feed = None
        super().close()


class _LineFormatter(logging.Formatter):
    """`20:15:03  INFO   server  alice logged in from 127.0.0.1`, in local time."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        source = record.name.removeprefix(ROOT_LOGGER + ".") or ROOT_LOGGER
        text = f"{moment}  {record.levelname:<7} {source:<6}  {record.getMessage()}"
        if record.exc_info:
            # Only the exception's last line: the full traceback stays in the server's log.
            text += f" ({record.exc_info[1]!r})"
        return text


class LogAttachment:
    """Attaches a `QtLogHandler` to the `roomchat` logger and later detaches it again.

    The logger's level is left alone: the window shows what the server logs (INFO and up
    at the default `--log-level info`), and stderr gets no more than the operator asked for.
    """

    def __init__(self, feed: LogFeed, logger_name: str = ROOT_LOGGER) -> None:
        self.handler = QtLogHandler(feed)
        self._logger = logging.getLogger(logger_name)
        self._logger.addHandler(self.handler)
        self.attached = True

    def detach(self) -> None:
        """Remove the handler. Idempotent."""
        if not self.attached:
            return
        self.attached = False
        self._logger.removeHandler(self.handler)
        self.handler.close()


class EventLogModel(QAbstractListModel):
    """The last `limit` log lines, oldest first; the oldest go once the limit is reached.

    Warnings and errors are coloured; `LEVEL_ROLE` gives a line's `logging` level.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self._lines: list[LogLine] = []

    def rowCount(self, parent: ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._lines)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return line.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(line.text)
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.level >= logging.ERROR:
                return QBrush(_ERROR_COLOR)
            if line.level >= logging.WARNING:
                return QBrush(_WARNING_COLOR)
            return None
        if role == LEVEL_ROLE:
            return line.level
        return None

    def lines(self) -> list[str]:
        return [line.text for line in self._lines]

    @Slot(int, str)
    def append(self, level: int, text: str) -> None:
        """Add a line at the end, first dropping the oldest ones beyond the limit."""
        excess = len(self._lines) + 1 - self.limit
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            del self._lines[:excess]
            self.endRemoveRows()
        row = len(self._lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.append(LogLine(level, text))
        self.endInsertRows()
