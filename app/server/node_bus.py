"""The event bus between nodes: PostgreSQL's NOTIFY on one channel, heard on a connection of
its own with `QSqlDriver.subscribeToNotification` (on the Qt event loop, no thread).

A notification carries ids only, never data: `NODE KIND ID` (the sender's name first, so a
node skips its own). PostgreSQL does not replay what a node missed while disconnected, so
after reopening the connection the bus says `reconnected` and the node reads the tables
again.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtSql import QSqlDatabase, QSqlDriver, QSqlQuery

from app.server.database import Database
from app.server.engines import PostgresEngine
from app.shared import logs

CHANNEL = "roomchat_nodes"
MAX_PAYLOAD = 8_000  # bytes: PostgreSQL's own cap on a NOTIFY payload
_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification: who sent it (a node name has no space), what about, an id or name."""

    sender: str
    kind: str
    subject: str

    def encode(self) -> str:
        text = f"{self.sender} {self.kind} {self.subject}"
        if len(text.encode()) > MAX_PAYLOAD:
            raise ValueError("a notification is ids only and fits 8,000 bytes")
        return text

    @classmethod
    def decode(cls, payload: str) -> Notice | None:
        parts = payload.split(" ")
        return cls(*parts) if len(parts) == 3 and all(parts) else None


class NodeBus(QObject):
    """Sends notices with `pg_notify` on the node's store and hears the others' notices.

    Signals:
        notice_received(object): a `Notice` from another node.
        reconnected(): the listening connection was lost and is open again: notices may
            have been missed, so read the tables again.
    """

    notice_received = Signal(object)
    reconnected = Signal()

    def __init__(self, db: Database, node: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        assert isinstance(db.engine, PostgresEngine)
        self._db = db
        self._engine = db.engine
        self._node = node
        self._name = f"roomchat-bus-{next(_numbers)}"
        self._listening: QSqlDatabase | None = None
        self._open()

    def _open(self) -> bool:
        connection = QSqlDatabase.addDatabase("QPSQL", self._name)
        self._engine.configure(connection)
        if not connection.open() or not connection.driver().subscribeToNotification(CHANNEL):
            logs.db.warning("node bus: cannot listen: %s", connection.lastError().text())
            connection.close()
            del connection
            QSqlDatabase.removeDatabase(self._name)
            return False
        connection.driver().notification.connect(self._on_driver_notification)
        self._listening = connection
        return True

    def _close(self) -> None:
        if self._listening is None:
            return
        self._listening.close()
        self._listening = None
        QSqlDatabase.removeDatabase(self._name)

    def publish(self, kind: str, subject: object) -> None:
        """Tell every other node (once this statement commits) that `subject` changed."""
        payload = Notice(self._node, kind, str(subject)).encode()
        self._db.rows("SELECT pg_notify(:channel, :payload)", channel=CHANNEL, payload=payload)

    def check(self) -> None:
        """Called every few seconds: a lost listening connection is reopened (then
        `reconnected`), since the driver does not notice the loss by itself."""
        if self._listening is not None:
            alive = False
            if self._listening.isOpen():  # the driver closes it when it sees the loss
                query = QSqlQuery(self._listening)
                alive = query.exec("SELECT 1")
                query.finish()
                del query
            if alive:
                return
            logs.db.warning("node bus: the listening connection was lost; reopening")
            self._close()
        if self._open():
            logs.db.info("node bus: listening again")
            self.reconnected.emit()

    @Slot(str, QSqlDriver.NotificationSource, object)
    def _on_driver_notification(
        self, name: str, source: QSqlDriver.NotificationSource, payload: object
    ) -> None:
        notice = Notice.decode(str(payload)) if name == CHANNEL else None
        if notice is not None and notice.sender != self._node:
            self.notice_received.emit(notice)

    def close(self) -> None:
        self._close()
