"""The login window: which server, which account; logs in or signs up, never blocking."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QSslCertificate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
)

from app.client import prefs, texts
from app.client.certificate_dialog import CertificateDialog, Decision
from app.client.connection import CERTIFICATE_CODES
from app.client.session import MainSession
from app.client.tls import CertificateProblem, TlsPolicy
from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import (
    CLOSING_CODES,
    ClientFailure,
    ErrorCode,
    ErrorReply,
    LoggedIn,
    Login,
    Register,
    Registered,
    Welcome,
)

REQUIRED = (
    "hostEdit",
    "portSpin",
    "tlsCheck",
    "nameEdit",
    "passwordEdit",
    "loginButton",
    "signUpButton",
    "errorLabel",
    "statusLabel",
    "busyBar",
    "logoLabel",
)
# A login or sign-up "fails" with these when the connection ends before the reply.
_CONNECTION_ENDINGS = CLOSING_CODES | frozenset(ClientFailure)
WELCOME_TIMEOUT_MS = 10_000
REPLY_TIMEOUT_MS = 20_000  # argon2 at its real cost under a login storm takes seconds, not 20


class LoginWindow(QObject):
    """Controller of `forms/login_window.ui`: opens a `MainSession` and logs in on it.

    "Sign up" registers the account first (after checking the name and password rules here,
    so the person learns at once which rule is broken), then logs in.

    With "Use encryption" the session connects with TLS. A certificate it cannot verify opens
    the certificate dialog; after Trust once or Trust always (which pins it in QSettings for
    this host:port) the login starts again with that certificate accepted.

    Signals:
        logged_in(object, str, tuple): the logged-in `MainSession`, the account's name as
            registered, and the rooms open now (a tuple of `RoomSummary`; only the first
            page when the server pages the list: the rest follow as `room_added`).
        closed(): the person closed the window (Esc or the window's close button).
    """

    logged_in = Signal(object, str, tuple)
    closed = Signal()

    def __init__(
        self,
        host: str,
        port: int,
        tls: bool = False,
        ca_certificates: Sequence[QSslCertificate] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.form: QDialog = load_form("login_window", None, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.host_edit = child(self.form, QLineEdit, "hostEdit")
        self.port_spin = child(self.form, QSpinBox, "portSpin")
        self.tls_check = child(self.form, QCheckBox, "tlsCheck")
        self.name_edit = child(self.form, QLineEdit, "nameEdit")
        self.password_edit = child(self.form, QLineEdit, "passwordEdit")
        self.login_button = child(self.form, QPushButton, "loginButton")
        self.sign_up_button = child(self.form, QPushButton, "signUpButton")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.status_label = child(self.form, QLabel, "statusLabel")
        self.busy_bar = child(self.form, QProgressBar, "busyBar")
        child(self.form, QLabel, "logoLabel").setPixmap(icon("roomchat").pixmap(56, 56))
        self.host_edit.setText(host)
        self.port_spin.setValue(port)
        self.tls_check.setChecked(tls)
        self.name_edit.setText(prefs.last_name())
        self.session: MainSession | None = None
        self.certificate_dialog: CertificateDialog | None = None
        self._ca_certificates = tuple(ca_certificates)
        self._accept_once: tuple[str, str] = ("", "")  # (host:port, fingerprint), next try only
        self._signing_up = False
        self._welcomed = False
        self._welcome_timer = QTimer(self)
        self._welcome_timer.setSingleShot(True)
        self._welcome_timer.setInterval(WELCOME_TIMEOUT_MS)
        self._welcome_timer.timeout.connect(self._on_welcome_timer_timeout)
        self._reply_timer = QTimer(self)  # a login or sign-up the server never answers
        self._reply_timer.setSingleShot(True)
        self._reply_timer.setInterval(REPLY_TIMEOUT_MS)
        self._reply_timer.timeout.connect(self._on_reply_timer_timeout)
        self.login_button.clicked.connect(self._on_login_button_clicked)
        self.sign_up_button.clicked.connect(self._on_sign_up_button_clicked)
        self.form.rejected.connect(self._on_form_rejected)
        self._set_busy(False)
        hide_banner(self.error_label)

    @property
    def busy(self) -> bool:
        return self.session is not None

    def show(self, notice: str = "") -> None:
        """Show the window with the focus in the name field (and `notice`, if any)."""
        self.password_edit.clear()
        if notice:
            show_banner(self.error_label, notice, BannerKind.INFO)
        self.form.show()
        self.form.raise_()
        self.form.activateWindow()
        self.name_edit.setFocus()

    def close(self) -> None:
        self._drop_session()
        if self.certificate_dialog is not None and self.certificate_dialog.is_open:
            self.certificate_dialog.form.reject()
        self.form.hide()

    # --- submitting ----------------------------------------------------------------------

    @Slot()
    def _on_login_button_clicked(self) -> None:
        self._submit(signing_up=False)

    @Slot()
    def _on_sign_up_button_clicked(self) -> None:
        self._submit(signing_up=True)

    def _submit(self, signing_up: bool) -> None:
        if self.busy:
            return
        hide_banner(self.error_label)
        host = self.host_edit.text().strip()
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if not host:
            self._fail(self.tr("Enter the server's host name or address."), self.host_edit)
            return
        if not name or not password:
            empty = self.name_edit if not name else self.password_edit
            self._fail(self.tr("Enter your name and password."), empty)
            return
        if signing_up:
            problem = texts.sign_up_problem(name, password)
            if problem is not None:
                field, text = problem
                self._fail(text, self.name_edit if field == "name" else self.password_edit)
                return
        self._signing_up = signing_up
        port = self.port_spin.value()
        tls: TlsPolicy | None = None
        if self.tls_check.isChecked():
            address, fingerprint = self._accept_once
            tls = TlsPolicy(
                self._ca_certificates,
                pinned=prefs.pinned_fingerprint(host, port),
                accepted=fingerprint if address == f"{host}:{port}" else "",
            )
        self._accept_once = ("", "")
        session = MainSession(self)
        session.connected.connect(self._welcome_timer.start)
        session.welcomed.connect(self._on_session_welcomed)
        session.connect_failed.connect(self._on_session_connect_failed)
        session.connection_lost.connect(self._on_session_connection_lost)
        self.session = session
        self._welcomed = False
        self._set_busy(True, self.tr("Connecting to {address}…").format(address=self._address()))
        session.open(host, port, tls)

    def _address(self) -> str:
        return f"{self.host_edit.text().strip()}:{self.port_spin.value()}"

    @Slot(object)
    def _on_session_welcomed(self, _welcome: Welcome) -> None:
        session = self.session
        if session is None:
            return
        self._welcomed = True
        self._welcome_timer.stop()
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if self._signing_up:
            self._set_busy(True, self.tr("Creating the account…"))
            self._reply_timer.start()
            session.request(
                Register(name, password), Registered, self._on_registered, self._on_request_failed
            )
        else:
            self._log_in()

    def _on_registered(self, _registered: Registered) -> None:
        self._signing_up = False
        self._log_in()

    def _log_in(self) -> None:
        if self.session is None:
            return
        self._set_busy(True, self.tr("Logging in…"))
        self._reply_timer.start()
        login = Login(self.name_edit.text().strip(), self.password_edit.text())
        self.session.request(login, LoggedIn, self._on_logged_in, self._on_request_failed)

    def _on_logged_in(self, logged_in: LoggedIn) -> None:
        self._reply_timer.stop()
        session = self.session
        if session is None:
            return
        self._disconnect_session(session)
        self.session = None
        session.setParent(None)
        session.name = logged_in.name or self.name_edit.text().strip()
        prefs.remember_login(session.host, session.port, session.name, session.tls is not None)
        self._set_busy(False)
        self.password_edit.clear()
        self.form.hide()
        self.logged_in.emit(session, session.name, logged_in.rooms)

    def _on_request_failed(self, error: ErrorReply) -> None:
        self._drop_session()  # stops the reply timer too
        code = error.code
        if code in _CONNECTION_ENDINGS:
            text = self.tr("The server at {address} closed the connection: {reason}").format(
                address=self._address(), reason=texts.connection_ended(code)
            )
            self._fail(text, self.login_button)
        elif code in (ErrorCode.INVALID_PASSWORD, ErrorCode.BAD_CREDENTIALS):
            self._fail(texts.request_error(error), self.password_edit)
        else:
            self._fail(texts.request_error(error), self.name_edit)

    @Slot(str)
    def _on_session_connect_failed(self, code: str) -> None:
        problem = self.session.certificate_problem if self.session is not None else None
        self._drop_session()
        self._fail(texts.cannot_reach(self._address(), code), self.host_edit)
        if code in CERTIFICATE_CODES and problem is not None:
            self._ask_about_certificate(problem)

    @Slot(str)
    def _on_session_connection_lost(self, code: str) -> None:
        if self._welcomed or self.session is None:
            return  # a pending request reports it
        encrypted = self.session.tls is not None
        self._drop_session()
        if code != ClientFailure.CONNECTION_LOST:  # we or the server said why (busy, say)
            self._fail(texts.connection_ended(code), self.host_edit)
        else:
            self._fail(texts.no_welcome(self._address(), encrypted, closed=True), self.host_edit)

    @Slot()
    def _on_welcome_timer_timeout(self) -> None:
        if self.session is None or self._welcomed:
            return
        encrypted = self.session.tls is not None
        self._drop_session()
        self._fail(texts.no_welcome(self._address(), encrypted, closed=False), self.host_edit)

    # --- certificates --------------------------------------------------------------------

    def _ask_about_certificate(self, problem: CertificateProblem) -> None:
        dialog = CertificateDialog(self.form, problem)
        dialog.decided.connect(lambda decision: self._on_certificate_decided(dialog, decision))
        self.certificate_dialog = dialog
        dialog.open()

    def _on_certificate_decided(self, dialog: CertificateDialog, decision: str) -> None:
        if self.certificate_dialog is dialog:
            self.certificate_dialog = None
        dialog.deleteLater()
        problem = dialog.problem
        if decision == Decision.TRUST_ONCE:
            self._accept_once = (problem.address, problem.fingerprint)
        elif decision == Decision.TRUST_ALWAYS:
            prefs.pin_certificate(problem.host, problem.port, problem.fingerprint)
        elif decision == Decision.FORGET:
            prefs.forget_certificate(problem.host, problem.port)
            text = self.tr(
                "RoomChat forgot the certificate it trusted for {address}. Log in again to "
                "check the new one."
            ).format(address=problem.address)
            show_banner(self.error_label, text, BannerKind.INFO)
            return
        if decision in (Decision.TRUST_ONCE, Decision.TRUST_ALWAYS):
            self._submit(self._signing_up)

    # --- state ---------------------------------------------------------------------------

    def _disconnect_session(self, session: MainSession) -> None:
        self._welcome_timer.stop()
        session.connected.disconnect(self._welcome_timer.start)
        session.welcomed.disconnect(self._on_session_welcomed)
        session.connect_failed.disconnect(self._on_session_connect_failed)
        session.connection_lost.disconnect(self._on_session_connection_lost)

    @Slot()
    def _on_reply_timer_timeout(self) -> None:
        if self.session is None or not self.busy:
            return
        self._drop_session()
        text = self.tr("The server at {address} did not answer.").format(address=self._address())
        self._fail(text, self.login_button)

    def _drop_session(self) -> None:
        self._reply_timer.stop()
        if self.session is not None:
            self._disconnect_session(self.session)
            self.session.abort()
            self.session.deleteLater()
            self.session = None
        self._set_busy(False)

    def _fail(self, text: str, focus: QLineEdit | QPushButton) -> None:
        self._set_busy(False)
        show_banner(self.error_label, text, BannerKind.ERROR)
        focus.setFocus()
        if isinstance(focus, QLineEdit):
            focus.selectAll()

    def _set_busy(self, busy: bool, status: str = "") -> None:
        self.busy_bar.setVisible(busy)
        self.status_label.setText(status)
        for widget in (self.host_edit, self.port_spin, self.name_edit, self.password_edit):
            widget.setReadOnly(busy)
        self.tls_check.setEnabled(not busy)
        self.login_button.setEnabled(not busy)
        self.sign_up_button.setEnabled(not busy)

    @Slot()
    def _on_form_rejected(self) -> None:
        if self.busy:  # Esc while waiting cancels the attempt, not the whole client
            self._drop_session()
            self.status_label.setText(self.tr("Cancelled."))
            self.form.show()
            return
        self._drop_session()
        self.closed.emit()
