"""The client's side of TLS: what it trusts, certificate fingerprints, and refused certificates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QCryptographicHash
from PySide6.QtNetwork import QSsl, QSslCertificate, QSslConfiguration, QSslError, QSslSocket


class CaFileError(Exception):
    """The `--ca-file` cannot be read or holds no PEM certificate."""


def load_ca_file(path: str) -> list[QSslCertificate]:
    """The CA certificates in a PEM file (raises `CaFileError` when there are none)."""
    try:
        with open(path, "rb") as pem:
            data = pem.read()
    except OSError as failure:
        raise CaFileError(f"cannot read {path}: {failure.strerror}") from None
    found = QSslCertificate.fromData(data, QSsl.EncodingFormat.Pem)
    certificates = [certificate for certificate in found if not certificate.isNull()]
    if not certificates:
        raise CaFileError(f"{path} holds no PEM certificate")
    return certificates


def fingerprint(certificate: QSslCertificate) -> str:
    """The certificate's SHA-256 digest as colon-separated upper-case hex (AB:CD:…)."""
    digest = certificate.digest(QCryptographicHash.Algorithm.Sha256)
    return bytes(digest.toHex(ord(":")).data()).decode("ascii").upper()


@dataclass(frozen=True, slots=True)
class TlsPolicy:
    """How one connection uses TLS and which certificate it accepts.

    A certificate is accepted when it verifies against the system's trust store plus
    `ca_certificates`, or when its fingerprint is `accepted` (trusted once by the person, or
    the one the main port showed, for a room port). When `pinned` is set (trust always),
    only a certificate with exactly that fingerprint is accepted, verified or not.
    """

    ca_certificates: tuple[QSslCertificate, ...] = ()
    pinned: str = ""
    accepted: str = ""

    def configuration(self) -> QSslConfiguration:
        """TLS 1.2 or newer, verifying the peer against the system's CAs and ours."""
        configuration = QSslConfiguration.defaultConfiguration()
        configuration.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
        configuration.setPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyPeer)
        if self.ca_certificates:
            configuration.addCaCertificates(list(self.ca_certificates))
        return configuration


@dataclass(frozen=True, slots=True)
class CertificateProblem:
    """A server certificate the client refused: why, and what the person needs to decide.

    `errors` are Qt's verification errors (empty when only the pin did not match);
    `pinned` is the fingerprint pinned for this server when the certificate changed;
    `announced` the one the server announced on the local network (DNS-SD), if it did.
    """

    host: str
    port: int
    certificate: QSslCertificate
    errors: tuple[QSslError.SslError, ...] = field(default=())
    pinned: str = ""
    announced: str = ""

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def changed(self) -> bool:
        """A certificate was pinned for this server and this one is different."""
        return bool(self.pinned) and self.pinned != self.fingerprint

    @property
    def unlike_announced(self) -> bool:
        """The server announced a certificate on the network and this is another one."""
        return bool(self.announced) and self.announced != self.fingerprint


def certificate_names(certificate: QSslCertificate) -> list[str]:
    """The host names and addresses a certificate is for (its SANs, else its common name)."""
    names: list[str] = []
    for entries in certificate.subjectAlternativeNames().values():
        names.extend(str(entry) for entry in entries)
    if not names:
        names = list(certificate.subjectInfo(QSslCertificate.SubjectInfo.CommonName))
    return list(dict.fromkeys(names))


_SELF_SIGNED = frozenset(
    {QSslError.SslError.SelfSignedCertificate, QSslError.SslError.SelfSignedCertificateInChain}
)


def error_kinds(
    errors: Sequence[QSslError], certificate: QSslCertificate, policy: TlsPolicy | None
) -> tuple[QSslError.SslError, ...]:
    """The distinct kinds of `errors`; "self-signed" is left out for a certificate the person
    gave as a CA (OpenSSL still reports it when another check fails)."""
    kinds = dict.fromkeys(error.error() for error in errors)
    if policy is not None and certificate in policy.ca_certificates:
        kinds = {kind: None for kind in kinds if kind not in _SELF_SIGNED}
    return tuple(kinds)
