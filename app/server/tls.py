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
    QSslCipher,
    QSslConfiguration,
    QSslEllipticCurve,
    QSslKey,
    QSslServer,
    QSslSocket,
    QTcpServer,
)

from app.server.unbuffered import UnbufferedListener
from app.shared import logs

HANDSHAKE_TIMEOUT_MS = 5_000
MAX_PENDING = 1_024
# The kernel's accept queue: Qt's default of 50 drops the SYNs of a crowd logging in at once
# (a class after a bell) while the event loop is busy, and each dropped SYN is retried only
# 1, 3, 7 s later. Linux caps it at net.core.somaxconn (4,096 on current kernels).
LISTEN_BACKLOG = 1_024
CERT_FILE, KEY_FILE = "roomchat-cert.pem", "roomchat-key.pem"
# Mozilla's "intermediate" server profile (ssl-config.mozilla.org, guidelines 5.7), without
# its optional DHE suites: TLS 1.2 offers only ECDHE with an AEAD cipher. TLS 1.3 suites are
# all AEAD and OpenSSL's default three are the profile's, so they are left as they are.
INTERMEDIATE_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
)
INTERMEDIATE_CURVES = ("X25519", "prime256v1", "secp384r1")
MAX_CERT_DAYS = 365  # the profile allows 366 (CA/Browser Forum: 398)


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
    configuration.setPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyNone)  # no client certs
    return intermediate_profile(configuration)


def intermediate_profile(configuration: QSslConfiguration) -> QSslConfiguration:
    """A copy of `configuration` limited to Mozilla's intermediate profile: TLS 1.2 or newer,
    ECDHE with AEAD ciphers only, and the curves X25519, P-256 and P-384."""
    hardened = QSslConfiguration(configuration)
    hardened.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
    ciphers = [QSslCipher(name, QSsl.SslProtocol.TlsV1_2) for name in INTERMEDIATE_CIPHERS]
    tls13 = [c for c in QSslConfiguration.supportedCiphers() if c.name().startswith("TLS_")]
    hardened.setCiphers([c for c in ciphers if not c.isNull()] + tls13)
    curves = [QSslEllipticCurve.fromShortName(name) for name in INTERMEDIATE_CURVES]
    hardened.setEllipticCurves([curve for curve in curves if curve.isValid()])
    return hardened


def make_listener(
    tls: QSslConfiguration | None,
    handshake_timeout: float = HANDSHAKE_TIMEOUT_MS / 1000,
    parent: QObject | None = None,
) -> QTcpServer:
    """A plain listener (of unbuffered sockets, see `unbuffered`), or one that completes a
    TLS handshake before handing a socket over.

    A peer that does not finish the handshake in time (a plain-TCP client, say) is dropped.
    """
    if tls is None:
        listener: QTcpServer = UnbufferedListener(parent)
        listener.setMaxPendingConnections(MAX_PENDING)
        listener.setListenBacklogSize(LISTEN_BACKLOG)
        return listener
    listener = QSslServer(parent)
    listener.setListenBacklogSize(LISTEN_BACKLOG)
    # Sockets still in their handshake count as pending: the default 30 would let 30
    # silent peers hold every other TLS client off until the handshake timeout.
    listener.setMaxPendingConnections(MAX_PENDING)
    listener.setSslConfiguration(intermediate_profile(tls))  # even if not from load_server_tls
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
    days: int = MAX_CERT_DAYS,
    valid_from: datetime.datetime | None = None,
) -> tuple[Path, Path]:
    """Write a self-signed server certificate for `hosts` (names or IP addresses) and its key.

    It is a leaf, not a CA (CA:FALSE, for signatures and server authentication only), so it
    cannot sign other certificates even when a client trusts it with `--ca-file`; it is valid
    `days` days, at most `MAX_CERT_DAYS`.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not 0 < days <= MAX_CERT_DAYS:
        raise ValueError(f"a certificate is valid 1 to {MAX_CERT_DAYS} days, not {days}")

    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    key = ec.generate_private_key(ec.SECP256R1())
    # An ECDSA key signs the handshake (ECDHE); it never encrypts a key (RSA's keyEncipherment).
    signing_only = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
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
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(signing_only, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
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
