"""The client over TLS against a real TLS server: chatting on both kinds of port, the wrong
kind of port, and the certificate dialog (trust once, trust always, a changed certificate,
expired and wrong-host certificates)."""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QSsl
from pytestqt.qtbot import QtBot

from app.client import prefs
from app.client.certificate_dialog import CertificateDialog
from app.client.client_app import ClientApp
from app.client.session import RoomConnection
from app.client.tls import TlsPolicy, fingerprint, load_ca_file
from app.server.server import ChatServer
from app.server.tls import load_server_tls, make_self_signed
from app.shared.protocol import ClientFailure
from tests.client.ca import make_ca_and_leaves
from tests.client.conftest import (
    WAIT_MS,
    answer,
    create_room,
    entered_chat,
    join_row,
    log_in,
    submit_login,
    type_into,
    wait_for_room_row,
)
from tests.conftest import MAIN

Certificate = tuple[Path, Path]
LOCAL = ["localhost", "127.0.0.1"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_self_signed(str(tmp_path_factory.mktemp("tls")), LOCAL)


@pytest.fixture
def tls_server(make_server: Callable[..., ChatServer]) -> Callable[[Certificate], ChatServer]:
    """Start a TLS server with a certificate (and the default handshake timeout)."""

    def start(pair: Certificate, **overrides: object) -> ChatServer:
        tls = load_server_tls(str(pair[0]), str(pair[1]))
        return make_server(tls=tls, **overrides)

    return start


def sha256(pair: Certificate) -> str:
    return fingerprint(load_ca_file(str(pair[0]))[0])


def wait_for_dialog(qtbot: QtBot, client: ClientApp) -> CertificateDialog:
    login = client.login
    qtbot.waitUntil(
        lambda: login.certificate_dialog is not None and login.certificate_dialog.form.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = login.certificate_dialog
    assert dialog is not None
    assert not login.busy and login.login_button.isEnabled()
    return dialog


def click(qtbot: QtBot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_for_error(qtbot: QtBot, client: ClientApp) -> str:
    login = client.login
    qtbot.waitUntil(lambda: login.error_label.isVisible() and not login.busy, timeout=WAIT_MS)
    return login.error_label.text()


def test_a_tls_client_logs_in_creates_joins_and_chats(
    qtbot, start_client, tls_server, certificate
) -> None:
    server = tls_server(certificate)
    trusted = load_ca_file(str(certificate[0]))
    alice = start_client(server.port, tls=True, ca_certificates=trusted)
    assert alice.login.tls_check.isChecked()
    log_in(qtbot, alice, "alice")
    assert alice.login.certificate_dialog is None  # verified against the CA file
    session = alice.lobby.session
    assert session is not None and session.encrypted
    assert session._socket.sessionProtocol() in (QSsl.SslProtocol.TlsV1_2, QSsl.SslProtocol.TlsV1_3)
    alice_chat = create_room(qtbot, alice, "Secret")
    assert alice_chat.connection is not None and alice_chat.connection.encrypted

    bobby = start_client(server.port, tls=True, ca_certificates=trusted)
    log_in(qtbot, bobby, "bobby")
    join_row(qtbot, bobby, wait_for_room_row(qtbot, bobby, "Secret"))
    bobby_chat = entered_chat(qtbot, bobby, "Secret")
    assert bobby_chat.connection is not None and bobby_chat.connection.encrypted
    type_into(qtbot, alice_chat.input_edit, "over TLS")
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_Return)
    messages = bobby_chat.messages
    qtbot.waitUntil(
        lambda: any(messages.entry(row).text == "over TLS" for row in range(messages.rowCount())),
        timeout=WAIT_MS,
    )
    assert prefs.use_tls(False)  # the choice is remembered for the next start


def test_a_plain_client_on_a_tls_port_is_told_it_may_need_encryption(
    qtbot, start_client, tls_server, certificate
) -> None:
    # Qt's own handshake timer, not on the fake clock: a second, well inside the waits.
    server = tls_server(certificate, handshake_timeout=1.0)
    client = start_client(server.port)
    assert not client.login.tls_check.isChecked()
    submit_login(qtbot, client, "alice")
    text = wait_for_error(qtbot, client)
    assert f"127.0.0.1:{server.port}" in text and "may require encryption" in text
    assert not client.main.form.isVisible()


def test_a_tls_client_on_a_plain_port_is_told_the_server_does_not_use_encryption(
    qtbot, make_client, server
) -> None:
    client = make_client(tls=True)
    submit_login(qtbot, client, "alice")
    text = wait_for_error(qtbot, client)
    assert text == f"The server at 127.0.0.1:{server.port} does not use encryption."
    assert client.login.certificate_dialog is None


def test_a_self_signed_certificate_is_shown_and_trust_once_lets_it_through(
    qtbot, start_client, tls_server, certificate
) -> None:
    server = tls_server(certificate)
    client = start_client(server.port, tls=True)
    submit_login(qtbot, client, "alice")
    dialog = wait_for_dialog(qtbot, client)
    assert f"127.0.0.1:{server.port}" in dialog.heading_label.text()
    assert "self-signed" in dialog.text
    assert dialog.fingerprint_label.text().replace("\n", "") == sha256(certificate)
    assert len(sha256(certificate).split(":")) == 32
    assert dialog.trust_once_button.isVisible() and dialog.trust_always_button.isVisible()
    assert not dialog.forget_button.isVisible()
    click(qtbot, dialog.trust_once_button)
    qtbot.waitUntil(lambda: client.lobby.connected, timeout=WAIT_MS)
    assert prefs.pinned_fingerprint("127.0.0.1", server.port) == ""
    chat = create_room(qtbot, client, "Lounge")  # the room port shows the same certificate
    assert chat.connection is not None and chat.connection.encrypted
    assert client.login.certificate_dialog is None

    client.main.actions["actionLogOut"].trigger()  # once means once: it asks again
    answer(qtbot, client.main, yes=True)  # yes, leave the room
    qtbot.waitUntil(lambda: client.login.form.isVisible(), timeout=WAIT_MS)
    submit_login(qtbot, client, "alice", sign_up=False)
    click(qtbot, wait_for_dialog(qtbot, client).cancel_button)
    assert "not trusted" in wait_for_error(qtbot, client)
    assert not client.lobby.connected


def test_trust_always_pins_the_certificate_and_the_next_login_does_not_ask(
    qtbot, start_client, tls_server, certificate
) -> None:
    server = tls_server(certificate)
    client = start_client(server.port, tls=True)
    submit_login(qtbot, client, "alice")
    click(qtbot, wait_for_dialog(qtbot, client).trust_always_button)
    qtbot.waitUntil(lambda: client.lobby.connected, timeout=WAIT_MS)
    assert prefs.pinned_fingerprint("127.0.0.1", server.port) == sha256(certificate)

    other = start_client(server.port, tls=True)
    log_in(qtbot, other, "bobby")
    assert other.login.certificate_dialog is None
    assert other.lobby.session is not None and other.lobby.session.encrypted


def test_a_changed_certificate_is_refused_until_its_pin_is_forgotten(
    qtbot, start_client, tls_server, certificate, tmp_path
) -> None:
    new_pair = make_self_signed(str(tmp_path / "new"), LOCAL)
    server = tls_server(new_pair)
    prefs.pin_certificate("127.0.0.1", server.port, sha256(certificate))  # trusted before
    # Even a certificate that verifies is refused when it is not the pinned one.
    for ca in ([], load_ca_file(str(new_pair[0]))):
        client = start_client(server.port, tls=True, ca_certificates=ca)
        submit_login(qtbot, client, "alice")
        dialog = wait_for_dialog(qtbot, client)
        assert "has changed" in dialog.heading_label.text()
        assert dialog.fingerprint_label.text().replace("\n", "") == sha256(new_pair)
        assert dialog.pinned_label.text().replace("\n", "") == sha256(certificate)
        assert not dialog.trust_once_button.isVisible()
        assert not dialog.trust_always_button.isVisible()
        assert dialog.forget_button.isVisible()
        assert "has changed" in client.login.error_label.text()
        click(qtbot, dialog.cancel_button)
        qtbot.waitUntil(lambda c=client: c.login.certificate_dialog is None, timeout=WAIT_MS)
        assert not client.lobby.connected
    assert prefs.pinned_fingerprint("127.0.0.1", server.port) == sha256(certificate)

    submit_login(qtbot, client, "alice")
    click(qtbot, wait_for_dialog(qtbot, client).forget_button)
    assert prefs.pinned_fingerprint("127.0.0.1", server.port) == ""
    assert "forgot" in client.login.error_label.text()
    log_in(qtbot, client, "alice")  # the new certificate now verifies against the CA file


@pytest.mark.parametrize(
    ("hosts", "age_days", "valid_days", "expected"),
    [
        (LOCAL, 30, 2, "It expired on"),
        (["elsewhere.example"], 0, 365, "It is for elsewhere.example, not for 127.0.0.1."),
    ],
    ids=["expired", "wrong-host"],
)
def test_expired_and_wrong_host_certificates_are_refused_unless_trusted(
    qtbot, start_client, tls_server, tmp_path, hosts, age_days, valid_days, expected
) -> None:
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=age_days)
    pair = make_self_signed(str(tmp_path / "cert"), hosts, valid_days, since)
    server = tls_server(pair)
    # The certificate's issuer is trusted, so only its dates or its host name are wrong.
    client = start_client(server.port, tls=True, ca_certificates=load_ca_file(str(pair[0])))
    submit_login(qtbot, client, "alice")
    dialog = wait_for_dialog(qtbot, client)
    assert expected in dialog.text
    assert "self-signed" not in dialog.text
    click(qtbot, dialog.cancel_button)
    assert "not trusted" in wait_for_error(qtbot, client)
    assert not client.lobby.connected

    submit_login(qtbot, client, "alice")
    click(qtbot, wait_for_dialog(qtbot, client).trust_once_button)
    qtbot.waitUntil(lambda: client.lobby.connected, timeout=WAIT_MS)
    chat = create_room(qtbot, client, "Lounge")
    assert chat.connection is not None and chat.connection.encrypted


def test_a_room_connection_accepts_only_the_certificate_its_session_accepted(
    qtbot, tls_server, certificate
) -> None:
    server = tls_server(certificate)
    failed = RoomConnection()
    failed.enter("127.0.0.1", server.port, "T", TlsPolicy(accepted="00:11"))
    with qtbot.waitSignal(failed.connect_failed, timeout=WAIT_MS) as refused:
        pass
    assert refused.args == [ClientFailure.UNTRUSTED_CERTIFICATE] and not failed.is_open
    assert failed.certificate_problem is not None
    assert failed.certificate_problem.fingerprint == sha256(certificate)

    room = RoomConnection()
    with qtbot.waitSignal(room.connected, timeout=WAIT_MS):
        room.enter("127.0.0.1", server.port, "T", TlsPolicy(accepted=sha256(certificate)))
    assert room.encrypted and room.is_open and room.peer_fingerprint == sha256(certificate)
    room.abort()


def test_an_unreadable_ca_file_stops_the_client_with_a_message(tmp_path) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    for path in (not_pem, tmp_path / "missing.pem"):
        result = subprocess.run(
            [sys.executable, MAIN, "--mode", "client", "--ca-file", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2
        assert result.stderr.startswith("error:") and str(path) in result.stderr


def test_a_room_port_must_show_the_main_ports_certificate_even_a_ca_signed_one(
    qtbot: QtBot, make_server, start_client, tmp_path: Path
) -> None:
    ca_pem, ((cert_a, key_a), (cert_b, key_b)) = make_ca_and_leaves(tmp_path)
    main = make_server(tls=load_server_tls(cert_a, key_a))
    other = make_server(tls=load_server_tls(cert_b, key_b), db_path=str(tmp_path / "b.sqlite3"))
    client = start_client(main.port, tls=True, ca_certificates=load_ca_file(ca_pem))
    log_in(qtbot, client, "alice")
    session = client.lobby.session
    assert session.peer_fingerprint == fingerprint(load_ca_file(cert_a)[0])
    room = RoomConnection()
    failures: list[str] = []
    room.connect_failed.connect(failures.append)
    room.enter("127.0.0.1", other.port, "ticket", session.room_tls())  # verifies via the CA
    qtbot.waitUntil(lambda: bool(failures) or room.is_open, timeout=WAIT_MS)
    assert failures == [ClientFailure.CERTIFICATE_CHANGED] and not room.is_open
