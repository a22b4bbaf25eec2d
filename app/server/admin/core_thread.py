"""The server core on a `QThread` of its own, so that nothing the window's thread does (a
blocked X connection, a modal dialog) stops it serving."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.server.admin.bridge import CoreBridge
from app.server.server import ChatServer

JOIN_MS = 30_000  # the server gives up on goodbyes after a few seconds; this is a backstop

ServerFactory = Callable[[QObject], ChatServer]


class _CoreHost(QObject):
    """Lives on the core thread and makes everything there: the server (its database
    connection, sockets, timers and hashing pool belong to the thread that made them) and
    its bridge. The host and all it made are deleted on that thread as it finishes."""

    build_asked = Signal()
    listen_asked = Signal()

    def __init__(self, make_server: ServerFactory) -> None:
        super().__init__()
        self._make_server = make_server
        self.server: ChatServer | None = None
        self.bridge: CoreBridge | None = None
        self.failure: Exception | None = None
        self.listening = False
        self.down = threading.Event()  # set on the core's thread, waited for on another

    @Slot()
    def _on_build_asked(self) -> None:
        try:
            server = self._make_server(self)
        except Exception as failure:  # raised again on the thread that asked
            self.failure = failure
            QThread.currentThread().quit()
            return
        self.bridge = CoreBridge(server, self)
        server.shut_down.connect(self._on_server_shut_down)
        self.server = server

    @Slot()
    def _on_server_shut_down(self) -> None:
        self.down.set()

    @Slot()
    def _on_listen_asked(self) -> None:
        assert self.server is not None and self.bridge is not None
        self.listening = self.server.listen()
        if self.listening:
            self.bridge.address = self.server.address


class CoreThread(QObject):
    """Runs a `ChatServer` on a thread with its own event loop; the window talks to it
    only through `bridge` (a `CoreBridge`).

    Signals:
        shut_down(): the server has shut down, emitted on the thread that made this object
            (connect `QCoreApplication.quit` here: a signal of the bridge connected to a
            function would call it on the core's thread).

    `start()` builds the server on that thread and `listen()` opens its port there, each
    waiting for the answer (they run once, before the event loop). `stop()` shuts the
    server down if it still runs and waits for the thread to end: call it before this
    object goes (a `QThread` destroyed while running aborts the process).
    """

    shut_down = Signal()

    def __init__(self, make_server: ServerFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("server core")
        self._host = _CoreHost(make_server)
        self._host.moveToThread(self._thread)
        blocking = Qt.ConnectionType.BlockingQueuedConnection
        self._host.build_asked.connect(self._host._on_build_asked, blocking)
        self._host.listen_asked.connect(self._host._on_listen_asked, blocking)
        # Deleted on the core thread as it finishes, children (the server) first.
        self._thread.finished.connect(self._host.deleteLater)
        self._bridge: CoreBridge | None = None
        self._adopted: list[QObject] = []

    @property
    def bridge(self) -> CoreBridge:
        if self._bridge is None:
            raise RuntimeError("the server core has not started")
        return self._bridge

    def start(self) -> None:
        """Build the server on the core thread; raises what building it raised."""
        self._thread.start()
        self._host.build_asked.emit()
        if self._host.failure is not None:
            self._thread.wait(JOIN_MS)
            raise self._host.failure
        self._bridge = self._host.bridge
        assert self._bridge is not None
        self._bridge.shut_down.connect(self._on_bridge_shut_down)  # queued to our thread

    @Slot()
    def _on_bridge_shut_down(self) -> None:
        self.shut_down.emit()

    def adopt(self, thing: QObject) -> None:
        """Move `thing` (parentless, made on this thread) to the core thread, so that it
        works whatever this thread does (a `ShutdownSignals`: SIGTERM stops the server while
        the window's thread is blocked); it is deleted there when the thread ends."""
        thing.moveToThread(self._thread)
        self._thread.finished.connect(thing.deleteLater)
        self._adopted.append(thing)  # Python would delete it, from here, once unreferenced

    def listen(self) -> str | None:
        """Open the main port; its address ("host:port"), or None if it cannot listen."""
        self._host.listen_asked.emit()
        return self.bridge.address if self._host.listening else None

    def stop(self) -> None:
        """Shut the server down (if it still runs), then end the thread and wait for it.

        The thread runs on after the server's `shut_down` until this is called, so that
        nothing the core made is deleted while this thread still handles its signals."""
        if self._bridge is not None and self._thread.isRunning():
            self._bridge.shutdown()  # idempotent: nothing happens if it has shut down
            if not self._host.down.wait(JOIN_MS / 1000):
                raise RuntimeError("the server core did not shut down")
        self._thread.quit()
        if not self._thread.wait(JOIN_MS):
            raise RuntimeError("the server core did not stop")
