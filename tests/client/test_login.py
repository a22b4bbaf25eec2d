"""The login window against a real server: failures, sign-up, the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QHostAddress, QTcpServer
from PySide6.QtWidgets import QLabel

from app.client import login_attempt, prefs
from tests.client.conftest import WAIT_MS, log_in, submit_login, type_into
from tests.conftest import PASSWORD


def test_a_failed_login_says_the_name_or_password_is_wrong(qtbot, make_client) -> None:
    client = make_client()
    login = client.login
    type_into(qtbot, login.name_edit, "nobody")
    type_into(qtbot, login.password_edit, "not the password")
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    assert not login.login_button.isEnabled()  # busy while the request is pending
    assert login.busy_bar.isVisible()
    qtbot.waitUntil(lambda: login.error_label.isVisible(), timeout=WAIT_MS)
    assert "name or password is wrong" in login.error_label.text()
    assert login.login_button.isEnabled() and not login.busy_bar.isVisible()
    assert login.form.isVisible() and not client.main.form.isVisible()


def test_an_unreachable_server_is_named_with_its_host_and_port(qtbot, make_client) -> None:
    probe = QTcpServer()
    assert probe.listen(QHostAddress("127.0.0.1"), 0)
    closed_port = probe.serverPort()
    probe.close()
    client = make_client(port=closed_port)
    login = client.login
    type_into(qtbot, login.name_edit, "alice")
    type_into(qtbot, login.password_edit, PASSWORD)
    qtbot.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: login.error_label.isVisible(), timeout=WAIT_MS)
    assert f"127.0.0.1:{closed_port}" in login.error_label.text()
    assert "Cannot reach" in login.error_label.text()


def test_sign_up_names_the_broken_rule_before_asking_the_server(qtbot, make_client) -> None:
    client = make_client()
    login = client.login
    type_into(qtbot, login.name_edit, "al")
    type_into(qtbot, login.password_edit, PASSWORD)
    qtbot.mouseClick(login.sign_up_button, Qt.MouseButton.LeftButton)
    assert "3 to 32 characters" in login.error_label.text()
    assert login.attempt is None  # nothing was sent
    type_into(qtbot, login.name_edit, "al ice")
    qtbot.mouseClick(login.sign_up_button, Qt.MouseButton.LeftButton)
    assert "only letters, digits" in login.error_label.text()
    type_into(qtbot, login.name_edit, "alice")
    type_into(qtbot, login.password_edit, "short")
    qtbot.mouseClick(login.sign_up_button, Qt.MouseButton.LeftButton)
    assert "8 to 128 characters" in login.error_label.text()
    assert login.form.focusWidget() is login.password_edit


def test_a_taken_name_is_reported_by_the_server(qtbot, make_client) -> None:
    first = make_client()
    log_in(qtbot, first, "alice")
    second = make_client()
    type_into(qtbot, second.login.name_edit, "Alice")
    type_into(qtbot, second.login.password_edit, PASSWORD)
    qtbot.mouseClick(second.login.sign_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.login.error_label.isVisible(), timeout=WAIT_MS)
    assert "taken" in second.login.error_label.text()


def test_sign_up_then_log_out_then_log_in(qtbot, make_client) -> None:
    client = make_client()
    log_in(qtbot, client, "alice", sign_up=True)
    assert "alice" in client.lobby.form.findChild(QLabel, "signedInLabel").text()
    client.main.actions["actionLogOut"].trigger()
    qtbot.waitUntil(lambda: client.login.form.isVisible(), timeout=WAIT_MS)
    assert not client.main.form.isVisible()
    assert client.login.name_edit.text() == "alice"  # remembered
    log_in(qtbot, client, "alice", sign_up=False)
    host, port = prefs.server_address(None, None)
    assert (host, port) == ("127.0.0.1", client.lobby.session.port)  # remembered
    assert prefs.server_address("10.1.2.3", 4000) == ("10.1.2.3", 4000)  # flags win


def test_keyboard_only_login(qtbot, make_client) -> None:
    first = make_client()
    log_in(qtbot, first, "alice")
    client = make_client()
    login = client.login
    assert login.name_edit.text() == "alice"  # remembered: the password is what is left to type
    qtbot.waitUntil(lambda: login.form.focusWidget() is login.password_edit, timeout=WAIT_MS)
    login.host_edit.setFocus()
    order = [login.port_spin, login.tls_check, login.name_edit, login.password_edit]
    order.append(login.keep_check)  # "Keep me signed in", after the password
    order.append(login.login_button)
    for expected in order:
        qtbot.keyClick(login.form.focusWidget(), Qt.Key.Key_Tab)
        assert login.form.focusWidget() is expected
    login.name_edit.setFocus()
    login.name_edit.clear()
    qtbot.keyClicks(login.name_edit, "alice")
    qtbot.keyClick(login.name_edit, Qt.Key.Key_Tab)
    assert login.form.focusWidget() is login.password_edit
    qtbot.keyClicks(login.password_edit, PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.lobby.connected, timeout=WAIT_MS)


@pytest.mark.server_config(max_connections=1)
def test_a_busy_server_says_it_is_busy(qtbot, make_client, server) -> None:
    log_in(qtbot, make_client(), "alice")
    second = make_client()
    submit_login(qtbot, second, "bobby")
    login = second.login
    qtbot.waitUntil(lambda: login.error_label.isVisible() and not login.busy, timeout=WAIT_MS)
    assert "busy" in login.error_label.text()
    assert "encryption" not in login.error_label.text()


@pytest.fixture
def silent_server(qtbot):
    """A peer that greets like a RoomChat server and then never answers anything."""
    listener = QTcpServer()
    assert listener.listen(QHostAddress("127.0.0.1"), 0)
    sockets = []

    def greet() -> None:
        while listener.hasPendingConnections():
            socket = listener.nextPendingConnection()
            sockets.append(socket)
            socket.write(b'{"type":"welcome","version":1,"server":"x","registration":true}\n')

    listener.newConnection.connect(greet)
    yield listener
    listener.close()


def test_a_login_the_server_never_answers_gives_up_with_a_message(
    qtbot, start_client, silent_server, monkeypatch
) -> None:
    monkeypatch.setattr(login_attempt, "REPLY_TIMEOUT_MS", 1000)
    client = start_client(silent_server.serverPort())
    submit_login(qtbot, client, "alice", sign_up=False)
    login = client.login
    qtbot.waitUntil(lambda: login.error_label.isVisible() and not login.busy, timeout=WAIT_MS)
    assert "did not answer" in login.error_label.text()
    assert login.login_button.isEnabled()


def test_escape_while_waiting_cancels_the_attempt_and_keeps_the_window(
    qtbot, start_client, silent_server
) -> None:
    client = start_client(silent_server.serverPort())
    quits: list[bool] = []
    client.quit_requested.connect(lambda: quits.append(True))
    submit_login(qtbot, client, "alice", sign_up=False)
    qtbot.waitUntil(lambda: client.login.busy, timeout=WAIT_MS)
    qtbot.keyClick(client.login.form, Qt.Key.Key_Escape)
    assert not quits and client.login.form.isVisible() and not client.login.busy


def test_escape_in_an_idle_login_window_does_not_quit(qtbot, make_client) -> None:
    client = make_client()
    quits: list[bool] = []
    client.quit_requested.connect(lambda: quits.append(True))
    type_into(qtbot, client.login.name_edit, "alice")
    qtbot.keyClick(client.login.name_edit, Qt.Key.Key_Escape)
    qtbot.keyClick(client.login.form, Qt.Key.Key_Escape)
    assert not quits and client.login.form.isVisible()
    assert client.login.name_edit.text() == "alice"  # nothing typed is lost either
    client.login.form.close()  # the window's close button still quits
    assert quits == [True]


@pytest.mark.server_config(login_fails_per_name=1, login_fail_window=2)
def test_a_throttled_login_counts_down_before_it_may_be_tried_again(
    qtbot, make_client, login
) -> None:
    login("alice")  # the account exists
    client = make_client()
    window = client.login
    submit_login(qtbot, client, "alice", "not the password", sign_up=False)
    qtbot.waitUntil(lambda: "wrong" in window.error_label.text(), timeout=WAIT_MS)
    banners: list[str] = []
    window.countdown.ticked.connect(lambda _seconds: banners.append(window.error_label.text()))
    submit_login(qtbot, client, "alice", PASSWORD, sign_up=False)  # right, but throttled
    qtbot.waitUntil(lambda: bool(banners), timeout=WAIT_MS)
    assert banners == ["Too many failed logins — you can try again in 2 s"]
    assert not window.login_button.isEnabled() and not window.sign_up_button.isEnabled()
    assert not window.busy_bar.isVisible()  # nothing is pending: it is a wait
    qtbot.waitUntil(lambda: len(banners) == 2, timeout=WAIT_MS)
    assert banners[1] == "Too many failed logins — you can try again in 1 s"
    with qtbot.waitSignal(window.countdown.finished, timeout=WAIT_MS):
        pass
    assert not window.error_label.isVisible() and window.login_button.isEnabled()
    log_in(qtbot, client, "alice", sign_up=False)  # the throttle has passed
