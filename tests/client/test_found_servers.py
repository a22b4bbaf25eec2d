"""Servers found on the network: the model, the login window's list, and a real server's
records reaching the client's finder over UDP on 127.0.0.1 (no multicast leaves the
machine: the finder joins no interface)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QHostAddress, QUdpSocket
from pytestqt.qtbot import QtBot

from app.client.client_app import ClientApp
from app.client.found_servers import SERVER_ROLE, FoundServersModel
from app.client.server_browser import FoundServer
from app.client.server_finder import ServerFinder
from app.server.mdns_responder import State
from app.server.server import ChatServer
from app.shared import dnssd
from tests.client import test_tls
from tests.client.conftest import WAIT_MS, activate, log_in, submit_login
from tests.client.test_tls import Certificate, click, sha256, wait_for_dialog, wait_for_error

CLUB = FoundServer("Club", "192.168.7.2", 4000, tls=True, fingerprint="ab" * 32, rooms=2)
HALL = FoundServer("Hall", "192.168.7.3", 4100)
certificate = test_tls.certificate  # the TLS tests' fixtures, shared
tls_server = test_tls.tls_server


def test_the_model_updates_rows_in_place(qtbot: QtBot, qtmodeltester) -> None:
    model = FoundServersModel()
    model.set_servers([CLUB, HALL])
    qtmodeltester.check(model, force_py=False)
    assert model.rowCount() == 2
    assert model.index(0).data() == "Club — 192.168.7.2:4000, encrypted"
    assert model.index(1).data() == "Hall — 192.168.7.3:4100, not encrypted"
    assert model.index(0).data(Qt.ItemDataRole.ToolTipRole) == "2 open room(s)"
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.rowsRemoved):
        model.set_servers([replace(CLUB, rooms=3), HALL])
    with qtbot.waitSignal(model.rowsRemoved):
        model.set_servers([HALL])
    assert model.index(0).data(SERVER_ROLE) == HALL
    model.set_servers([])
    assert model.rowCount() == 0


def test_picking_a_found_server_fills_host_port_and_encryption(
    qtbot: QtBot, start_client: Callable[..., ClientApp]
) -> None:
    client = start_client(1)
    login = client.login
    view = login.found_servers._view
    assert not view.isVisible()  # nothing found: no empty list
    login.found_servers.model.set_servers([CLUB, HALL])
    qtbot.waitUntil(view.isVisible)
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(view.model().index(0, 0)).center(),
    )
    assert (login.host_edit.text(), login.port_spin.value()) == ("192.168.7.2", 4000)
    assert login.tls_check.isChecked()
    # By keyboard: Alt+F goes to the list, Down to the second, Enter picks it.
    activate(qtbot, login.form)
    login.host_edit.setFocus()
    qtbot.keyClick(login.host_edit, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert (login.host_edit.text(), login.port_spin.value()) == ("192.168.7.3", 4100)
    assert not login.tls_check.isChecked()
    login.found_servers.model.set_servers([])
    assert not view.isVisible()


@pytest.mark.server_config(announce_on_loopback=True, mdns_port=0, server_name="Club")
def test_the_login_window_lists_a_server_whose_records_reach_it_and_connects(
    qtbot: QtBot, server: ChatServer, start_client: Callable[..., ClientApp]
) -> None:
    announcer = server.announcer
    assert announcer is not None
    qtbot.waitUntil(lambda: announcer.responder.state is not State.PROBING, timeout=WAIT_MS)
    client = start_client(1)  # pointed at a wrong port: the list puts it right
    finder = ServerFinder(client, interfaces=[], port=0)
    finder.servers_changed.connect(client.login.found_servers.model.set_servers)
    assert finder.start()
    # What the server announces, delivered to the finder's port as if multicast.
    records = tuple(announcer.responder.records())
    sender = QUdpSocket()
    with qtbot.waitSignal(finder.servers_changed, timeout=WAIT_MS):
        data = dnssd.encode(dnssd.Packet(True, answers=records))
        sender.writeDatagram(data, QHostAddress("127.0.0.1"), finder.port)
    view = client.login.found_servers._view
    qtbot.waitUntil(view.isVisible)
    index = view.model().index(0, 0)
    assert index.data() == f"Club — 127.0.0.1:{server.port}, not encrypted"
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    log_in(qtbot, client, "alice")
    # The goodbye removes it.
    with qtbot.waitSignal(finder.servers_changed, timeout=WAIT_MS) as changed:
        goodbye = tuple(r.with_ttl(0) for r in records)
        sender.writeDatagram(
            dnssd.encode(dnssd.Packet(True, answers=goodbye)),
            QHostAddress("127.0.0.1"),
            finder.port,
        )
    assert changed.args == [[]]
    finder.stop()


@pytest.mark.parametrize("same", [True, False])
def test_the_trust_prompt_shows_the_announced_fingerprint_and_refuses_another(
    qtbot: QtBot,
    start_client: Callable[..., ClientApp],
    tls_server: Callable[..., ChatServer],
    certificate: Certificate,
    same: bool,
) -> None:
    server = tls_server(certificate)
    client = start_client(server.port, tls=True)
    announced = sha256(certificate) if same else ":".join(["00"] * 32)
    found = FoundServer("Club", "127.0.0.1", server.port, True, announced.replace(":", "").lower())
    client.login.found_servers.model.set_servers([found])
    submit_login(qtbot, client, "alice")
    dialog = wait_for_dialog(qtbot, client)
    assert dialog.announced_label.isVisible()
    assert dialog.announced_label.text().replace("\n", "") == announced
    assert dialog.fingerprint_label.text().replace("\n", "") == sha256(certificate)
    assert dialog.trust_once_button.isVisible() is same
    assert dialog.trust_always_button.isVisible() is same
    assert ("other than the one it announced" in dialog.heading_label.text()) is not same
    click(qtbot, dialog.cancel_button)
    assert "not trusted" in wait_for_error(qtbot, client)
