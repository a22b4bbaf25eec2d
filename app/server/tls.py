"""TLS on every port: the server's certificate, its listeners, and self-signed certificates."""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import (
    QHostInfo,
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslKey,
    QSslServer,
    QSslSocket,
    QTcpServer,
)

from app.shared import logs

HANDSHAKE_TIMEOUT_MS = 5_000
MAX_PENDING = 1_024
CERT_FILE, KEY_FILE = "roomchat-cert.pem", "roomchat-key.pem"


class TlsError(Exception):
    """The certificate or key cannot be used."""


def load_server_tls(cert_path: str, key_path: str) -> QSslConfiguration:
    """A server-side configuration (TLS 1.2 or newer) from PEM files."""
    try:
        cert_pem = Path(cert_path).read_bytes()
        key_pem = Path(key_path).read_bytes()
    except OSError as failure:
        raise TlsError(f"cannot read certificate or key: {failure}") from None
    chain = QSslCertificate.fromData(cert_pem, QSsl.EncodingFormat.Pem)
    if not chain or chain[0].isNull():
        raise TlsError(f"{cert_path} holds no PEM certificate")
    key = QSslKey()
    for algorithm in (QSsl.KeyAlgorithm.Rsa, QSsl.KeyAlgorithm.Ec, QSsl.KeyAlgorithm.Dsa):
        key = QSslKey(key_pem, algorithm, QSsl.EncodingFormat.Pem, QSsl.KeyType.PrivateKey)
        if not key.isNull():
            break
    if key.isNull():
        raise TlsError(f"{key_path} holds no usable (unencrypted) PEM private key")
    configuration = QSslConfiguration.defaultConfiguration()
    configuration.setLocalCertificateChain(chain)
    configuration.setPrivateKey(key)
    configuration.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
    configuration.setPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyNone)  # no client certs
    return configuration


def make_listener(
    tls: QSslConfiguration | None,
    handshake_timeout: float = HANDSHAKE_TIMEOUT_MS / 1000,
    parent: QObject | None = None,
) -> QTcpServer:
    """A plain listener, or one that completes a TLS handshake before handing a socket over.

    A peer that does not finish the handshake in time (a plain-TCP client, say) is dropped.
    """
    if tls is None:
        listener = QTcpServer(parent)
        listener.setMaxPendingConnections(MAX_PENDING)
        return listener
    listener = QSslServer(parent)
    # Sockets still in their handshake count as pending: the default 30 would let 30
    # silent peers hold every other TLS client off until the handshake timeout.
    listener.setMaxPendingConnections(MAX_PENDING)
    listener.setSslConfiguration(tls)
    listener.setHandshakeTimeout(int(handshake_timeout * 1000))
    listener.handshakeInterruptedOnError.connect(
        lambda socket, error: logs.net.warning(
            "TLS handshake with %s failed: %s", socket.peerAddress().toString(), error.errorString()
        )
    )
    listener.errorOccurred.connect(
        lambda socket, error: logs.net.warning(
            "TLS connection from %s dropped: %s", socket.peerAddress().toString(), error
        )
    )
    return listener


def default_cert_hosts() -> list[str]:
    return list(dict.fromkeys(["localhost", QHostInfo.localHostName()]))


def make_self_signed(
    directory: str,
    hosts: Sequence[str],
    days: int = 825,
    valid_from: datetime.datetime | None = None,
) -> tuple[Path, Path]:
    """Write a self-signed certificate for `hosts` (names or IP addresses) and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, hosts[0] if hosts else "RoomChat")]
    )
    now = valid_from or datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path
