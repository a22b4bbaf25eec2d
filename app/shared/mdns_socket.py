"""Multicast DNS on the Qt event loop: UDP port 5353 shared, the groups joined per interface."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import (
    QAbstractSocket,
    QHostAddress,
    QNetworkInterface,
    QUdpSocket,
)

from app.shared import logs
from app.shared.dnssd import MAX_PACKET, MDNS_IPV4, MDNS_IPV6, MDNS_PORT

IPV4 = QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
IPV6 = QAbstractSocket.NetworkLayerProtocol.IPv6Protocol
SHARE = (
    QAbstractSocket.BindFlag.ShareAddress | QAbstractSocket.BindFlag.ReuseAddressHint
)  # the system's responder (Avahi) and other RoomChat processes hold 5353 too
_Flag = QNetworkInterface.InterfaceFlag


def is_wildcard(host: str) -> bool:
    """Whether `host` means every address (0.0.0.0, ::)."""
    address = QHostAddress(host)
    return address.isNull() or any(
        address.isEqual(QHostAddress(special))
        for special in (QHostAddress.SpecialAddress.AnyIPv4, QHostAddress.SpecialAddress.AnyIPv6)
    )


def multicast_interfaces(host: str = "0.0.0.0") -> list[QNetworkInterface]:
    """The interfaces that can carry multicast DNS for a server listening on `host`.

    A wildcard address means every interface that is up and can multicast; a given address
    means the interface holding it (the loopback interface carries multicast only where it
    was set up to, as in a test's network namespace).
    """
    wanted, wildcard = QHostAddress(host), is_wildcard(host)
    found = []
    for interface in QNetworkInterface.allInterfaces():
        flags = interface.flags()
        if not (flags & _Flag.IsUp and flags & _Flag.IsRunning and flags & _Flag.CanMulticast):
            continue
        entries = [entry.ip() for entry in interface.addressEntries()]
        if wildcard or any(ip.isEqual(wanted) for ip in entries):
            found.append(interface)
    return found


def interface_addresses(interfaces: Iterable[QNetworkInterface]) -> list[str]:
    """The addresses worth announcing on `interfaces` (IPv6 link-local ones left out)."""
    addresses: list[str] = []
    for interface in interfaces:
        for entry in interface.addressEntries():
            ip = entry.ip()
            if ip.protocol() == IPV6 and ip.isLinkLocal():
                continue
            if ip.protocol() in (IPV4, IPV6) and ip.toString() not in addresses:
                addresses.append(ip.toString())
    return addresses


class MulticastSocket(QObject):
    """An IPv4 and (where IPv6 is up) an IPv6 UDP socket on the mDNS port.

    `open()` binds and joins 224.0.0.251 / ff02::fb on each of `interfaces`; `send()` to the
    group goes out on each interface joined, nowhere else; with no interface joined only
    unicast works (a test's queries to 127.0.0.1:port).

    Signals:
        datagram_received(bytes, str, int): data, sender address, sender port.
    """

    datagram_received = Signal(bytes, str, int)

    def __init__(
        self,
        interfaces: list[QNetworkInterface],
        port: int = MDNS_PORT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._interfaces = interfaces
        self._port = port
        self._sockets: dict[QAbstractSocket.NetworkLayerProtocol, QUdpSocket] = {}
        self._joined: dict[QAbstractSocket.NetworkLayerProtocol, list[QNetworkInterface]] = {}

    @property
    def port(self) -> int:
        """The bound port (the IPv4 socket's), 0 before `open()`."""
        socket = self._sockets.get(IPV4) or self._sockets.get(IPV6)
        return socket.localPort() if socket else 0

    @property
    def interfaces(self) -> list[QNetworkInterface]:
        """The interfaces it joins the groups on and multicasts to (and no other)."""
        return list(self._interfaces)

    @property
    def joined(self) -> int:
        """Interface and group pairs joined."""
        return sum(len(group) for group in self._joined.values())

    def open(self) -> bool:
        """Bind and join; False when not even the IPv4 socket could bind."""
        any_v4 = QHostAddress(QHostAddress.SpecialAddress.AnyIPv4)
        any_v6 = QHostAddress(QHostAddress.SpecialAddress.AnyIPv6)
        port = self._port
        for protocol, address, group in ((IPV4, any_v4, MDNS_IPV4), (IPV6, any_v6, MDNS_IPV6)):
            socket = QUdpSocket(self)
            if not socket.bind(address, port, SHARE):
                level = logs.net.warning if protocol == IPV4 else logs.net.info
                level("mDNS: cannot bind %s port %d: %s", address.toString(), port,
                      socket.errorString())  # fmt: skip
                socket.deleteLater()
                continue
            port = port or socket.localPort()  # port 0: IPv6 takes the port IPv4 got
            socket.setSocketOption(QAbstractSocket.SocketOption.MulticastTtlOption, 255)
            socket.setSocketOption(QAbstractSocket.SocketOption.MulticastLoopbackOption, 1)
            socket.readyRead.connect(self._on_socket_ready_read)
            self._sockets[protocol] = socket
            self._joined[protocol] = [
                interface
                for interface in self._interfaces
                if socket.joinMulticastGroup(QHostAddress(group), interface)
            ]
        if IPV4 not in self._sockets:
            self.close()
            return False
        return True

    def send(self, data: bytes, address: str | None = None, port: int = MDNS_PORT) -> None:
        """To `address`:`port`, or with `address` None to the group on every joined
        interface; a failure is logged, never raised (UDP may drop anything anyway)."""
        if address is not None:
            target = QHostAddress(address)
            socket = self._sockets.get(target.protocol())
            if socket is not None and socket.writeDatagram(data, target, port) < 0:
                logs.net.debug("mDNS: cannot send to %s: %s", address, socket.errorString())
            return
        for protocol, group in ((IPV4, MDNS_IPV4), (IPV6, MDNS_IPV6)):
            socket = self._sockets.get(protocol)
            if socket is None:
                continue
            for interface in self._joined.get(protocol, []):
                socket.setMulticastInterface(interface)
                if socket.writeDatagram(data, QHostAddress(group), MDNS_PORT) < 0:
                    logs.net.debug(
                        "mDNS: cannot send on %s: %s", interface.name(), socket.errorString()
                    )

    def close(self) -> None:
        for socket in self._sockets.values():
            socket.close()
            socket.deleteLater()
        self._sockets.clear()
        self._joined.clear()

    @Slot()
    def _on_socket_ready_read(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QUdpSocket):
            return
        while socket.hasPendingDatagrams():
            datagram = socket.receiveDatagram(MAX_PACKET + 1)  # one more: too long is seen
            sender = datagram.senderAddress()
            if sender.isNull():
                continue
            self.datagram_received.emit(
                bytes(datagram.data().data()), sender.toString(), datagram.senderPort()
            )
