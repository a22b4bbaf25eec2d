"""Reconnecting like a real client: back-off on a fake clock, and a real server restarted on
the same database, the person signed in again with the resume token and back in every room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.client import catch_up
from app.client.chat_models import EntryKind
from app.client.credentials import TokenKeeper
from app.client.reconnect import Backoff
from app.shared.protocol import CreateRoom, Mute, RoomCreated
from tests.client.conftest import (
    WAIT_MS,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)
from tests.client.test_people_session import MemoryKeyring
from tests.fake_clock import FakeClock


def test_back_off_doubles_with_jitter_up_to_a_minute() -> None:
    low = Backoff(rand=lambda: 0.0)
    assert [low.next_delay() for _ in range(9)] == [1, 1, 2, 4, 8, 16, 30, 30, 30]
    high = Backoff(rand=lambda: 1.0)
    assert [high.next_delay() for _ in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    high.reset()
    assert high.next_delay() == 1


def _create(qtbot, client, name: str, password: str | None = None):
    """A persistent room (it comes back after a restart), entered as the lobby would."""
    session = client.current.session
    done: list[RoomCreated] = []
    request = CreateRoom(name, 4, password, persistent=True)
    session.request(request, RoomCreated, done.append, lambda error: None)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    client.lobby.joiner.open_chat(done[0].room, done[0].ticket, password)
    return entered_chat(qtbot, client, name)


def _say(qtbot, chat, text: str) -> None:
    qtbot.keyClicks(chat.input_edit, text)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat.messages.entry(chat.messages.rowCount() - 1).text == text)


def _texts(chat) -> list[str]:
    return [chat.messages.entry(row).text for row in range(chat.messages.rowCount())]


def test_after_a_server_restart_the_client_resumes_and_rejoins(
    qtbot, make_server, start_client
) -> None:
    first = make_server(persistent_rooms="everyone")
    port = first.port
    alice = start_client(port)
    clock = FakeClock()
    alice.reconnector.clock = clock
    alice.reconnector.backoff.rand = lambda: 0.5
    store = MemoryKeyring()
    alice.login.keeper = TokenKeeper(store)
    alice.login.keep_check.setChecked(True)  # "Keep me signed in"
    log_in(qtbot, alice, "alice")
    lounge = _create(qtbot, alice, "Lounge")
    den = _create(qtbot, alice, "Den", password="secret")
    _say(qtbot, lounge, "before")
    first.shutdown()
    bar, label = alice.reconnect_bar.bar, alice.reconnect_bar.label
    qtbot.waitUntil(
        lambda: label.text() == "Connection lost. Reconnecting in 1 s…", timeout=WAIT_MS
    )
    assert bar.isVisible() and not alice.login.form.isVisible()
    clock.advance(1)  # the server is not back: the next try is later, about twice as late
    qtbot.waitUntil(lambda: alice.reconnector.delays == [1, 1.5], timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: label.text() == "Connection lost. Reconnecting in 2 s…", timeout=WAIT_MS
    )

    make_server(persistent_rooms="everyone", port=port)  # the same database, the same port
    bob = start_client(port)
    log_in(qtbot, bob, "bob")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    _say(qtbot, entered_chat(qtbot, bob, "Lounge"), "while you were away")
    create_room(qtbot, bob, "Opened meanwhile")
    qtbot.mouseClick(alice.reconnect_bar.button, Qt.MouseButton.LeftButton)  # Retry now
    qtbot.waitUntil(lambda: lounge.connected and den.connected, timeout=WAIT_MS)
    assert not bar.isVisible() and not alice.login.form.isVisible()
    assert alice.lobby.joiner.password_dialog is None  # the Den's password was kept
    assert alice.current.logged_in and alice.current.name == "alice"
    qtbot.waitUntil(lambda: "while you were away" in _texts(lounge), timeout=WAIT_MS)
    assert _texts(lounge).count("before") == 1
    assert alice.main.form.windowTitle() == f"alice — RoomChat — 127.0.0.1:{port}"
    wait_for_room_row(qtbot, alice, "Opened meanwhile")  # the lobby is current again
    kept = alice.current.session.resume_token  # the token spent, the new one kept
    assert kept and list(store.items.values()) == [kept]
    _say(qtbot, lounge, "back")


def _said(chat) -> list[str]:
    """The texts of the chat messages the view holds (notices and problems left out)."""
    kinds = (EntryKind.MESSAGE, EntryKind.OWN)
    rows = range(chat.messages.rowCount())
    return [chat.messages.entry(r).text for r in rows if chat.messages.entry(r).kind in kinds]


def test_back_in_after_a_restart_the_messages_missed_are_filled_in(
    qtbot, make_server, start_client, monkeypatch
) -> None:
    monkeypatch.setattr(catch_up, "PAGE_LIMIT", 7)  # several pages, not one
    fast = {"msg_rate": 1000.0, "msg_burst": 1000, "address_msg_rate": 1000.0}
    first = make_server(persistent_rooms="everyone", **fast)
    port = first.port
    alice = start_client(port)
    clock = FakeClock()
    alice.reconnector.clock = clock
    log_in(qtbot, alice, "alice")
    lounge = _create(qtbot, alice, "Lounge")
    _say(qtbot, lounge, "before")
    first.shutdown()
    qtbot.waitUntil(lambda: alice.reconnect_bar.button.isEnabled(), timeout=WAIT_MS)

    make_server(persistent_rooms="everyone", port=port, **fast)
    bob = start_client(port)
    log_in(qtbot, bob, "bob")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    bobs = entered_chat(qtbot, bob, "Lounge")
    sent = [f"missed {n}" for n in range(80)]
    for text in sent:
        assert bobs.connection.say(text)
    qtbot.waitUntil(lambda: _said(bobs)[-1:] == sent[-1:], timeout=WAIT_MS)
    qtbot.mouseClick(alice.reconnect_bar.button, Qt.MouseButton.LeftButton)  # Retry now
    qtbot.waitUntil(lambda: lounge.connected, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(_said(lounge)) >= 81, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not lounge.catch_up.active, timeout=WAIT_MS)
    assert _said(lounge) == ["before", *sent]
    bar = lounge.messages_view.verticalScrollBar()
    assert bar.value() == bar.maximum()  # it followed the end, and still does


def test_a_muted_member_reconnecting_after_a_restart_sees_the_mute_at_once(
    qtbot, make_server, start_client
) -> None:
    first = make_server(persistent_rooms="everyone")
    port = first.port
    alice, bob = start_client(port), start_client(port)
    bob.reconnector.clock = FakeClock()
    bob.login.keeper = TokenKeeper(MemoryKeyring())
    bob.login.keep_check.setChecked(True)
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    lounge = _create(qtbot, alice, "Lounge")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    bobs = entered_chat(qtbot, bob, "Lounge")
    qtbot.waitUntil(lambda: lounge.members.names == ["alice", "bob"], timeout=WAIT_MS)
    lounge.moderation.send(Mute("bob"), "mute")  # until unmuted: kept across the restart
    qtbot.waitUntil(lambda: bobs.moderation.muted.muted, timeout=WAIT_MS)
    first.shutdown()
    qtbot.waitUntil(lambda: not bobs.connected, timeout=WAIT_MS)
    make_server(persistent_rooms="everyone", port=port)
    qtbot.mouseClick(bob.reconnect_bar.button, Qt.MouseButton.LeftButton)  # Retry now
    qtbot.waitUntil(lambda: bobs.connected, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bobs.moderation.muted.muted, timeout=WAIT_MS)
    line = bobs.form.findChild(QWidget, "mutedLabel")
    assert line.isVisible() and "until a moderator unmutes you" in line.text()
    assert not bobs.input_edit.isEnabled()
