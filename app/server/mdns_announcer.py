"""The server's DNS-SD announcement on the Qt event loop: the responder core, a socket, a timer."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QCryptographicHash, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QHostInfo, QNetworkInterface, QSslConfiguration

from app.server.config import ServerConfig
from app.server.mdns_responder import Responder
from app.server.mdns_service import Datagram, ServiceDescription
from app.shared import dnssd, logs
from app.shared.limits import Clock
from app.shared.mdns_socket import (
    MulticastSocket,
    interface_addresses,
    is_wildcard,
    multicast_interfaces,
)


def host_label() -> str:
    """This machine's host name without its domain, as in HOST.local."""
    return QHostInfo.localHostName().split(".", 1)[0] or "roomchat"


def default_server_name() -> str:
    return f"RoomChat on {host_label()}"


def certificate_fingerprint(tls: QSslConfiguration | None) -> str:
    """The SHA-256 of the server's certificate in lower-case hex, "" without TLS."""
    if tls is None or tls.localCertificate().isNull():
        return ""
    digest = tls.localCertificate().digest(QCryptographicHash.Algorithm.Sha256)
    return bytes(digest.toHex().data()).decode("ascii")


def describe(
    config: ServerConfig, port: int, rooms: int, addresses: list[str]
) -> ServiceDescription:
    fingerprint = certificate_fingerprint(config.tls)
    return ServiceDescription(
        instance=config.server_name or default_server_name(),
        host=host_label(),
        port=port,
        addresses=tuple(addresses),
        txt=dnssd.ServiceTxt(
            tls=config.tls is not None,
            fingerprint=fingerprint,
            registration=config.registration,
            rooms=rooms,
        ),
    )


class MdnsAnnouncer(QObject):
    """Announces one server as `_roomchat._tcp` and answers for it until `stop()`.

    Signals:
        name_changed(str): a conflict made the responder take another instance name.
    """

    name_changed = Signal(str)

    def __init__(
        self,
        config: ServerConfig,
        port: int,
        rooms: int = 0,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
        interfaces: list[QNetworkInterface] | None = None,
    ) -> None:
        super().__init__(parent)
        if interfaces is None:
            interfaces = multicast_interfaces(config.host)
        wildcard = is_wildcard(config.host)
        addresses = interface_addresses(interfaces) if wildcard else [config.host]
        self._clock = clock
        self.responder = Responder(
            describe(config, port, rooms, addresses),
            clock,
            config.mdns_answer_rate,
            config.mdns_update_interval,
        )
        self._socket = MulticastSocket(interfaces, config.mdns_port, self)
        self._socket.datagram_received.connect(self._on_socket_datagram_received)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._name = self.responder.name

    @property
    def port(self) -> int:
        """The UDP port answered on (5353 unless a test asked for another)."""
        return self._socket.port

    @property
    def name(self) -> str:
        return self.responder.name

    @property
    def interfaces(self) -> list[QNetworkInterface]:
        return self._socket.interfaces

    def start(self) -> bool:
        if not self._socket.open():
            return False
        if not self._socket.joined:
            logs.net.info("mDNS: no multicast interface; answering unicast queries only")
        self.responder.start()
        self._flush([])
        logs.net.info("mDNS: announcing %r", self.responder.name)
        return True

    def set_rooms(self, rooms: int) -> None:
        self.responder.set_rooms(rooms)
        self._flush([])

    def stop(self) -> None:
        """Say goodbye and close the socket. Idempotent."""
        self._timer.stop()
        for datagram in self.responder.stop():
            self._socket.send(datagram.data, datagram.address, datagram.port)
        self._socket.close()

    def _flush(self, datagrams: list[Datagram]) -> None:
        """Send `datagrams` and whatever is due, then wait for the next thing due."""
        for datagram in datagrams + self.responder.poll():
            self._socket.send(datagram.data, datagram.address, datagram.port)
        if self.responder.name != self._name:
            self._name = self.responder.name
            logs.net.warning("mDNS: the name was taken; now %r", self._name)
            self.name_changed.emit(self._name)
        wakeup = self.responder.next_wakeup()
        if wakeup is None:
            self._timer.stop()
        else:
            # Rounded up: a timer that fires early would find nothing due and spin.
            self._timer.start(max(0, math.ceil((wakeup - self._clock()) * 1000)))

    @Slot(bytes, str, int)
    def _on_socket_datagram_received(self, data: bytes, address: str, port: int) -> None:
        self._flush(self.responder.receive(data, address, port))

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._flush([])
