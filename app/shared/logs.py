"""Named loggers (`net`, `proto`, `db`, `ui`, `server`) and the one place logging is set up."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

net = logging.getLogger("roomchat.net")
proto = logging.getLogger("roomchat.proto")
db = logging.getLogger("roomchat.db")
ui = logging.getLogger("roomchat.ui")
server = logging.getLogger("roomchat.server")
qt = logging.getLogger("roomchat.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message_handler(kind: QtMsgType, _context: QMessageLogContext, text: str) -> None:
    qt.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", text)


def setup_logging(level: str = "info") -> None:
    """Log to stderr (stdout is kept for the CLI's documented output) and route Qt's messages."""
    logging.basicConfig(
        stream=sys.stderr,
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    qInstallMessageHandler(_qt_message_handler)
