"""The server's DNS-SD announcer on real sockets, kept on this machine: a one-shot query to
127.0.0.1 and its port (RFC 6762 §6.7), and which servers announce at all."""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Callable
from pathlib import Path

import dns.message
import dns.rdatatype
import pytest
from PySide6.QtNetwork import QHostAddress, QNetworkInterface, QUdpSocket
from pytestqt.qtbot import QtBot

from app.server.announcing import should_announce
from app.server.config import ServerConfig
from app.server.mdns_responder import State
from app.server.server import ChatServer
from app.server.tls import load_server_tls, make_self_signed
from app.shared.mdns_socket import is_wildcard, multicast_interfaces
from tests.wire_client import WireClient

SERVICE = "_roomchat._tcp.local."


class OneShotAsker:
    """A plain DNS client on an ephemeral port, as `dig -p 5353 @127.0.0.1` would be."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.socket = QUdpSocket()
        assert self.socket.bind(QHostAddress(QHostAddress.SpecialAddress.LocalHost), 0)
        self.replies: list[dns.message.Message] = []
        self.socket.readyRead.connect(self._on_ready_read)

    def _on_ready_read(self) -> None:
        while self.socket.hasPendingDatagrams():
            data = bytes(self.socket.receiveDatagram().data().data())
            self.replies.append(dns.message.from_wire(data))

    def ask(self, port: int, name: str = SERVICE, rdtype: str = "PTR") -> dns.message.Message:
        count = len(self.replies)
        query = dns.message.make_query(name, rdtype).to_wire()
        self.socket.writeDatagram(query, QHostAddress("127.0.0.1"), port)
        self.qtbot.waitUntil(lambda: len(self.replies) > count, timeout=5_000)
        return self.replies[count]


def txt_of(reply: dns.message.Message) -> dict[str, str]:
    for rrset in [*reply.answer, *reply.additional]:
        if rrset.rdtype == dns.rdatatype.TXT:
            return dict(s.decode().split("=", 1) for s in rrset[0].strings)
    raise AssertionError("no TXT")


def announced(qtbot: QtBot, server: ChatServer) -> int:
    announcer = server.announcer
    assert announcer is not None
    qtbot.waitUntil(lambda: announcer.responder.state is not State.PROBING, timeout=5_000)
    return announcer.port


def test_a_one_shot_query_finds_the_server_its_port_and_its_txt(
    qtbot: QtBot, make_server: Callable[..., ChatServer]
) -> None:
    server = make_server(announce_on_loopback=True, mdns_port=0, server_name="Club")
    port = announced(qtbot, server)
    asker = OneShotAsker(qtbot)
    reply = asker.ask(port)
    (ptr,) = [r for r in reply.answer if r.rdtype == dns.rdatatype.PTR]
    assert ptr[0].target.labels[0] == b"Club"
    (srv,) = [r for r in reply.additional if r.rdtype == dns.rdatatype.SRV]
    assert srv[0].port == server.port
    (a,) = [r for r in reply.additional if r.rdtype == dns.rdatatype.A]
    assert a[0].address == "127.0.0.1"
    assert txt_of(reply) == {"v": "1", "tls": "0", "reg": "1", "rooms": "0"}


@pytest.mark.server_config(announce_on_loopback=True, mdns_port=0, mdns_update_interval=0.0)
def test_the_room_count_follows_rooms_opening_and_closing(
    qtbot: QtBot, server: ChatServer, login: Callable[..., WireClient]
) -> None:
    port = announced(qtbot, server)
    assert server.announcer is not None
    responder = server.announcer.responder
    asker = OneShotAsker(qtbot)
    alice = login("alice")
    created = alice.request("create_room", "room_created", name="Lounge", capacity=4)
    qtbot.waitUntil(lambda: responder.service.txt.rooms == 1)
    assert txt_of(asker.ask(port))["rooms"] == "1"
    server.close_room(created["room"]["id"])
    qtbot.waitUntil(lambda: responder.service.txt.rooms == 0)
    assert txt_of(asker.ask(port))["rooms"] == "0"


def test_with_tls_the_txt_carries_the_certificate_fingerprint(
    qtbot: QtBot, make_server: Callable[..., ChatServer], tmp_path: Path
) -> None:
    cert, key = make_self_signed(str(tmp_path), ["localhost", "127.0.0.1"])
    server = make_server(
        tls=load_server_tls(str(cert), str(key)), announce_on_loopback=True, mdns_port=0
    )
    port = announced(qtbot, server)
    der = ssl.PEM_cert_to_DER_cert(Path(cert).read_text())
    txt = txt_of(OneShotAsker(qtbot).ask(port))
    assert txt == {"v": "1", "tls": "1", "fp": hashlib.sha256(der).hexdigest(), "reg": "1",
                   "rooms": "0"}  # fmt: skip


@pytest.mark.parametrize(
    ("host", "flags", "announces"),
    [
        ("127.0.0.1", {}, False),
        ("::1", {}, False),
        ("127.0.0.1", {"announce_on_loopback": True}, True),
        ("0.0.0.0", {}, True),
        ("192.168.1.5", {}, True),
        ("0.0.0.0", {"announce": False}, False),
        ("127.0.0.1", {"announce": False, "announce_on_loopback": True}, False),
    ],
)
def test_who_is_announced(host: str, flags: dict, announces: bool) -> None:
    assert should_announce(ServerConfig(db_path="x", host=host, **flags)) is announces


def test_a_server_on_loopback_is_not_announced(make_server: Callable[..., ChatServer]) -> None:
    assert make_server().announcer is None


def test_announced_on_loopback_it_multicasts_on_the_loopback_interface_only(
    make_server: Callable[..., ChatServer],
) -> None:
    server = make_server(announce_on_loopback=True, mdns_port=0)
    assert server.announcer is not None
    loopback = QNetworkInterface.InterfaceFlag.IsLoopBack
    assert all(i.flags() & loopback for i in server.announcer.interfaces)
    assert is_wildcard("0.0.0.0") and is_wildcard("::")
    assert not is_wildcard("127.0.0.1") and not is_wildcard("192.168.1.5")
    assert [i.name() for i in multicast_interfaces("192.0.2.99")] == []  # nobody holds it
