"""Run inside a fresh network namespace (only `lo`, set to multicast) by test_mdns_namespace:
two real servers announce themselves on 224.0.0.251:5353 and a browser finds them.

Nothing here can reach another machine: the namespace has no other interface. Prints one
`ok: ...` line per check passed; exits 1 with `FAILED: ...` on the first that fails.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dns.exception
import dns.message
import dns.rdatatype
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtNetwork import QHostAddress, QUdpSocket
from PySide6.QtWidgets import QApplication

from app.client.server_browser import FoundServer
from app.client.server_finder import ServerFinder
from app.server.config import ServerConfig
from app.server.mdns_responder import State
from app.server.server import ChatServer
from app.shared.dnssd import MDNS_IPV4, MDNS_PORT
from app.shared.mdns_socket import multicast_interfaces

TIMEOUT = 10.0


class CheckFailedError(Exception):
    """One of the checks did not hold."""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Run the event loop until `condition()` holds; `CheckFailedError` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(loop.quit)
    timer.start(10)
    while not condition():
        if time.monotonic() > deadline:
            raise CheckFailedError(what)
        loop.exec()
    print(f"ok: {what}", flush=True)


def start_server(folder: Path, name: str) -> ChatServer:
    config = ServerConfig(
        db_path=str(folder / f"{name.replace(' ', '_')}.sqlite3"),
        host="0.0.0.0",
        port=0,
        hash_profile="test",
        server_name="RoomChat on ns",
        mdns_update_interval=0.0,
    )
    server = ChatServer(config)
    if not server.listen():
        raise CheckFailedError(f"{name} cannot listen")
    return server


def by_port(finder: ServerFinder) -> dict[int, FoundServer]:
    return {server.port: server for server in finder.servers}


def log_in_through_the_window(finder: ServerFinder, port: int, folder: Path) -> None:
    """The login window lists what the finder found; picking the server and signing up
    reaches its lobby."""
    from PySide6.QtCore import QSettings

    from app.client.login_window import LoginWindow

    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder / "settings"))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder / "settings"))
    login = LoginWindow("127.0.0.1", 1)  # a wrong port: the list puts it right
    model = login.found_servers.model
    model.set_servers(finder.servers)
    finder.servers_changed.connect(model.set_servers)
    login.show()
    row = next(r for r in range(model.rowCount()) if model.server(r).port == port)
    login.found_servers._view.activated.emit(model.index(row))  # as Enter on it would
    if login.port_spin.value() != port:
        raise CheckFailedError("picking the server did not fill in its port")
    sessions: list[object] = []
    login.logged_in.connect(lambda session, _rooms: sessions.append(session))
    login.name_edit.setText("bobby")  # alice owns the room above
    login.password_edit.setText("correct horse")
    login.sign_up_button.click()
    wait_until(lambda: bool(sessions), "the login window lists it and logs in there")
    finder.servers_changed.disconnect(model.set_servers)
    sessions[0].close()  # type: ignore[attr-defined]
    login.form.deleteLater()


def main(folder: Path) -> None:
    first = start_server(folder, "first")
    finder = ServerFinder()
    if not finder.start():
        raise CheckFailedError("the finder cannot bind 5353")
    assert first.announcer is not None
    wait_until(lambda: first.announcer.responder.state is State.RUNNING, "first announced")
    second = start_server(folder, "second")
    assert second.announcer is not None
    wait_until(lambda: second.announcer.responder.state is State.RUNNING, "second announced")
    wait_until(lambda: set(by_port(finder)) == {first.port, second.port}, "both found")
    names = {by_port(finder)[first.port].name, by_port(finder)[second.port].name}
    if names != {"RoomChat on ns", "RoomChat on ns (2)"}:
        raise CheckFailedError(f"names: {names}")
    print("ok: distinct names", sorted(names), flush=True)
    found = by_port(finder)[first.port]
    if (found.host, found.tls, found.registration, found.rooms) != ("127.0.0.1", False, True, 0):
        raise CheckFailedError(f"TXT and address: {found}")
    print("ok: SRV and TXT", found, flush=True)

    first.store.add_account("alice", "alice", "x")
    room = first.directory.open_room("Lounge", "alice", 4, None, "r")
    wait_until(lambda: by_port(finder)[first.port].rooms == 1, "the room count follows a room")
    first.directory.close_room(room.info.id)
    wait_until(lambda: by_port(finder)[first.port].rooms == 0, "and its closing")

    log_in_through_the_window(finder, first.port, folder)

    # 2,000 random and mangled packets to the group, then a one-shot query still answered.
    noise = QUdpSocket()
    noise.bind(QHostAddress(QHostAddress.SpecialAddress.AnyIPv4), 0)
    noise.setMulticastInterface(multicast_interfaces()[0])  # lo: the namespace has no route
    rng = random.Random(20)
    query = dns.message.make_query("_roomchat._tcp.local.", "PTR").to_wire()
    for count in range(2_000):
        if count % 2:
            packet = bytearray(query)
            packet[rng.randrange(len(packet))] = rng.randrange(256)
            data = bytes(packet)
        else:
            data = rng.randbytes(rng.randrange(1, 1_500))
        noise.writeDatagram(data, QHostAddress(MDNS_IPV4), MDNS_PORT)
        if count % 100 == 0:
            QCoreApplication.processEvents()
    responder = first.announcer.responder
    wait_until(lambda: responder.malformed >= 900, "garbage counted and ignored")
    replies: list[dns.message.Message] = []

    def on_noise_ready_read() -> None:
        while noise.hasPendingDatagrams():
            data = bytes(noise.receiveDatagram().data().data())
            with contextlib.suppress(dns.exception.DNSException):  # a stray packet
                replies.append(dns.message.from_wire(data))

    noise.readyRead.connect(on_noise_ready_read)
    on_noise_ready_read()  # replies to the garbage wait unread: Qt signals no more till then
    asking = QTimer()  # a one-shot query twice a second: the garbage may have used the rate
    asking.timeout.connect(lambda: noise.writeDatagram(query, QHostAddress(MDNS_IPV4), 5353))
    asking.start(500)
    start = len(replies)

    def answered() -> bool:
        return any(
            rrset.rdtype == dns.rdatatype.PTR for reply in replies[start:] for rrset in reply.answer
        )

    wait_until(answered, "still answering after the garbage")
    asking.stop()
    print(f"ok: malformed counted {responder.malformed}, dropped {responder.dropped}", flush=True)

    second.shutdown()
    wait_until(lambda: set(by_port(finder)) == {first.port}, "the goodbye removes a server")
    first.shutdown()
    finder.stop()


if __name__ == "__main__":
    application = QApplication(sys.argv[:1])  # offscreen: the login window too
    try:
        main(Path(sys.argv[1]))
    except CheckFailedError as failure:
        print(f"FAILED: {failure}", flush=True)
        sys.exit(1)
    print("done", flush=True)
