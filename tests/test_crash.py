"""`kill -9` in the middle of a chat, then a restart on the same database."""

from __future__ import annotations

from PySide6.QtCore import QProcess

from tests.conftest import PASSWORD
from tests.db_access import query_db
from tests.wire_client import WireClient


def test_everything_delivered_survives_kill_9(qtbot, server_process, tmp_path) -> None:
    start, process, _ = server_process
    port = start("--msg-rate", "0", "--address-msg-rate", "0", "--text-bytes-per-minute", "0")
    clients = {}
    for name in ("alice", "bobby"):
        client = WireClient(qtbot, port)
        client.expect("welcome")
        client.request("register", "registered", name=name, password=PASSWORD)
        client.request("login", "logged_in", name=name, password=PASSWORD)
        clients[name] = client
    created = clients["alice"].request("create_room", "room_created", name="Crash", capacity=5)
    room = created["room"]
    alice = WireClient(qtbot, room["port"])
    alice.request("enter", "entered", ticket=created["ticket"])
    granted = clients["bobby"].request("join_room", "join_granted", room_id=room["id"])
    bob = WireClient(qtbot, room["port"])
    bob.request("enter", "entered", ticket=granted["ticket"])

    for n in range(3000):  # far more than can be delivered before the kill lands
        (alice if n % 2 else bob).send(type="say", text=f"m{n}")
    qtbot.waitUntil(lambda: bob.types().count("message") >= 200, timeout=20_000)
    process.kill()  # SIGKILL: no shutdown code runs
    qtbot.waitUntil(lambda: process.state() == QProcess.ProcessState.NotRunning)
    qtbot.waitUntil(lambda: alice.disconnected and bob.disconnected)

    delivered = {
        (m["seq"], m["from"], m["text"])
        for client in (alice, bob)
        for m in client.inbox
        if m["type"] == "message"
    }
    assert len(delivered) >= 200

    port = start()  # restart on the same --db
    db = str(tmp_path / "x.sqlite3")
    stored = set(
        query_db(db, f"SELECT seq, sender, text FROM messages WHERE room_id = {room['id']}")
    )
    assert delivered <= stored
    assert query_db(db, "SELECT COUNT(*) FROM rooms WHERE closed_at IS NULL") == [(0,)]
    again = WireClient(qtbot, port)
    again.expect("welcome")
    again.request("login", "logged_in", name="alice", password=PASSWORD)
    for client in (*clients.values(), alice, bob, again):
        client.close()
