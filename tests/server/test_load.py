"""Under load: a reader that never reads, a race for the last seat, logins while chatting."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtNetwork import QAbstractSocket, QTcpSocket

from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
TEXT = "x" * 4000


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def logged_in(qtbot, port: int, name: str) -> WireClient:
    client = WireClient(qtbot, port)
    client.expect("welcome")
    client.request("register", "registered", name=name, password=PASSWORD)
    client.request("login", "logged_in", name=name, password=PASSWORD)
    return client


def test_a_reader_that_never_reads_is_cut_off_and_the_room_goes_on(qtbot, server_process) -> None:
    start, process, _ = server_process
    port = start("--msg-rate", "0", "--address-msg-rate", "0", "--text-bytes-per-minute", "0",
                 "--max-room-capacity", "10")  # fmt: skip
    alice = logged_in(qtbot, port, "alice")
    room, ticket = create(alice, capacity=10)
    alice_room = WireClient(qtbot, room["port"])
    alice_room.request("enter", "entered", ticket=ticket)

    stuck_lobby = logged_in(qtbot, port, "stuck")
    stuck_ticket = stuck_lobby.request("join_room", "join_granted", room_id=room["id"])["ticket"]
    stuck = QTcpSocket()
    stuck.setReadBufferSize(1)  # Qt buffers one byte and then stops reading: the kernel fills
    stuck.connectToHost("127.0.0.1", room["port"])
    qtbot.waitUntil(lambda: stuck.state() == QAbstractSocket.SocketState.ConnectedState)
    stuck.setSocketOption(QAbstractSocket.SocketOption.ReceiveBufferSizeSocketOption, 4096)
    stuck.write(b'{"type":"enter","ticket":"%s"}\n' % stuck_ticket.encode())

    senders = []
    for i in range(5):
        lobby = logged_in(qtbot, port, f"sender{i}")
        granted = lobby.request("join_room", "join_granted", room_id=room["id"])
        sender = WireClient(qtbot, room["port"])
        sender.request("enter", "entered", ticket=granted["ticket"])
        sender.counting = True  # their copies of the flood are counted, not parsed
        senders.append(sender)
    per_sender = 1000
    batch = b'{"type":"say","text":"%s"}\n' % TEXT.encode()
    for sender in senders:
        sender.send_raw(batch * per_sender)

    left = alice_room.expect("left", timeout=60_000)
    assert left["name"] == "stuck"
    qtbot.waitUntil(lambda: alice_room.types().count("message") == 5 * per_sender, timeout=60_000)
    seqs = [m["seq"] for m in alice_room.inbox if m["type"] == "message"]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert peak_rss_mb(process.processId()) < 300
    stuck.abort()


@pytest.mark.parametrize("racers", [10, 20])
def test_racers_for_the_last_seat_get_exactly_one_ticket(
    login: Login, connect: Connect, racers: int
) -> None:
    owner = login("owner")
    room, ticket = create(owner, capacity=2)
    enter(connect, room, ticket)
    clients = [login(f"racer{i}") for i in range(racers)]
    for client in clients:
        client.send(type="join_room", room_id=room["id"])
    replies = [client.next() for client in clients]
    assert sorted(r["type"] for r in replies) == ["error"] * (racers - 1) + ["join_granted"]
    assert {r["code"] for r in replies if r["type"] == "error"} == {"room_full"}


class GatedArgon2:
    """Stands in for argon2: every verification waits until the test opens the gate."""

    def __init__(self, real) -> None:
        self.real = real
        self.gate = threading.Event()

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        assert self.gate.wait(30)
        return self.real.verify(password_hash, password)


def test_chat_flows_while_fifty_logins_wait_for_hashing(
    server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    alice_room = enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    for i in range(50):
        login(f"user{i:02d}").close()
    gated = GatedArgon2(server.hasher._argon2)
    server.hasher._argon2 = gated
    storm = [connect() for _ in range(50)]
    for i, client in enumerate(storm):
        client.send(type="login", name=f"user{i:02d}", password=PASSWORD)
    alice_room.qtbot.waitUntil(lambda: server.hasher.pending == 50)
    # Every hash is stuck on a worker: if hashing ran on the event loop, nothing below could.
    for n in range(20):
        alice_room.send(type="say", text=f"during {n}")
        assert bob_room.expect("message")["text"] == f"during {n}"
    assert all(not client.inbox for client in storm)
    gated.gate.set()
    for client in storm:
        assert client.expect("logged_in", timeout=20_000)["name"].startswith("user")


@pytest.mark.server_config(
    msg_rate=0, address_msg_rate=0, text_bytes_per_minute=0, max_output_bytes=256 * 1024 * 1024
)
def test_a_member_that_does_not_read_its_goodbye_still_leaves_at_once(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, stuck_lobby, bob = login("alice"), login("stuck"), login("bob")
    room, ticket = create(alice, capacity=5)
    sender = enter(connect, room, ticket)
    sender.counting = True
    granted = stuck_lobby.request("join_room", "join_granted", room_id=room["id"])
    stuck = QTcpSocket()
    stuck.setReadBufferSize(1)
    stuck.connectToHost("127.0.0.1", room["port"])
    qtbot.waitUntil(lambda: stuck.state() == QAbstractSocket.SocketState.ConnectedState)
    stuck.setSocketOption(QAbstractSocket.SocketOption.ReceiveBufferSizeSocketOption, 4096)
    stuck.write(b'{"type":"enter","ticket":"%s"}\n' % granted["ticket"].encode())
    qtbot.waitUntil(lambda: "stuck" in server.directory.rooms[room["id"]].members)
    member = server.directory.rooms[room["id"]].members["stuck"]
    line = b'{"type":"say","text":"%s"}\n' % TEXT.encode()

    def backed_up() -> bool:  # the kernel's buffers are full: Qt holds megabytes more
        if member.connection.backlog < 2 * 1024 * 1024:
            sender.send_raw(line * 200)
            return False
        return True

    qtbot.waitUntil(backed_up, timeout=30_000)
    watcher = join(connect, bob, room)
    server.kick(room["id"], "stuck")
    assert watcher.expect("left", timeout=2_000)["name"] == "stuck"  # not after the linger
    qtbot.waitUntil(lambda: member.connection not in server.connections)
    stuck.abort()
