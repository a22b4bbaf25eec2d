"""The server core on its own thread: it serves while the window's thread is stuck, fails
to start as the launcher expects, and stops cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow, CoreThread
from app.server.db_lock import DatabaseInUseError
from app.server.server import ChatServer
from tests.blocking_client import BlockingClient
from tests.conftest import PASSWORD, base_config
from tests.server.admin.conftest import TIMEOUT_MS, ListeningCore


def said_by(member: BlockingClient, name: str) -> str:
    """The next thing `name` said in the room (what others said, and echoes, are passed)."""
    while (message := member.expect("message"))["from"] != name:
        pass
    return str(message["text"])


def chat_without_an_event_loop(port: int) -> list[str]:
    """Two people log in, open and enter a room, chat and ping, all on blocking sockets;
    returns what each heard the other say."""
    heard: list[str] = []
    clients: list[BlockingClient] = []
    try:
        lobbies = {}
        for name in ("alice", "bob"):
            lobby = BlockingClient(port)
            clients.append(lobby)
            lobby.expect("welcome")
            lobby.request("register", "registered", name=name, password=PASSWORD)
            lobby.request("login", "logged_in", name=name, password=PASSWORD)
            lobbies[name] = lobby
        created = lobbies["alice"].request("create_room", "room_created", name="Lounge", capacity=4)
        room = created["room"]
        granted = lobbies["bob"].request("join_room", "join_granted", room_id=room["id"])
        members = []
        for ticket in (created["ticket"], granted["ticket"]):
            member = BlockingClient(room["port"])
            clients.append(member)
            member.request("enter", "entered", ticket=ticket)
            members.append(member)
        alice_room, bob_room = members
        alice_room.send(type="say", text="can you hear me?")
        heard.append(said_by(bob_room, "alice"))
        bob_room.send(type="say", text="loud and clear")
        heard.append(said_by(alice_room, "bob"))
        for client in clients:
            client.request("ping", "pong")
    finally:
        for client in clients:
            client.close()
    return heard


def test_chat_flows_while_the_window_thread_is_stuck_in_a_slot(
    qtbot: QtBot, admin: AdminWindow, server: ListeningCore
) -> None:
    # A slot on the GUI thread that does not return for as long as the chat takes, as a
    # slot stuck writing to a frozen X server would: no event of the window's is handled
    # meanwhile, and the clients need none (their sockets block).
    outcome: list[object] = []

    def stuck_slot() -> None:
        try:
            outcome.append(chat_without_an_event_loop(server.port))
        except Exception as failure:  # raised below, on the test's own terms
            outcome.append(failure)

    QTimer.singleShot(0, admin.form, stuck_slot)
    qtbot.waitUntil(lambda: bool(outcome), timeout=30_000)
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    assert outcome[0] == ["can you hear me?", "loud and clear"]
    # The window catches up afterwards from what the core queued to it meanwhile.
    qtbot.waitUntil(lambda: admin.users_value.text() == "0", timeout=TIMEOUT_MS)
    qtbot.waitUntil(  # its log lines come by a queue of their own: no order with the counts
        lambda: any("bob logged in" in line for line in admin.log_model.lines()),
        timeout=TIMEOUT_MS,
    )


def test_a_core_that_cannot_start_raises_on_the_starting_thread(
    qtbot: QtBot, core: CoreThread, db_path: str
) -> None:
    second = CoreThread(lambda parent: ChatServer(base_config(db_path), parent))
    with pytest.raises(DatabaseInUseError):  # the first core holds the database
        second.start()
    second.stop()  # its thread has ended already: nothing to wait for


def test_stop_shuts_the_core_down_and_joins_its_thread(
    qtbot: QtBot, core: CoreThread, login: Callable[..., object]
) -> None:
    alice = login("alice")
    core.stop()
    alice.expect_error("server_shutdown")  # type: ignore[attr-defined]
    alice.wait_closed()  # type: ignore[attr-defined]
    core.stop()  # idempotent
