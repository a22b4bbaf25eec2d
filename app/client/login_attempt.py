"""One login conversation, with no widgets: connect, welcome, sign up if asked, log in."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance, Slot
from PySide6.QtNetwork import QSslCertificate

from app.client import prefs, texts
from app.client.connection import CERTIFICATE_CODES
from app.client.session import MainSession
from app.client.tls import TlsPolicy
from app.shared.protocol import (
    CLOSING_CODES,
    ClientFailure,
    ErrorCode,
    ErrorReply,
    LoggedIn,
    Login,
    Register,
    Registered,
    ResumeSession,
    Welcome,
)

WELCOME_TIMEOUT_MS = 10_000
REPLY_TIMEOUT_MS = 20_000  # argon2 at its real cost under a login storm takes seconds, not 20
# A login or sign-up "fails" with these when the connection ends before the reply.
_CONNECTION_ENDINGS = CLOSING_CODES | frozenset(ClientFailure)


class Step(Enum):
    """Where the conversation is; each step has one timer and one way forward."""

    CONNECTING = "connecting"  # until `connected` (the connection's own timeout applies)
    AWAITING_WELCOME = "awaiting_welcome"  # WELCOME_TIMEOUT_MS
    REGISTERING = "registering"  # REPLY_TIMEOUT_MS
    LOGGING_IN = "logging_in"  # REPLY_TIMEOUT_MS
    DONE = "done"  # succeeded, failed or cancelled: nothing more is emitted


_NEXT = {
    Step.CONNECTING: {Step.AWAITING_WELCOME},
    Step.AWAITING_WELCOME: {Step.REGISTERING, Step.LOGGING_IN},
    Step.REGISTERING: {Step.LOGGING_IN},
    Step.LOGGING_IN: set(),
}


class Field(StrEnum):
    """What the person should look at after a failure."""

    HOST = "host"
    NAME = "name"
    PASSWORD = "password"
    SUBMIT = "submit"  # nothing to fix: try again


@dataclass(frozen=True, slots=True)
class LoginFailure:
    """Why an attempt failed, in words, and which field it is about."""

    text: str
    field: Field
    code: str = ""  # the ErrorCode or ClientFailure behind it, when there is one
    retry_after: float | None = None  # refused for now: seconds before trying again


def tls_policy(
    host: str, port: int, ca_certificates: Sequence[QSslCertificate], accepted: str = ""
) -> TlsPolicy:
    """How to check the certificate of `host`:`port`: against the CA certificates, the one
    the person pinned for it (prefs), or `accepted` (a fingerprint trusted once)."""
    return TlsPolicy(
        tuple(ca_certificates), pinned=prefs.pinned_fingerprint(host, port), accepted=accepted
    )


class LoginAttempt(QObject):
    """Opens a `MainSession` and takes it to `logged_in`, with a timeout on every step.

    Create one per attempt and call `start()`. Exactly one of `succeeded` and `failed`
    follows, unless `cancel()` comes first. A failure closes the session.

    Signals:
        progressed(str): what it is doing now, in words for a status line.
        succeeded(object, object): the logged-in `MainSession` (no longer a child of the
            attempt: the receiver owns it) and the `LoggedIn` reply.
        failed(object): a `LoginFailure`.
        certificate_problem(object): after `failed`, when the server's certificate was
            refused: the `CertificateProblem`, for the person to decide about.
    """

    progressed = Signal(str)
    succeeded = Signal(object, object)
    failed = Signal(object)
    certificate_problem = Signal(object)

    def __init__(
        self,
        host: str,
        port: int,
        name: str,
        password: str,
        *,
        signing_up: bool = False,
        tls: TlsPolicy | None = None,
        resume_token: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host, self.port = host, port
        self.name, self._password = name, password
        # With a token (and no sign-up) the attempt sends `resume` instead of the password;
        # a refused token fails on Field.PASSWORD: the person types it after all.
        self._resume_token = resume_token
        self.signing_up = signing_up
        self.tls = tls
        self.step = Step.CONNECTING
        self.session = MainSession(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.session.connected.connect(self._on_session_connected)
        self.session.welcomed.connect(self._on_session_welcomed)
        self.session.connect_failed.connect(self._on_session_connect_failed)
        self.session.connection_lost.connect(self._on_session_connection_lost)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def active(self) -> bool:
        return self.step is not Step.DONE

    def start(self) -> None:
        self.progressed.emit(self.tr("Connecting to {address}…").format(address=self.address))
        self.session.open(self.host, self.port, self.tls)

    def cancel(self) -> None:
        """Stop here and drop the connection; nothing more is emitted. (After `succeeded`
        the session is the receiver's: it is left alone.)"""
        if not self.active:
            return
        self._finish()
        self.session.abort()

    # --- the conversation ----------------------------------------------------------------

    def _go(self, step: Step, timeout_ms: int) -> None:
        assert step in _NEXT.get(self.step, set()), f"{self.step} -> {step}"
        self.step = step
        self._timer.start(timeout_ms)

    @Slot()
    def _on_session_connected(self) -> None:
        if self.step is Step.CONNECTING:
            self._go(Step.AWAITING_WELCOME, WELCOME_TIMEOUT_MS)

    @Slot(object)
    def _on_session_welcomed(self, _welcome: Welcome) -> None:
        if self.step is not Step.AWAITING_WELCOME:
            return
        if self.signing_up:
            self._go(Step.REGISTERING, REPLY_TIMEOUT_MS)
            self.progressed.emit(self.tr("Creating the account…"))
            request = Register(self.name, self._password)
            self.session.request(request, Registered, self._on_registered, self._on_refused)
        else:
            self._log_in()

    def _on_registered(self, _registered: Registered) -> None:
        if self.step is Step.REGISTERING:
            self._log_in()

    def _log_in(self) -> None:
        self._go(Step.LOGGING_IN, REPLY_TIMEOUT_MS)
        self.progressed.emit(self.tr("Logging in…"))
        if self._resume_token and not self.signing_up:
            resume = ResumeSession(self._resume_token)
            self.session.request(resume, LoggedIn, self._on_logged_in, self._on_refused)
            return
        login = Login(self.name, self._password)
        self.session.request(login, LoggedIn, self._on_logged_in, self._on_refused)

    def _on_logged_in(self, logged_in: LoggedIn) -> None:
        if self.step is not Step.LOGGING_IN:
            return
        self._finish()
        session = self.session
        for signal, slot in self._session_slots():
            signal.disconnect(slot)
        session.setParent(None)
        session.adopt_login(logged_in, self.name)
        self.succeeded.emit(session, logged_in)

    def _on_refused(self, error: ErrorReply) -> None:
        if not self.active:
            return
        code = error.code
        wait = texts.retry_after(error)
        if wait is not None:  # throttled or busy: a wait, for the window to count down
            text = texts.log_in_again_in(code, max(1, math.ceil(wait)))
            self._fail(LoginFailure(text, Field.SUBMIT, code, wait))
        elif code in _CONNECTION_ENDINGS:
            text = self.tr("The server at {address} closed the connection: {reason}").format(
                address=self.address, reason=texts.connection_ended(code)
            )
            self._fail(LoginFailure(text, Field.SUBMIT, code))
        elif code in (
            ErrorCode.INVALID_PASSWORD,
            ErrorCode.BAD_CREDENTIALS,
            ErrorCode.RESUME_EXPIRED,
        ):
            self._fail(LoginFailure(texts.request_error(error), Field.PASSWORD, code))
        else:
            self._fail(LoginFailure(texts.request_error(error), Field.NAME, code))

    @Slot(str)
    def _on_session_connect_failed(self, code: str) -> None:
        if not self.active:
            return
        problem = self.session.certificate_problem
        self._fail(LoginFailure(texts.cannot_reach(self.address, code), Field.HOST, code))
        if code in CERTIFICATE_CODES and problem is not None:
            self.certificate_problem.emit(problem)

    @Slot(str)
    def _on_session_connection_lost(self, code: str) -> None:
        if self.step is not Step.AWAITING_WELCOME:
            return  # later, the pending request reports it
        if code != ClientFailure.CONNECTION_LOST:  # we or the server said why (busy, say)
            self._fail(LoginFailure(texts.connection_ended(code), Field.HOST, code))
        else:
            text = texts.no_welcome(self.address, self.tls is not None, closed=True)
            self._fail(LoginFailure(text, Field.HOST, code))

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self.step is Step.AWAITING_WELCOME:
            text = texts.no_welcome(self.address, self.tls is not None, closed=False)
            self._fail(LoginFailure(text, Field.HOST, ClientFailure.TIMED_OUT))
        elif self.step in (Step.REGISTERING, Step.LOGGING_IN):
            text = self.tr("The server at {address} did not answer.").format(address=self.address)
            self._fail(LoginFailure(text, Field.SUBMIT, ClientFailure.TIMED_OUT))

    # --- the end -------------------------------------------------------------------------

    def _session_slots(self) -> list[tuple[SignalInstance, Callable[..., None]]]:
        session = self.session
        return [
            (session.connected, self._on_session_connected),
            (session.welcomed, self._on_session_welcomed),
            (session.connect_failed, self._on_session_connect_failed),
            (session.connection_lost, self._on_session_connection_lost),
        ]

    def _finish(self) -> None:
        self.step = Step.DONE
        self._timer.stop()

    def _fail(self, failure: LoginFailure) -> None:
        self._finish()
        self.session.abort()
        self.failed.emit(failure)
