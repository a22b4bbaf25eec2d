"""Read markers ("seen by") across three members and "kim is typing…", in real windows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.client.chat_models import SEEN_ROLE
from tests.client.conftest import (
    WAIT_MS,
    activate,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)
from tests.fake_clock import FakeClock


def _three(qtbot, make_client):
    clients = [make_client() for _ in range(3)]
    for client, name in zip(clients, ("alice", "bob", "kim"), strict=True):
        log_in(qtbot, client, name)
    alice, bob, kim = clients
    alice_chat = create_room(qtbot, alice, "Lounge", capacity=4)
    chats = [alice_chat]
    for client in (bob, kim):
        join_row(qtbot, client, wait_for_room_row(qtbot, client, "Lounge"))
        chats.append(entered_chat(qtbot, client, "Lounge"))
    qtbot.waitUntil(lambda: len(alice_chat.members.names) == 3, timeout=WAIT_MS)
    return clients, chats


def _seen(chat, text: str) -> list[str]:
    model = chat.messages
    for row in range(model.rowCount()):
        if model.entry(row).text == text:
            return list(model.index(row, 0).data(SEEN_ROLE))
    raise AssertionError(text)


def test_seen_by_follows_the_read_markers_of_the_others(qtbot, make_client) -> None:
    (alice, bob, kim), (alice_chat, bob_chat, kim_chat) = _three(qtbot, make_client)
    activate(qtbot, alice.main.form)
    qtbot.keyClicks(alice_chat.input_edit, "anyone here?")
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kim_chat.messages.last_seq == 1, timeout=WAIT_MS)
    bob_chat.activity.tick()  # alice's window is the active one: nobody else reads it
    kim_chat.activity.tick()
    assert bob_chat.activity.sent_seq == kim_chat.activity.sent_seq == 0
    assert _seen(alice_chat, "anyone here?") == []
    activate(qtbot, bob.main.form)  # bob's pane in front, at the bottom: he reads it
    qtbot.waitUntil(lambda: _seen(alice_chat, "anyone here?") == ["bob"], timeout=WAIT_MS)
    assert kim_chat.activity.read.get("bob") == 1
    activate(qtbot, kim.main.form)
    qtbot.waitUntil(lambda: _seen(alice_chat, "anyone here?") == ["bob", "kim"], timeout=WAIT_MS)
    index = next(
        alice_chat.messages.index(r, 0)
        for r in range(alice_chat.messages.rowCount())
        if alice_chat.messages.entry(r).text == "anyone here?"
    )
    assert "Seen by bob, kim" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert _seen(bob_chat, "anyone here?") == []  # only under the person's own messages
    lee = make_client()  # a newcomer learns who read what from `entered`
    log_in(qtbot, lee, "lee")
    join_row(qtbot, lee, wait_for_room_row(qtbot, lee, "Lounge"))
    assert entered_chat(qtbot, lee, "Lounge").activity.read == {"bob": 1, "kim": 1}


def test_typing_is_shown_and_expires(qtbot, make_client) -> None:
    (_alice, _bob, kim), (alice_chat, bob_chat, kim_chat) = _three(qtbot, make_client)
    clock = FakeClock()
    alice_chat.activity.clock = clock
    activate(qtbot, kim.main.form)
    connection = kim_chat.connection
    sent: list[bool] = []
    real_typing = connection.typing
    connection.typing = lambda: sent.append(real_typing()) or True  # count what goes out
    qtbot.keyClicks(kim_chat.input_edit, "wait, I")
    qtbot.waitUntil(lambda: alice_chat.typing_label.text() == "kim is typing…", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bob_chat.typing_label.text() == "kim is typing…", timeout=WAIT_MS)
    assert kim_chat.typing_label.text() == ""  # not of oneself
    assert sent == [True]  # seven keys, one `typing`: at most one per 3 s
    clock.advance(4.9)
    alice_chat.activity.tick()
    assert alice_chat.typing_label.text() == "kim is typing…"
    clock.advance(0.1)  # 5 s after the last one
    qtbot.waitUntil(lambda: alice_chat.typing_label.text() == "", timeout=WAIT_MS)


def test_no_read_marker_while_scrolled_up(qtbot, make_client) -> None:
    (alice, bob, _kim), (alice_chat, bob_chat, _kim_chat) = _three(qtbot, make_client)
    activate(qtbot, alice.main.form)
    tall = "\n".join(f"line {n}" for n in range(80))
    alice_chat.input_edit.setPlainText(tall)
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bob_chat.messages.last_seq == 1, timeout=WAIT_MS)
    bar = bob_chat.messages_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)
    bar.setValue(0)  # bob scrolled up to read what came before
    activate(qtbot, bob.main.form)
    bob_chat.activity.tick()
    assert bob_chat.activity.sent_seq == 0
    bar.setValue(bar.maximum())  # at the bottom: now he has seen it
    bob_chat.activity.tick()
    assert bob_chat.activity.sent_seq == 1
    qtbot.waitUntil(lambda: _seen(alice_chat, tall) == ["bob"], timeout=WAIT_MS)
