"""The admin window with real clients on port 0 and the server on its own thread: live rows,
status, log, actions, shutdown."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow, CoreThread, open_admin_window
from app.server.admin.models import Column, local_time
from app.server.cli import install_admin_language
from app.shared import i18n
from tests.db_access import query_db
from tests.server.admin.conftest import (
    TIMEOUT_MS,
    ListeningCore,
    answer,
    proxy_row,
    select_member,
    select_room,
)
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
YES = QMessageBox.StandardButton.Yes
CANCEL = QMessageBox.StandardButton.Cancel


def logged(admin: AdminWindow, text: str) -> bool:
    return any(text in line for line in admin.log_model.lines())


def cell(admin: AdminWindow, room_id: int, column: Column) -> str:
    model = admin.rooms_view.model()
    return str(model.index(proxy_row(admin, room_id), column).data())


def counts(admin: AdminWindow) -> tuple[str, str, str]:
    return admin.clients_value.text(), admin.users_value.text(), admin.rooms_value.text()


def test_title_and_status_counts_follow_the_server(
    qtbot: QtBot, admin: AdminWindow, server: ListeningCore, login: Login, connect: Connect
) -> None:
    assert admin.form.windowTitle() == f"RoomChat Server — 127.0.0.1:{server.port}"
    assert admin.address_value.text() == server.address
    assert counts(admin) == ("0", "0", "0")
    alice = login("alice")
    # Counts come from the core's thread by queued signals: wait for them.
    qtbot.waitUntil(lambda: counts(admin) == ("1", "1", "0"), timeout=TIMEOUT_MS)
    room, ticket = create(alice)
    qtbot.waitUntil(lambda: admin.rooms_value.text() == "1", timeout=TIMEOUT_MS)
    member = enter(connect, room, ticket)
    qtbot.waitUntil(lambda: admin.clients_value.text() == "2", timeout=TIMEOUT_MS)
    member.close()
    qtbot.waitUntil(lambda: admin.clients_value.text() == "1", timeout=TIMEOUT_MS)
    alice.close()
    qtbot.waitUntil(lambda: admin.users_value.text() == "0", timeout=TIMEOUT_MS)
    assert admin.clients_value.text() == "0"


@pytest.mark.server_config(empty_room_grace=0.0)
def test_rows_appear_update_and_disappear(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice, "Lounge", capacity=3)
    qtbot.waitUntil(lambda: proxy_row(admin, room["id"]) == 0, timeout=TIMEOUT_MS)
    assert cell(admin, room["id"], Column.NAME) == "Lounge"
    assert cell(admin, room["id"], Column.PORT) == str(room["port"])
    assert cell(admin, room["id"], Column.MEMBERS) == "0 / 3"
    assert cell(admin, room["id"], Column.LOCKED) == "open"
    assert cell(admin, room["id"], Column.OWNER) == "alice"
    assert cell(admin, room["id"], Column.OPENED) == local_time(room["created_at"])
    locked, _ = create(bob, "Vault", capacity=2, password="sesame")
    qtbot.waitUntil(lambda: proxy_row(admin, locked["id"]) == 1, timeout=TIMEOUT_MS)
    assert cell(admin, locked["id"], Column.LOCKED) == "locked"
    assert admin.rooms_model.room_ids() == [room["id"], locked["id"]]

    alice_room = enter(connect, room, ticket)
    select_room(qtbot, admin, room["id"])
    qtbot.waitUntil(lambda: cell(admin, room["id"], Column.MEMBERS) == "1 / 3", timeout=TIMEOUT_MS)
    bob_room = join(connect, bob, room)
    qtbot.waitUntil(lambda: cell(admin, room["id"], Column.MEMBERS) == "2 / 3", timeout=TIMEOUT_MS)
    # Waited for too: each model has its own event from the core's thread, and the core
    # may post the second after the window handled the first.
    qtbot.waitUntil(lambda: admin.members_model.names() == ["alice", "bob"], timeout=TIMEOUT_MS)

    bob_room.send(type="leave")
    qtbot.waitUntil(lambda: cell(admin, room["id"], Column.MEMBERS) == "1 / 3", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: admin.members_model.names() == ["alice"], timeout=TIMEOUT_MS)
    alice_room.send(type="leave")
    # Empty (with no grace period here), the room closes and its row goes.
    qtbot.waitUntil(lambda: proxy_row(admin, room["id"]) == -1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: admin.rooms_value.text() == "1", timeout=TIMEOUT_MS)
    assert admin.rooms_model.room_ids() == [locked["id"]]
    assert admin.members_model.names() == []
    assert admin.rooms_value.text() == "1"
    assert alice.expect("room_removed")["room_id"] == room["id"]


def test_actions_need_a_selection(qtbot: QtBot, admin: AdminWindow, login: Login, connect) -> None:
    assert not admin.close_room_button.isEnabled() and not admin.kick_button.isEnabled()
    alice = login("alice")
    room, ticket = create(alice)
    enter(connect, room, ticket)
    select_room(qtbot, admin, room["id"])
    assert admin.close_room_button.isEnabled() and not admin.kick_button.isEnabled()
    select_member(qtbot, admin, "alice")
    assert admin.kick_button.isEnabled()


@pytest.mark.server_config(persistent_rooms="everyone")
def test_close_room_on_a_persistent_room_asks_to_delete_it(
    qtbot: QtBot, admin: AdminWindow, login: Login
) -> None:
    alice = login("alice")
    room = alice.request("create_room", "room_created", name="Class", capacity=4, persistent=True)[
        "room"
    ]
    select_room(qtbot, admin, room["id"])
    question = answer(qtbot, admin, admin.close_room_button, CANCEL)
    assert "Delete the persistent room “Class”" in question and "not open again" in question
    answer(qtbot, admin, admin.close_room_button, YES)
    assert alice.expect("room_removed")["room_id"] == room["id"]
    qtbot.waitUntil(lambda: logged(admin, "operator deleted persistent room"), timeout=TIMEOUT_MS)
    closed = "Closed the room “Class”"
    qtbot.waitUntil(lambda: admin.status_bar.currentMessage() == closed, timeout=TIMEOUT_MS)


def test_close_room_button_closes_exactly_that_room_and_updates_every_lobby(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice, bob, carol = login("alice"), login("bob"), login("carol")
    room, ticket = create(alice, "Lounge")
    other, other_ticket = create(carol, "Other")
    alice_room = enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    bystander = enter(connect, other, other_ticket)
    select_room(qtbot, admin, room["id"])

    question = answer(qtbot, admin, admin.close_room_button, CANCEL)
    assert "Lounge" in question and str(room["port"]) in question
    alice_room.send(type="say", text="still open")  # nothing was asked of the core
    assert bob_room.expect("message")["text"] == "still open"
    assert not alice_room.disconnected and admin.rooms_model.room(room["id"]) is not None

    answer(qtbot, admin, admin.close_room_button, YES)
    for member in (alice_room, bob_room):
        member.expect_error("room_closed")
        member.wait_closed()
    for lobby in (alice, bob, carol):
        assert lobby.expect("room_removed")["room_id"] == room["id"]
        lobby.request("ping", "pong")  # main-port sessions stay open
    qtbot.waitUntil(lambda: admin.rooms_model.room_ids() == [other["id"]], timeout=TIMEOUT_MS)
    assert admin.members_model.names() == []
    assert admin.selected_room_id() is None and not admin.close_room_button.isEnabled()
    bystander.send(type="say", text="still here")
    assert bystander.expect("message")["text"] == "still here"
    qtbot.waitUntil(lambda: admin.clients_value.text() == "4", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: logged(admin, "operator closed room"), timeout=TIMEOUT_MS)


def test_kick_button_removes_exactly_that_member(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    alice_room = enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    select_room(qtbot, admin, room["id"])
    select_member(qtbot, admin, "bob")

    answer(qtbot, admin, admin.kick_button, CANCEL)
    assert admin.members_model.names() == ["alice", "bob"]

    question = answer(qtbot, admin, admin.kick_button, YES)
    assert "bob" in question
    bob_room.expect_error("kicked")
    bob_room.wait_closed()
    left = alice_room.expect("left")
    assert left["name"] == "bob" and left["members"] == ["alice"]
    assert not alice_room.disconnected
    bob.request("ping", "pong")  # the main-port session is untouched
    assert alice.expect("room_updated")["room"]["members"] == 1
    qtbot.waitUntil(lambda: admin.members_model.names() == ["alice"], timeout=TIMEOUT_MS)
    assert cell(admin, room["id"], Column.MEMBERS) == "1 / 4"
    assert not admin.kick_button.isEnabled()
    removed = "Removed bob from “Lounge”"
    qtbot.waitUntil(lambda: admin.status_bar.currentMessage() == removed, timeout=TIMEOUT_MS)


def ask_twice(qtbot: QtBot, admin: AdminWindow, button: QPushButton) -> list[str]:
    """Click `button` and Yes twice with no event handled in between, so that both requests
    go to the core before either is answered (as a fast operator's could); the status
    messages shown for the core's two answers."""
    shown: list[str] = []
    bar = admin.status_bar
    show = bar.showMessage  # recorded call by call: the same text twice is one change

    def recorded(text: str, timeout: int = 0) -> None:
        shown.append(text)
        show(text, timeout)

    bar.showMessage = recorded  # type: ignore[method-assign]
    for _ in range(2):
        button.click()
        assert admin.confirmation is not None
        admin.confirmation.button(YES).click()
    qtbot.waitUntil(lambda: len(shown) >= 2, timeout=TIMEOUT_MS)
    return shown


def test_a_second_kick_before_the_first_is_answered_names_the_room_too(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    select_room(qtbot, admin, room["id"])
    select_member(qtbot, admin, "bob")
    shown = ask_twice(qtbot, admin, admin.kick_button)
    bob_room.expect_error("kicked")
    # Whether the second finds bob still in depends on timing; either way it names the room.
    assert len(shown) == 2 and all("bob" in text and "“Lounge”" in text for text in shown)


def test_a_second_close_before_the_first_is_answered_names_the_room_too(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    select_room(qtbot, admin, room["id"])
    shown = ask_twice(qtbot, admin, admin.close_room_button)
    member.expect_error("room_closed")
    assert shown[0] == "Closed the room “Lounge”"
    assert len(shown) == 2 and "“Lounge”" in shown[1]


def test_event_log_shows_logins_and_failed_logins(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    login("alice")
    stranger = connect()
    stranger.send(type="login", name="alice", password="wrong password")
    stranger.expect_error("bad_credentials")

    failed = "failed login for alice from 127.0.0.1"
    qtbot.waitUntil(lambda: logged(admin, failed), timeout=TIMEOUT_MS)
    assert logged(admin, "alice logged in from 127.0.0.1")
    last = admin.log_model.rowCount() - 1
    assert "failed login" in str(admin.log_model.index(last, 0).data())  # newest last


def test_closing_the_window_shuts_the_server_down(
    qtbot: QtBot, admin: AdminWindow, core: CoreThread, login: Login, connect, db_path: str
) -> None:
    alice, idle = login("alice"), connect()
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    qtbot.waitUntil(lambda: admin.users_value.text() == "1", timeout=TIMEOUT_MS)
    with qtbot.waitSignal(admin.confirmation_opened, timeout=TIMEOUT_MS) as opened:
        admin.form.close()
    box: QMessageBox = opened.args[0]
    assert box.text() == "1 people are connected. Stop the server and disconnect them all?"
    qtbot.mouseClick(box.button(CANCEL), Qt.MouseButton.LeftButton)
    assert admin.form.isVisible()  # nothing stopped
    alice.send(type="ping")
    alice.expect("pong")
    with qtbot.waitSignal(admin.confirmation_opened, timeout=TIMEOUT_MS) as opened:
        admin.form.close()
    qtbot.mouseClick(opened.args[0].button(YES), Qt.MouseButton.LeftButton)
    assert admin.form.isVisible()  # held open until every goodbye is flushed
    for client in (alice, idle, member):
        client.expect_error("server_shutdown")
        client.wait_closed()
    qtbot.waitUntil(lambda: not admin.form.isVisible(), timeout=TIMEOUT_MS)
    core.stop()  # the core's thread has ended by itself: this only joins it
    assert query_db(db_path, "SELECT COUNT(*) FROM rooms WHERE closed_at IS NULL") == [(0,)]
    assert admin.rooms_model.room_ids() == []


def test_closing_the_window_with_nobody_connected_does_not_ask(
    qtbot: QtBot, admin: AdminWindow
) -> None:
    admin.form.close()
    assert admin.confirmation is None
    qtbot.waitUntil(lambda: not admin.form.isVisible(), timeout=TIMEOUT_MS)


def test_refused_joins_appear_in_the_event_log(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice, bob, carol = login("alice"), login("bob"), login("carol")
    pair, ticket = create(alice, "Pair", capacity=2)
    enter(connect, pair, ticket)
    join(connect, carol, pair)
    bob.send(type="join_room", room_id=pair["id"])
    bob.expect_error("room_full")
    vault, _ = create(alice, "Vault", capacity=3, password="sesame")
    carol.send(type="join_room", room_id=vault["id"], password="not it")
    carol.expect_error("wrong_password")

    def shown(text: str) -> bool:
        return any(text in line for line in admin.log_model.lines())

    wrong = f"wrong password for room {vault['id']} by carol"
    qtbot.waitUntil(lambda: shown(wrong), timeout=TIMEOUT_MS)
    assert shown(f"room {pair['id']} is full: refused bob")


def test_a_server_shut_down_elsewhere_closes_the_window(
    qtbot: QtBot, admin: AdminWindow, core: CoreThread
) -> None:
    core.bridge.shutdown()  # as Ctrl+C or SIGTERM do
    qtbot.waitUntil(lambda: not admin.form.isVisible(), timeout=TIMEOUT_MS)


def test_event_log_follows_new_lines_unless_scrolled_up(qtbot: QtBot, admin: AdminWindow) -> None:
    bar = admin.log_view.verticalScrollBar()
    for number in range(200):
        admin.log_model.append(20, f"line {number}")
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=TIMEOUT_MS)
    bar.setValue(0)  # the operator scrolls up to read
    admin.log_model.append(20, "one more")
    assert bar.value() == 0


def test_the_admin_window_speaks_korean(
    qtbot: QtBot, korean, core: CoreThread, server: ListeningCore, login: Login
) -> None:
    window = open_admin_window(core.bridge)
    qtbot.waitExposed(window.form)
    qtbot.waitUntil(lambda: window.synced, timeout=TIMEOUT_MS)
    assert window.form.windowTitle() == f"RoomChat 서버 — 127.0.0.1:{server.port}"
    assert window.kick_button.text() == "내보내기(&K)…"
    login("alice")
    qtbot.waitUntil(lambda: window.users_value.text() == "1", timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.confirmation_opened, timeout=TIMEOUT_MS) as opened:
        window.form.close()
    box: QMessageBox = opened.args[0]
    assert box.text() == "1명이 접속해 있습니다. 서버를 멈추고 모두의 연결을 끊을까요?"
    qtbot.mouseClick(
        box.button(YES), Qt.MouseButton.LeftButton
    )  # the window closes once the server is down
    qtbot.waitUntil(lambda: not window.form.isVisible(), timeout=TIMEOUT_MS)


def test_a_korean_system_gets_a_korean_admin_window(
    qtbot: QtBot, core: CoreThread, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ts = i18n.TRANSLATIONS_DIR / "server_ko.ts"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    qm = tmp_path / "server_ko.qm"
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
    monkeypatch.setattr(i18n.QLocale, "system", staticmethod(lambda: QLocale("ko_KR")))
    app = QApplication.instance()
    translators = install_admin_language(app, None, tmp_path)  # no --lang: the system's
    try:
        window = AdminWindow(core.bridge)
        assert window.form.windowTitle().startswith("RoomChat 서버")
        window.form.deleteLater()
    finally:
        i18n.remove_translators(app, translators)
