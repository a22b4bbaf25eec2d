"""The login window: which server, which account; logs in or signs up, never blocking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtNetwork import QSslCertificate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.client import prefs, texts
from app.client.certificate_dialog import CertificateDialog, Decision
from app.client.countdown import Countdown
from app.client.credentials import TokenKeeper
from app.client.found_servers import FoundServersPanel
from app.client.login_attempt import Field, LoginAttempt, LoginFailure, tls_policy
from app.client.session import MainSession
from app.client.tls import CertificateProblem, TlsPolicy
from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import LoggedIn
from app.shared.screens import fit_to_screen

REQUIRED = (
    "hostEdit",
    "portSpin",
    "tlsCheck",
    "nameEdit",
    "passwordEdit",
    "keepCheck",
    "loginButton",
    "signUpButton",
    "errorLabel",
    "statusLabel",
    "busyBar",
    "logoLabel",
    "foundPanel",
    "foundList",
)


class LoginWindow(QObject):
    """Controller of `forms/login_window.ui`: runs a `LoginAttempt` with what was typed.

    "Sign up" registers the account first (after checking the name and password rules here,
    so the person learns at once which rule is broken), then logs in.

    With "Use encryption" the session connects with TLS. A certificate it cannot verify opens
    the certificate dialog; after Trust once or Trust always (which pins it in QSettings for
    this host:port) the login starts again with that certificate accepted.

    A login the server refuses for now (too many failed logins, or busy, with its
    `retry_after`) shows a banner counting the seconds down; Log in and Sign up stay off
    until it reaches 0, then the banner goes.

    Signals:
        logged_in(object, tuple): the logged-in `MainSession` (its `name` is the account's
            as registered; the receiver owns it) and the rooms open now (a tuple of
            `RoomSummary`; only the first page when the server pages the list: the rest
            follow as `room_added`).
        closed(): the person closed the window (Esc or the window's close button).
    """

    logged_in = Signal(object, tuple)
    closed = Signal()

    def __init__(
        self,
        host: str,
        port: int,
        tls: bool = False,
        ca_certificates: Sequence[QSslCertificate] = (),
        parent: QObject | None = None,
        keeper: TokenKeeper | None = None,
    ) -> None:
        super().__init__(parent)
        self.form: QDialog = load_form("login_window", None, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.host_edit = child(self.form, QLineEdit, "hostEdit")
        self.port_spin = child(self.form, QSpinBox, "portSpin")
        self.tls_check = child(self.form, QCheckBox, "tlsCheck")
        self.name_edit = child(self.form, QLineEdit, "nameEdit")
        self.password_edit = child(self.form, QLineEdit, "passwordEdit")
        self.keep_check = child(self.form, QCheckBox, "keepCheck")
        self.keep_check.setChecked(prefs.keep_signed_in())
        self.keeper = keeper or TokenKeeper()
        self.login_button = child(self.form, QPushButton, "loginButton")
        self.sign_up_button = child(self.form, QPushButton, "signUpButton")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.status_label = child(self.form, QLabel, "statusLabel")
        self.busy_bar = child(self.form, QProgressBar, "busyBar")
        child(self.form, QLabel, "logoLabel").setPixmap(icon("roomchat").pixmap(56, 56))
        # Servers found on the network (app.client.server_finder fills its model).
        self.found_servers = FoundServersPanel(
            child(self.form, QWidget, "foundPanel"),
            child(self.form, QListView, "foundList"),
            self.host_edit,
            self.port_spin,
            self.tls_check,
            self,
        )
        self.host_edit.setText(host)
        self.port_spin.setValue(port)
        self.tls_check.setChecked(tls)
        self.name_edit.setText(prefs.last_name())
        self.attempt: LoginAttempt | None = None
        self.certificate_dialog: CertificateDialog | None = None
        self._ca_certificates = tuple(ca_certificates)
        self._accept_once: tuple[str, str] = ("", "")  # (host:port, fingerprint), next try only
        self._signing_up = False
        self._resuming = False  # the attempt under way uses the kept token
        self.countdown = Countdown(self)
        self._retry_code = ""  # the code the countdown is for
        self.countdown.ticked.connect(self._on_countdown_ticked)
        self.countdown.finished.connect(self._on_countdown_finished)
        self.login_button.clicked.connect(self._on_login_button_clicked)
        self.sign_up_button.clicked.connect(self._on_sign_up_button_clicked)
        self.form.rejected.connect(self._on_form_rejected)
        self.form.installEventFilter(self)
        self._set_busy(False)
        hide_banner(self.error_label)

    @property
    def busy(self) -> bool:
        return self.attempt is not None

    def show(self, notice: str = "") -> None:
        """Show the window (with `notice`, if any), the focus in the password field when the
        name is already there (remembered from the last login), else in the name field."""
        self.password_edit.clear()
        if notice:
            show_banner(self.error_label, notice, BannerKind.INFO)
        fit_to_screen(self.form)
        self.form.show()
        self.form.raise_()
        self.form.activateWindow()
        focus = self.password_edit if self.name_edit.text().strip() else self.name_edit
        focus.setFocus()

    def close(self) -> None:
        self._drop_attempt()
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
        if self.busy or self.countdown.active:
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
            accepted = fingerprint if address == f"{host}:{port}" else ""
            tls = tls_policy(host, port, self._ca_certificates, accepted)
        self._accept_once = ("", "")
        self._resuming = False
        self._start(LoginAttempt(host, port, name, password, signing_up=signing_up, tls=tls))

    def resume_kept(self) -> bool:
        """ "Keep me signed in" was chosen and a token is kept for the name shown: sign in
        with it (no password). False when there is nothing to try."""
        name, host = self.name_edit.text().strip(), self.host_edit.text().strip()
        port = self.port_spin.value()
        if self.busy or not prefs.keep_signed_in() or not name or not host:
            return False
        token = self.keeper.load(host, port, name)
        if not token:
            return False
        tls = tls_policy(host, port, self._ca_certificates) if self.tls_check.isChecked() else None
        self._signing_up, self._resuming = False, True
        self._start(LoginAttempt(host, port, name, "", tls=tls, resume_token=token))
        return True

    def keep(self, session: MainSession) -> None:
        """Keep (or, without "Keep me signed in", forget) the session's new token: a token
        is good for one resume, each login brings the next one."""
        host, port, name = session.host, session.port, session.name
        if self.keep_check.isChecked() and session.resume_token:
            self.keeper.save(host, port, name, session.resume_token)
        elif prefs.keep_signed_in():  # was kept until now: the store is touched only then
            self.keeper.forget(host, port, name)

    def moved(self, lost: MainSession, session: MainSession) -> None:
        """Signed in again at another node than the one lost (failover): that node is where
        the next start signs in, with the token kept for it; the one kept for the node lost
        was spent, and would only cost the person a password prompt."""
        prefs.remember_login(session.host, session.port, session.name, session.tls is not None)
        self.host_edit.setText(session.host)
        self.port_spin.setValue(session.port)
        self.forget_kept(lost)

    def forget_kept(self, session: MainSession) -> None:
        """Logged out: the token kept for that account is no good any more."""
        if prefs.keep_signed_in():
            self.keeper.forget(session.host, session.port, session.name)

    def _start(self, attempt: LoginAttempt) -> None:
        attempt.setParent(self)
        attempt.progressed.connect(self._on_attempt_progressed)
        attempt.succeeded.connect(self._on_attempt_succeeded)
        attempt.failed.connect(self._on_attempt_failed)
        attempt.certificate_problem.connect(self._on_attempt_certificate_problem)
        self.attempt = attempt
        self._set_busy(True)
        attempt.start()

    @Slot(str)
    def _on_attempt_progressed(self, status: str) -> None:
        self._set_busy(True, status)

    @Slot(object, object)
    def _on_attempt_succeeded(self, session: MainSession, logged_in: LoggedIn) -> None:
        self._drop_attempt()
        prefs.remember_login(session.host, session.port, session.name, session.tls is not None)
        self.keep(session)
        prefs.set_keep_signed_in(self.keep_check.isChecked())
        self.password_edit.clear()
        self.form.hide()
        self.logged_in.emit(session, logged_in.rooms)

    @Slot(object)
    def _on_attempt_failed(self, failure: LoginFailure) -> None:
        if failure.field == Field.PASSWORD and self._resuming:
            host, port = self.host_edit.text().strip(), self.port_spin.value()
            self.keeper.forget(host, port, self.name_edit.text().strip())  # refused: no good
        if failure.retry_after is not None:
            self._retry_code = failure.code
            self.countdown.start(failure.retry_after)  # before the buttons come back
        self._drop_attempt()
        if failure.retry_after is not None:
            self.password_edit.setFocus()
            return
        focus: QLineEdit | QPushButton = {
            Field.HOST: self.host_edit,
            Field.NAME: self.name_edit,
            Field.PASSWORD: self.password_edit,
        }.get(failure.field, self.login_button)
        self._fail(failure.text, focus)

    @Slot(int)
    def _on_countdown_ticked(self, seconds: int) -> None:
        text = texts.log_in_again_in(self._retry_code, seconds)
        show_banner(self.error_label, text, BannerKind.INFO)

    @Slot()
    def _on_countdown_finished(self) -> None:
        hide_banner(self.error_label)
        self._set_busy(self.busy)

    @Slot(object)
    def _on_attempt_certificate_problem(self, problem: CertificateProblem) -> None:
        self._ask_about_certificate(problem)

    # --- certificates --------------------------------------------------------------------

    def _ask_about_certificate(self, problem: CertificateProblem) -> None:
        announced = self.found_servers.announced_fingerprint(problem.host, problem.port)
        problem = replace(problem, announced=announced)
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

    def _drop_attempt(self) -> None:
        attempt, self.attempt = self.attempt, None
        if attempt is not None:
            attempt.cancel()
            attempt.deleteLater()
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
        may_submit = not busy and not self.countdown.active
        self.login_button.setEnabled(may_submit)
        self.sign_up_button.setEnabled(may_submit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc cancels a login under way and does nothing else: as in Element or HexChat,
        Esc never quits the client (closing the window still does)."""
        if (
            watched is self.form
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and not self.busy
        ):
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_form_rejected(self) -> None:
        if self.busy:  # Esc while waiting cancels the attempt, not the whole client
            self._drop_attempt()
            self.status_label.setText(self.tr("Cancelled."))
            self.form.show()
            return
        self._drop_attempt()
        self.closed.emit()
