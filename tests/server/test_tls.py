"""TLS on every port: a TLS client chats end to end; plain and TLS peers on the wrong port
fail cleanly; Qt refuses certificates it cannot verify."""

from __future__ import annotations

import datetime
import stat
from pathlib import Path

import pytest
from PySide6.QtNetwork import QSsl, QSslCertificate, QSslConfiguration, QSslSocket

from app.server.tls import load_server_tls, make_self_signed
from tests.conftest import PASSWORD
from tests.wire_client import WireClient


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_self_signed(str(tmp_path_factory.mktemp("tls")), ["localhost", "127.0.0.1"])


def trusting(cert_path: Path) -> QSslConfiguration:
    """A client configuration that trusts exactly this certificate."""
    configuration = QSslConfiguration.defaultConfiguration()
    configuration.setCaCertificates(QSslCertificate.fromPath(str(cert_path)))
    configuration.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
    return configuration


@pytest.fixture
def tls_server(make_server, certificate):
    cert, key = certificate
    return make_server(tls=load_server_tls(str(cert), str(key)))


def test_a_tls_client_logs_in_creates_joins_and_chats(qtbot, tls_server, certificate) -> None:
    tls = trusting(certificate[0])
    lobbies = {}
    for name in ("alice", "bobby"):
        lobby = WireClient(qtbot, tls_server.port, tls=tls)
        assert lobby.expect("welcome")["version"] == 1
        assert lobby.socket.isEncrypted()
        assert lobby.socket.sessionProtocol() in (
            QSsl.SslProtocol.TlsV1_2,
            QSsl.SslProtocol.TlsV1_3,
        )
        lobby.request("register", "registered", name=name, password=PASSWORD)
        lobby.request("login", "logged_in", name=name, password=PASSWORD)
        lobbies[name] = lobby
    created = lobbies["alice"].request("create_room", "room_created", name="Secret", capacity=3)
    room = created["room"]
    alice = WireClient(qtbot, room["port"], tls=tls)
    alice.request("enter", "entered", ticket=created["ticket"])
    granted = lobbies["bobby"].request("join_room", "join_granted", room_id=room["id"])
    bob = WireClient(qtbot, room["port"], tls=tls)
    bob.request("enter", "entered", ticket=granted["ticket"])
    assert alice.socket.isEncrypted() and bob.socket.isEncrypted()
    alice.send(type="say", text="over TLS")
    message = bob.expect("message")
    assert message["from"] == "alice" and message["text"] == "over TLS"


def test_a_plain_client_on_a_tls_port_gets_nothing_and_is_closed(
    qtbot, make_server, certificate
) -> None:
    # Qt's own handshake timer, not on the fake clock: a second, well inside the waits.
    cert, key = certificate
    server = make_server(tls=load_server_tls(str(cert), str(key)), handshake_timeout=1.0)
    talker = WireClient(qtbot, server.port)
    talker.send(type="ping")
    silent = WireClient(qtbot, server.port)
    for client in (talker, silent):
        client.wait_closed(timeout=5000)
        assert not [m for m in client.inbox if m.get("type") not in ("<not json>",)]


def test_a_tls_client_on_a_plain_port_fails_the_handshake(qtbot, server, certificate) -> None:
    client = WireClient(qtbot, server.port, tls=trusting(certificate[0]))
    client.wait_until(lambda: bool(client.errors), timeout=5000)
    assert not client.socket.isEncrypted()
    assert client.socket.error() == QSslSocket.SocketError.SslHandshakeFailedError


def test_wrong_host_and_expired_certificates_are_refused(qtbot, make_server, tmp_path) -> None:
    cert, key = make_self_signed(str(tmp_path / "a"), ["elsewhere.example"])
    server = make_server(tls=load_server_tls(str(cert), str(key)))
    wrong_host = WireClient(qtbot, server.port, tls=trusting(cert), peer_name="localhost")
    wrong_host.wait_until(lambda: bool(wrong_host.errors), timeout=5000)
    assert not wrong_host.socket.isEncrypted()
    assert any("host name" in e.lower() for e in wrong_host.errors)

    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    old_cert, old_key = make_self_signed(str(tmp_path / "b"), ["localhost"], 2, long_ago)
    old_server = make_server(
        tls=load_server_tls(str(old_cert), str(old_key)), db_path=str(tmp_path / "b.sqlite3")
    )  # a second server, so a database of its own
    expired = WireClient(qtbot, old_server.port, tls=trusting(old_cert), peer_name="localhost")
    expired.wait_until(lambda: bool(expired.errors), timeout=5000)
    assert not expired.socket.isEncrypted()
    assert any("expired" in e.lower() for e in expired.errors)


def test_made_key_is_private_and_bad_files_are_refused(tmp_path, certificate) -> None:
    cert, key = certificate
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"BEGIN CERTIFICATE" in cert.read_bytes()
    with pytest.raises(Exception, match="no PEM certificate"):
        load_server_tls(str(key), str(key))
    with pytest.raises(Exception, match="cannot read"):
        load_server_tls(str(tmp_path / "missing.pem"), str(key))
