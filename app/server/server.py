"""The server core: the main port, the lobby, the room directory, the store. No widgets."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QHostAddress, QTcpServer

from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.directory import RoomDirectory
from app.server.hashing import PasswordHasher
from app.server.lobby import Lobby
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import MAIN_PORT_TYPES, ErrorCode

FLUSH_SECONDS = 3.0


class ChatServer(QObject):
    """Everything the server does, on the Qt event loop; a window or a test can watch it.

    `listen()` opens the database (closing rooms an earlier run left open) and the main port.
    `shutdown()` tells every client `server_shutdown`, closes every room and the database.

    Signals:
        shut_down(): the server has stopped and every goodbye has been flushed (or given up
            on after a few seconds); the event loop may quit now.
    Rooms and sessions are reachable as `directory` (with its room signals) and `lobby`.
    """

    shut_down = Signal()

    def __init__(self, config: ServerConfig, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.store = ChatStore(config.db_path)
        stale = self.store.close_stale_rooms()
        if stale:
            logs.server.info("closed %d room(s) left open by an earlier run", stale)
        self.hasher = PasswordHasher(config.hash_profile, self)
        self.directory = RoomDirectory(config, self.store, self)
        self.lobby = Lobby(config, self.store, self.hasher, self.directory, self)
        self._listener = QTcpServer(self)
        self._listener.newConnection.connect(self._on_listener_new_connection)
        self._stopped = False
        self._flush_timer = QTimer(self)
        self._flush_deadline = 0.0

    def listen(self) -> bool:
        if not self._listener.listen(QHostAddress(self.config.host), self.config.port):
            logs.net.error(
                "cannot listen on %s:%d: %s",
                self.config.host,
                self.config.port,
                self._listener.errorString(),
            )
            return False
        logs.net.info("listening on %s:%d", self.config.host, self.port)
        return True

    @property
    def port(self) -> int:
        return self._listener.serverPort()

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.port}"

    @Slot()
    def _on_listener_new_connection(self) -> None:
        while self._listener.hasPendingConnections():
            socket = self._listener.nextPendingConnection()
            self.lobby.accept(Connection(socket, MAIN_PORT_TYPES, self))

    def shutdown(self) -> None:
        """Say `server_shutdown` to everyone, close every room and the database. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        text = "the server is shutting down"
        self._listener.close()
        self.lobby.close_all(ErrorCode.SERVER_SHUTDOWN, text)
        self.directory.close_all(ErrorCode.SERVER_SHUTDOWN, text)
        self.hasher.close()
        self.store.close()
        logs.server.info("server stopped")
        self._flush_deadline = time.monotonic() + FLUSH_SECONDS
        self._flush_timer.timeout.connect(self._on_flush_timer_timeout)
        self._flush_timer.start(20)

    @Slot()
    def _on_flush_timer_timeout(self) -> None:
        """Goodbye frames are written by the event loop: wait for the sockets to close."""
        if self.findChildren(Connection) and time.monotonic() < self._flush_deadline:
            return
        self._flush_timer.stop()
        self.shut_down.emit()
