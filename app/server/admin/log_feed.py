"""The admin window's event log: `roomchat.*` log records, bounded, newest last."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from html import escape

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

ROOT_LOGGER = "roomchat"
DEFAULT_LIMIT = 1_000
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 1

_WARNING_COLOR = QColor(150, 90, 0)
_ERROR_COLOR = QColor(190, 0, 0)

ModelIndex = QModelIndex | QPersistentModelIndex


def plain_tooltip(text: str) -> str:
    """`text` as a tooltip that shows it literally: Qt renders a tooltip as rich text when it
    merely looks like HTML (a room name can), so escape it inside an explicit paragraph."""
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"


@dataclass(frozen=True, slots=True)
class LogLine:
    """One event as the window shows it."""

    level: int
    text: str


class LogFeed(QObject):
    """Carries formatted log records from any thread to the GUI thread.

    The handler may run on a worker thread (the password hasher's pool); emitting a signal
    whose receiver lives in the GUI thread queues the call there, as Anki's `run_on_main` does.

    Signals:
        record_logged(int, str): a record's level and its formatted line.
    """

    record_logged = Signal(int, str)


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
            feed.record_logged.emit(record.levelno, text)
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
