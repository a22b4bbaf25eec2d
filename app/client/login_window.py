"""The login window: which server, which account; logs in or signs up, never blocking."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox

from app.client import prefs, texts
from app.client.connection import CLOSING_CODES, CONNECTION_LOST
from app.client.session import MainSession
from app.client.ui import BannerKind, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import Message

REQUIRED = (
    "hostEdit",
    "portSpin",
    "nameEdit",
    "passwordEdit",
    "loginButton",
    "signUpButton",
    "errorLabel",
    "statusLabel",
    "busyBar",
    "logoLabel",
)


class LoginWindow(QObject):
    """Controller of `forms/login_window.ui`: opens a `MainSession` and logs in on it.

    "Sign up" registers the account first (after checking the name and password rules here,
    so the person learns at once which rule is broken), then logs in.

    Signals:
        logged_in(object, str, list): the logged-in `MainSession`, the account's name as
            registered, and the rooms open now.
        closed(): the person closed the window (Esc or the window's close button).
    """

    logged_in = Signal(object, str, list)
    closed = Signal()

    def __init__(self, host: str, port: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.form: QDialog = load_form("login_window", None, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.host_edit = child(self.form, QLineEdit, "hostEdit")
        self.port_spin = child(self.form, QSpinBox, "portSpin")
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
        self.name_edit.setText(prefs.last_name())
        self.session: MainSession | None = None
        self._signing_up = False
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
        session = MainSession(self)
        session.welcomed.connect(self._on_session_welcomed)
        session.connect_failed.connect(self._on_session_connect_failed)
        self.session = session
        self._set_busy(True, self.tr("Connecting to {address}…").format(address=self._address()))
        session.open(host, self.port_spin.value())

    def _address(self) -> str:
        return f"{self.host_edit.text().strip()}:{self.port_spin.value()}"

    @Slot(dict)
    def _on_session_welcomed(self, _frame: Message) -> None:
        session = self.session
        if session is None:
            return
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if self._signing_up:
            self._set_busy(True, self.tr("Creating the account…"))
            session.request(
                "register",
                self._on_registered,
                self._on_request_failed,
                name=name,
                password=password,
            )
        else:
            self._log_in()

    def _on_registered(self, _frame: Message) -> None:
        self._signing_up = False
        self._log_in()

    def _log_in(self) -> None:
        if self.session is None:
            return
        self._set_busy(True, self.tr("Logging in…"))
        self.session.request(
            "login",
            self._on_logged_in,
            self._on_request_failed,
            name=self.name_edit.text().strip(),
            password=self.password_edit.text(),
        )

    def _on_logged_in(self, frame: Message) -> None:
        session = self.session
        if session is None:
            return
        session.welcomed.disconnect(self._on_session_welcomed)
        session.connect_failed.disconnect(self._on_session_connect_failed)
        self.session = None
        session.setParent(None)
        session.name = str(frame.get("name") or self.name_edit.text().strip())
        prefs.remember_login(session.host, session.port, session.name)
        rooms = [room for room in frame.get("rooms", []) if isinstance(room, dict)]
        self._set_busy(False)
        self.password_edit.clear()
        self.form.hide()
        self.logged_in.emit(session, session.name, rooms)

    def _on_request_failed(self, code: str, frame: Message) -> None:
        self._drop_session()
        if code == CONNECTION_LOST or code in CLOSING_CODES:
            text = self.tr("The server at {address} closed the connection: {reason}").format(
                address=self._address(), reason=texts.connection_ended(code)
            )
            self._fail(text, self.login_button)
        elif code in ("invalid_password", "bad_credentials"):
            self._fail(texts.request_error(code, frame), self.password_edit)
        else:
            self._fail(texts.request_error(code, frame), self.name_edit)

    @Slot(str)
    def _on_session_connect_failed(self, code: str) -> None:
        self._drop_session()
        self._fail(texts.cannot_reach(self._address(), code), self.host_edit)

    # --- state ---------------------------------------------------------------------------

    def _drop_session(self) -> None:
        if self.session is not None:
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
        self.login_button.setEnabled(not busy)
        self.sign_up_button.setEnabled(not busy)

    @Slot()
    def _on_form_rejected(self) -> None:
        self._drop_session()
        self.closed.emit()
