"""The client's DNS-SD browsing on the Qt event loop: the browser core, a socket, a timer."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInterface

from app.client.server_browser import FoundServer, ServerBrowser
from app.shared import logs
from app.shared.dnssd import MDNS_PORT
from app.shared.limits import Clock
from app.shared.mdns_socket import MulticastSocket, multicast_interfaces


class ServerFinder(QObject):
    """Browses for `_roomchat._tcp` on every interface that can multicast, until `stop()`.

    Signals:
        servers_changed(list): the `FoundServer`s now known, whenever that list changes.
    """

    servers_changed = Signal(list)

    def __init__(
        self,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
        interfaces: list[QNetworkInterface] | None = None,
        port: int = MDNS_PORT,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.browser = ServerBrowser(clock)
        if interfaces is None:
            interfaces = multicast_interfaces()
        self._socket = MulticastSocket(interfaces, port, self)
        self._socket.datagram_received.connect(self._on_socket_datagram_received)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.servers: list[FoundServer] = []

    @property
    def port(self) -> int:
        return self._socket.port

    def start(self) -> bool:
        """Start browsing; False (and the login window lists nothing) if UDP cannot bind."""
        if not self._socket.open():
            logs.net.warning("mDNS: cannot browse for servers on the local network")
            return False
        self.browser.start()
        self._update(False)
        return True

    def stop(self) -> None:
        self._timer.stop()
        self._socket.close()

    def _update(self, changed: bool) -> None:
        queries, expired = self.browser.poll()
        for query in queries:
            self._socket.send(query)
        if changed or expired:
            servers = self.browser.servers()
            if servers != self.servers:
                self.servers = servers
                self.servers_changed.emit(servers)
        wakeup = self.browser.next_wakeup()
        if wakeup is None:
            self._timer.stop()
        else:  # rounded up, so that the timer never fires before anything is due
            self._timer.start(max(0, math.ceil((wakeup - self._clock()) * 1000)))

    @Slot(bytes, str, int)
    def _on_socket_datagram_received(self, data: bytes, address: str, _port: int) -> None:
        self._update(self.browser.receive(data, address))

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._update(False)
