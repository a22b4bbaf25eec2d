"""What the person reads when something goes wrong: error codes and rule breaks, translated."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtNetwork import QSslError

from app.client.tls import CertificateProblem, certificate_names
from app.shared.labels import wrappable
from app.shared.protocol import ClientFailure, ErrorCode, ErrorReply, ProtocolError
from app.shared.validation import (
    NAME_MAX,
    NAME_MIN,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROOM_NAME_MAX,
    check_name,
    check_password,
    check_room_name,
)

translate = QCoreApplication.translate
# A request "fails" with these when its connection ends before the reply.
_ENDINGS = frozenset(ClientFailure) | {ErrorCode.SERVER_SHUTDOWN, ErrorCode.SESSION_REPLACED}


def cannot_reach(address: str, code: str) -> str:
    """The server at `address` could not be reached; `code` (a `ClientFailure`) comes from
    `connect_failed`."""
    reasons: dict[str, str] = {
        ClientFailure.CONNECTION_REFUSED: translate(
            "Messages", "Cannot reach the server at {address}: nothing is listening."
        ),
        ClientFailure.HOST_NOT_FOUND: translate(
            "Messages", "Cannot reach the server at {address}: the host is unknown."
        ),
        ClientFailure.TIMED_OUT: translate(
            "Messages", "Cannot reach the server at {address}: it does not answer."
        ),
        ClientFailure.NOT_ENCRYPTED: translate(
            "Messages", "The server at {address} does not use encryption."
        ),
        ClientFailure.UNTRUSTED_CERTIFICATE: translate(
            "Messages", "The certificate of the server at {address} is not trusted."
        ),
        ClientFailure.CERTIFICATE_CHANGED: translate(
            "Messages",
            "The certificate of the server at {address} has changed since you trusted it. "
            "The connection was refused.",
        ),
        ClientFailure.TLS_FAILED: translate(
            "Messages", "Cannot set up an encrypted connection to the server at {address}."
        ),
    }
    default = translate("Messages", "Cannot reach the server at {address}: the network failed.")
    return reasons.get(code, default).format(address=address)


def no_welcome(address: str, encrypted: bool, closed: bool) -> str:
    """The server at `address` closed the connection (or stayed silent) before its welcome;
    over plain TCP that is what a server that requires encryption does."""
    if encrypted:
        if closed:
            return translate(
                "Messages", "The server at {address} closed the connection before greeting."
            ).format(address=address)
        return cannot_reach(address, ClientFailure.TIMED_OUT)
    if closed:
        text = translate(
            "Messages",
            "The server at {address} closed the connection; it may require encryption "
            "(turn on “Use encryption”).",
        )
    else:
        text = translate(
            "Messages",
            "The server at {address} does not answer; it may require encryption "
            "(turn on “Use encryption”).",
        )
    return text.format(address=address)


def connection_ended(code: str) -> str:
    """Why a connection the server closed (a closing code), or that we closed or lost (a
    `ClientFailure`), ended."""
    reasons: dict[str, str] = {
        ErrorCode.SERVER_SHUTDOWN: translate("Messages", "The server shut down."),
        ErrorCode.SESSION_REPLACED: translate(
            "Messages", "You signed in somewhere else, so this session ended."
        ),
        ErrorCode.ROOM_CLOSED: translate("Messages", "An operator closed this room."),
        ErrorCode.KICKED: translate("Messages", "An operator removed you from this room."),
        ErrorCode.BAD_TICKET: translate("Messages", "The room did not accept the entry ticket."),
        ErrorCode.SERVER_BUSY: translate(
            "Messages", "The server is busy with too many connections. Try again later."
        ),
        ErrorCode.TIMEOUT: translate(
            "Messages", "The server closed the connection after a silence."
        ),
        ErrorCode.SLOW_CONSUMER: translate(
            "Messages",
            "This computer fell too far behind the conversation, so the server "
            "closed the connection.",
        ),
        ErrorCode.FRAME_TOO_LARGE: translate(
            "Messages", "The server refused a message too long for it and closed the connection."
        ),
        ClientFailure.LINE_TOO_LONG: translate(
            "Messages",
            "The server sent a message longer than the protocol allows, so RoomChat closed "
            "the connection.",
        ),
        ClientFailure.UNSUPPORTED_VERSION: translate(
            "Messages",
            "The server speaks a version of the RoomChat protocol this client does not "
            "know. Update RoomChat or choose another server.",
        ),
    }
    return reasons.get(code, translate("Messages", "The connection to the server was lost."))


def request_error(error: ErrorReply, room: str = "") -> str:
    """A refused request, in words; `room` names the room when there is one."""
    code = error.code
    texts: dict[str, str] = {
        ErrorCode.BAD_CREDENTIALS: translate("Messages", "The name or password is wrong."),
        ErrorCode.NAME_TAKEN: translate("Messages", "That name is taken. Choose another one."),
        ErrorCode.REGISTRATION_CLOSED: translate(
            "Messages", "This server does not accept new accounts."
        ),
        ErrorCode.INVALID_NAME: name_rule_text(),
        ErrorCode.INVALID_PASSWORD: translate(
            "Messages", "A password has {low} to {high} characters."
        ).format(low=PASSWORD_MIN, high=PASSWORD_MAX),
        ErrorCode.INVALID_ROOM_NAME: translate(
            "Messages", "A room name has 1 to {high} characters and no control characters."
        ).format(high=ROOM_NAME_MAX),
        ErrorCode.ROOM_NAME_TAKEN: translate("Messages", "A room with that name is already open."),
        ErrorCode.INVALID_CAPACITY: translate(
            "Messages", "The server does not allow that many people in one room."
        ),
        ErrorCode.NO_FREE_PORT: translate(
            "Messages", "The server has no free port for another room right now."
        ),
        ErrorCode.NO_SUCH_ROOM: translate("Messages", "The room “{room}” is no longer open."),
        ErrorCode.PASSWORD_REQUIRED: translate(
            "Messages", "The room “{room}” is private: it needs its password."
        ),
        ErrorCode.WRONG_PASSWORD: translate("Messages", "Wrong password for “{room}”. Try again."),
        ErrorCode.ROOM_FULL: translate("Messages", "The room “{room}” is full."),
        ErrorCode.ALREADY_IN_ROOM: translate(
            "Messages", "You are already in “{room}” (perhaps from another window)."
        ),
        ErrorCode.INVALID_TEXT: translate(
            "Messages", "A message has 1 to 4000 characters and not only spaces."
        ),
        ErrorCode.NOT_LOGGED_IN: translate("Messages", "You are not signed in."),
        ErrorCode.INTERNAL_ERROR: translate(
            "Messages", "The server could not do that just now. Try again."
        ),
    }
    if code == ErrorCode.RATE_LIMITED:
        wait = error.retry_after
        seconds = max(1, round(wait)) if wait is not None else 1
        return translate("Messages", "Slow down: wait {seconds} s and try again.").format(
            seconds=seconds
        )
    if code in texts:
        return texts[code].format(room=wrappable(room))  # a long name must not widen a window
    if code in _ENDINGS:
        return connection_ended(code)
    return error.message or translate("Messages", "The server refused the request.")


def retry_after(error: ErrorReply) -> float | None:
    """The seconds to wait before asking again, when the server refused for now
    (`rate_limited`, or `server_busy` answering a request) and said how long; else None."""
    if error.code not in (ErrorCode.RATE_LIMITED, ErrorCode.SERVER_BUSY):
        return None
    wait = error.retry_after
    return max(0.0, wait) if wait is not None else None


def send_again_in(code: str, seconds: int) -> str:
    """A chat message was refused for now (`code`); counting down to when one may go."""
    if code == ErrorCode.SERVER_BUSY:
        text = translate("Messages", "The server is busy — you can send again in {seconds} s")
    else:
        text = translate("Messages", "Too many messages — you can send again in {seconds} s")
    return text.format(seconds=seconds)


def log_in_again_in(code: str, seconds: int) -> str:
    """A login was refused for now (`code`); counting down to when one may be tried."""
    if code == ErrorCode.SERVER_BUSY:
        text = translate("Messages", "The server is busy — you can try again in {seconds} s")
    else:
        text = translate("Messages", "Too many failed logins — you can try again in {seconds} s")
    return text.format(seconds=seconds)


def name_rule_text(name: str | None = None) -> str:
    """The account-name rule `name` breaks (or the whole rule when `name` is None)."""
    if name is not None and not NAME_MIN <= len(unicodedata.normalize("NFC", name)) <= NAME_MAX:
        return translate("Messages", "A name has {low} to {high} characters.").format(
            low=NAME_MIN, high=NAME_MAX
        )
    if name is not None:
        return translate("Messages", "A name may hold only letters, digits, “_”, “-” and “.”.")
    return translate(
        "Messages", "A name has {low} to {high} characters: letters, digits, “_”, “-” and “.”."
    ).format(low=NAME_MIN, high=NAME_MAX)


def sign_up_problem(name: str, password: str) -> tuple[str, str] | None:
    """The field ("name" or "password") whose rule a new account breaks, and the rule."""
    try:
        check_name(name)
    except ProtocolError:
        return "name", name_rule_text(name)
    try:
        check_password(password)
    except ProtocolError:
        return "password", translate(
            "Messages", "A password has {low} to {high} characters."
        ).format(low=PASSWORD_MIN, high=PASSWORD_MAX)
    return None


def room_name_problem(name: str) -> str | None:
    try:
        check_room_name(name)
    except ProtocolError:
        if not name.strip():
            return translate("Messages", "Give the room a name.")
        return request_error(ErrorReply(ErrorCode.INVALID_ROOM_NAME, ""))
    return None


_UNKNOWN_ISSUER = frozenset(
    {
        QSslError.SslError.UnableToGetIssuerCertificate,
        QSslError.SslError.UnableToGetLocalIssuerCertificate,
        QSslError.SslError.UnableToVerifyFirstCertificate,
        QSslError.SslError.CertificateUntrusted,
        QSslError.SslError.InvalidCaCertificate,
    }
)
_SELF_SIGNED = frozenset(
    {
        QSslError.SslError.SelfSignedCertificate,
        QSslError.SslError.SelfSignedCertificateInChain,
    }
)


def certificate_problems(problem: CertificateProblem) -> list[str]:
    """What is wrong with a refused certificate, in plain words, one sentence per problem."""
    certificate = problem.certificate
    date_format = QLocale.FormatType.LongFormat
    found: list[str] = []
    for error in problem.errors:
        if error in _SELF_SIGNED:
            text = translate(
                "Messages", "It is self-signed: no certificate authority you trust vouches for it."
            )
        elif error in _UNKNOWN_ISSUER:
            text = translate(
                "Messages", "It was issued by a certificate authority you do not trust."
            )
        elif error == QSslError.SslError.CertificateExpired:
            text = translate("Messages", "It expired on {date}.").format(
                date=QLocale().toString(certificate.expiryDate().date(), date_format)
            )
        elif error == QSslError.SslError.CertificateNotYetValid:
            text = translate("Messages", "It is not valid before {date}.").format(
                date=QLocale().toString(certificate.effectiveDate().date(), date_format)
            )
        elif error == QSslError.SslError.HostNameMismatch:
            text = translate("Messages", "It is for {names}, not for {host}.").format(
                names=", ".join(certificate_names(certificate)) or "?", host=problem.host
            )
        elif error == QSslError.SslError.CertificateRevoked:
            text = translate("Messages", "It has been revoked.")
        else:
            text = QSslError(error, certificate).errorString()
        if text not in found:
            found.append(text)
    if problem.changed:
        found.append(
            translate(
                "Messages",
                "It is not the certificate you chose to trust always for this server: someone "
                "may be impersonating it, or its operator replaced the certificate.",
            )
        )
    return found
