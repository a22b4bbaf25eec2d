"""Error codes the server sends, failures the client finds by itself, and the exceptions."""

from __future__ import annotations

from enum import StrEnum

RequestId = str | int | None


class ErrorCode(StrEnum):
    """Every `code` an error frame may carry (docs/PROTOCOL.md, "Error codes")."""

    BAD_REQUEST = "bad_request"
    UNKNOWN_TYPE = "unknown_type"
    FRAME_TOO_LARGE = "frame_too_large"
    NOT_LOGGED_IN = "not_logged_in"
    ALREADY_LOGGED_IN = "already_logged_in"
    NAME_TAKEN = "name_taken"
    INVALID_NAME = "invalid_name"
    INVALID_PASSWORD = "invalid_password"
    REGISTRATION_CLOSED = "registration_closed"
    BAD_CREDENTIALS = "bad_credentials"
    SESSION_REPLACED = "session_replaced"
    INVALID_ROOM_NAME = "invalid_room_name"
    ROOM_NAME_TAKEN = "room_name_taken"
    INVALID_CAPACITY = "invalid_capacity"
    NO_FREE_PORT = "no_free_port"
    NO_SUCH_ROOM = "no_such_room"
    PASSWORD_REQUIRED = "password_required"
    WRONG_PASSWORD = "wrong_password"
    ROOM_FULL = "room_full"
    ALREADY_IN_ROOM = "already_in_room"
    BAD_TICKET = "bad_ticket"
    INVALID_TEXT = "invalid_text"
    INTERNAL_ERROR = "internal_error"
    SERVER_SHUTDOWN = "server_shutdown"
    ROOM_CLOSED = "room_closed"
    KICKED = "kicked"
    RATE_LIMITED = "rate_limited"
    SERVER_BUSY = "server_busy"
    TIMEOUT = "timeout"
    TOO_MANY_ROOMS = "too_many_rooms"
    SLOW_CONSUMER = "slow_consumer"
    NOT_ALLOWED = "not_allowed"
    NO_SUCH_USER = "no_such_user"
    RESUME_EXPIRED = "resume_expired"
    BANNED = "banned"
    MUTED = "muted"
    SLOW_MODE = "slow_mode"
    READ_ONLY = "read_only"
    ROOM_LOCKED = "room_locked"
    INVALID_QUERY = "invalid_query"
    FILE_TOO_LARGE = "file_too_large"
    QUOTA_EXCEEDED = "quota_exceeded"
    INVALID_FILE_NAME = "invalid_file_name"
    UPLOAD_CORRUPT = "upload_corrupt"
    NO_SUCH_ATTACHMENT = "no_such_attachment"


# Codes the server sends, without a request id, just before it closes a connection.
CLOSING_CODES = frozenset(
    {
        ErrorCode.SERVER_SHUTDOWN,
        ErrorCode.SESSION_REPLACED,
        ErrorCode.ROOM_CLOSED,
        ErrorCode.KICKED,
        ErrorCode.BANNED,
        ErrorCode.BAD_TICKET,
        ErrorCode.FRAME_TOO_LARGE,
        ErrorCode.SERVER_BUSY,
        ErrorCode.TIMEOUT,
        ErrorCode.SLOW_CONSUMER,
    }
)


class ClientFailure(StrEnum):
    """What a client can find wrong by itself, with no error frame from the server."""

    CONNECTION_LOST = "connection_lost"  # an established connection ended without a reason
    TIMED_OUT = "timed_out"  # no answer while connecting
    CONNECTION_REFUSED = "connection_refused"
    HOST_NOT_FOUND = "host_not_found"
    NETWORK_ERROR = "network_error"
    NOT_ENCRYPTED = "not_encrypted"  # the server answered, but not in TLS
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    CERTIFICATE_CHANGED = "certificate_changed"  # not the pinned certificate
    TLS_FAILED = "tls_failed"  # any other handshake failure
    UNSUPPORTED_VERSION = "unsupported_version"  # the welcome names a protocol we do not speak
    LINE_TOO_LONG = "line_too_long"  # the server sent a line over the frame limit


class ProtocolError(Exception):
    """The peer sent something we refuse (h11's RemoteProtocolError): it becomes an error
    frame for that peer only, and the connection goes on unless the code closes it.
    `retry_after` (seconds) goes with `rate_limited` and `server_busy`."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        request_id: RequestId = None,
        retry_after: float | None = None,
        until: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id
        self.retry_after = retry_after
        self.until = until  # with banned and muted


class LocalProtocolError(Exception):
    """We were about to break the protocol ourselves (a bug, h11's LocalProtocolError):
    for example a frame over the line limit."""
