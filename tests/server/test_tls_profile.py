"""Mozilla's "intermediate" TLS profile on the main port and a room port, checked from outside
with Python's `ssl` (OpenSSL): AEAD suites only, TLS 1.2 or newer, X25519/P-256/P-384, and a
`--make-cert` certificate that is a short-lived leaf, not a CA."""

from __future__ import annotations

import datetime
import socket
import ssl
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from PySide6.QtNetwork import QSsl, QSslCertificate, QSslConfiguration
from pytestqt.qtbot import QtBot

from app.server.server import ChatServer
from app.server.tls import MAX_CERT_DAYS, load_server_tls, make_self_signed
from tests.conftest import PASSWORD
from tests.wire_client import WireClient

Outcome = tuple[str, str] | ssl.SSLError | OSError  # (protocol, cipher) agreed, or why not
Handshake = Callable[[ssl.SSLContext], Outcome]

CBC_SUITES = [
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-ECDSA-AES128-SHA256",
    "ECDHE-ECDSA-AES256-SHA384",
]
AEAD_SUITES = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_self_signed(str(tmp_path_factory.mktemp("tls")), ["localhost", "127.0.0.1"])


@pytest.fixture(params=["main", "room"])
def handshake(
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    make_server: Callable[..., ChatServer],
    certificate: tuple[Path, Path],
) -> Handshake:
    """A TLS handshake with the main port or a room port of a TLS server, from a Python
    client with the given context: the (protocol, cipher) it agreed, or the error."""
    cert, key = certificate
    server = make_server(tls=load_server_tls(str(cert), str(key)), handshake_timeout=2.0)
    port = server.port
    if request.param == "room":
        lobby = WireClient(qtbot, server.port, tls=trusting(cert))
        lobby.expect("welcome")
        lobby.request("register", "registered", name="alice", password=PASSWORD)
        lobby.request("login", "logged_in", name="alice", password=PASSWORD)
        created = lobby.request("create_room", "room_created", name="Scan", capacity=3)
        port = created["room"]["port"]

    def shake(context: ssl.SSLContext) -> Outcome:
        context.load_verify_locations(str(cert))  # the self-signed leaf is the trust anchor
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        raw.setblocking(False)
        peer = context.wrap_socket(raw, server_hostname="localhost", do_handshake_on_connect=False)
        outcome: list[Outcome] = []

        def step() -> bool:
            # Non-blocking, so the server's event loop runs between the handshake's steps.
            try:
                peer.do_handshake()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return False
            except (ssl.SSLError, OSError) as failure:
                outcome.append(failure)
                return True
            cipher = peer.cipher()
            assert cipher is not None
            outcome.append((cipher[1], cipher[0]))
            return True

        try:
            qtbot.waitUntil(step, timeout=5000)
        finally:
            peer.close()
        return outcome[0]

    return shake


def trusting(cert: Path) -> QSslConfiguration:
    """A Qt client configuration trusting `cert`, for the lobby that opens a room."""
    configuration = QSslConfiguration.defaultConfiguration()
    configuration.setCaCertificates(QSslCertificate.fromPath(str(cert)))
    configuration.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
    return configuration


def tls12(ciphers: str = "ECDHE+AESGCM:ECDHE+CHACHA20") -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(ciphers)
    return context


def tls13() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    return context


@pytest.mark.parametrize("suite", CBC_SUITES)
def test_tls12_cbc_suites_are_refused(handshake: Handshake, suite: str) -> None:
    assert isinstance(handshake(tls12(suite)), ssl.SSLError)


@pytest.mark.parametrize("suite", AEAD_SUITES)
def test_tls12_aead_suites_are_accepted(handshake: Handshake, suite: str) -> None:
    assert handshake(tls12(suite)) == ("TLSv1.2", suite)


def test_tls13_is_accepted(handshake: Handshake) -> None:
    outcome = handshake(tls13())
    assert isinstance(outcome, tuple) and outcome[0] == "TLSv1.3"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")  # on purpose
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1], ids=str)
def test_tls10_and_tls11_are_refused(handshake: Handshake, version: ssl.TLSVersion) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = context.maximum_version = version
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 would not even offer them otherwise
    assert isinstance(handshake(context), ssl.SSLError)


@pytest.mark.parametrize("curve", ["X448", "secp521r1"])
def test_tls13_key_shares_outside_the_profile_are_refused(handshake: Handshake, curve: str) -> None:
    # With OpenSSL 3, set_ecdh_curve makes this curve the client's only group, so its only key
    # share. (In TLS 1.2 such a client is refused anyway: it cannot check a P-256 certificate.)
    context = tls13()
    context.set_ecdh_curve(curve)
    assert isinstance(handshake(context), ssl.SSLError)


@pytest.mark.parametrize("curve", ["X25519", "prime256v1", "secp384r1"])
def test_tls13_key_shares_in_the_profile_are_accepted(handshake: Handshake, curve: str) -> None:
    context = tls13()
    context.set_ecdh_curve(curve)
    assert isinstance(handshake(context), tuple)


def test_the_made_certificate_is_a_short_lived_server_leaf(certificate) -> None:
    cert = x509.load_pem_x509_certificate(certificate[0].read_bytes())
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and not constraints.value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    assert not usage.value.key_cert_sign and not usage.value.crl_sign
    purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(purposes) == [ExtendedKeyUsageOID.SERVER_AUTH]
    # Key identifiers: strict verifiers (cryptography's, so sslyze's) need them to build a path.
    own_key = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    issuer = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert issuer.key_identifier == own_key
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    lifespan = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifespan < datetime.timedelta(days=366) and MAX_CERT_DAYS <= 366
    with pytest.raises(ValueError, match="1 to 365 days"):
        make_self_signed(str(certificate[0].parent / "long"), ["localhost"], days=825)
