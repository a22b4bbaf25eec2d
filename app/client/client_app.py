"""The client as a whole: the login window, then the main window, and back on logging out."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QSslCertificate
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.client.current_session import CurrentSession
from app.client.login_window import LoginWindow
from app.client.main_window import MainWindow
from app.client.reconnect import ReconnectBar, Reconnector
from app.client.session import MainSession
from app.client.ui import add_icon_search_path
from app.shared.forms import child
from app.shared.protocol import LoggedIn, RoomSummary


class ClientApp(QObject):
    """Wires the windows together; `start()` shows the login window.

    It owns the current `MainSession` (in `current`): a login replaces it, closing the one
    before; logging out or quitting closes it. The windows only observe it.

    Signals:
        quit_requested(): the person wants the client to end (Quit, or closing the main
            window, or the login window while not logged in).
    """

    quit_requested = Signal()

    def __init__(
        self,
        host: str,
        port: int,
        parent: QObject | None = None,
        *,
        tls: bool = False,
        ca_certificates: Sequence[QSslCertificate] = (),
    ) -> None:
        super().__init__(parent)
        add_icon_search_path()
        self.current = CurrentSession(self)
        self.login = LoginWindow(host, port, tls, ca_certificates, self)
        self.main = MainWindow(self.current, self)
        self.lobby = self.main.lobby  # the main window's "Browse rooms" pane
        self.login.logged_in.connect(self._on_login_logged_in)
        self.login.closed.connect(self._on_login_closed)
        self.main.logged_out.connect(self._on_main_logged_out)
        self.main.relogin_requested.connect(self._on_main_relogin_requested)
        self.main.quit_requested.connect(self._on_main_quit_requested)
        self.reconnector = Reconnector(self.current, self)
        self.reconnect_bar = ReconnectBar(
            self.reconnector,
            child(self.main.form, QWidget, "reconnectBar"),
            child(self.main.form, QLabel, "reconnectLabel"),
            child(self.main.form, QPushButton, "retryButton"),
        )
        self.reconnector.resumed.connect(self._on_reconnector_resumed)

    @property
    def session(self) -> MainSession | None:
        """The current main-port session (closed once lost, until the next login)."""
        return self.current.session

    def start(self) -> None:
        """Show the login window; with "Keep me signed in" and a kept token, sign in."""
        self.login.show()
        self.login.resume_kept()

    def shutdown(self) -> None:
        """Leave every room, log out, close every window (idempotent)."""
        self.reconnector.stop()
        self.main.shutdown()
        session = self.current.session
        if session is not None and session.is_open and self.login.keep_check.isChecked():
            session.close()  # no logout: that would revoke the token kept for next time
        self.current.replace(None)
        self.login.close()

    @Slot(object, tuple)
    def _on_login_logged_in(self, session: MainSession, rooms: tuple[RoomSummary, ...]) -> None:
        self.reconnector.stop()  # logged in by hand
        self.current.replace(session)  # the windows see it change, then the rooms show
        self.main.show_rooms(rooms)

    @Slot()
    def _on_login_closed(self) -> None:
        if not self.main.form.isVisible():
            self.quit_requested.emit()

    @Slot(object, object)
    def _on_reconnector_resumed(self, session: MainSession, logged_in: LoggedIn) -> None:
        """Signed in again with the token: the lobby current, every room entered again."""
        self.login.close()
        self.login.keep(session)  # the token used is spent: keep the new one, if kept
        lost = self.current.session
        if lost is not None and (lost.host, lost.port) != (session.host, session.port):
            self.login.moved(lost, session)
        self.current.replace(session)
        self.lobby.show_rooms(logged_in.rooms)
        self.lobby.joiner.rejoin_all()

    @Slot()
    def _on_main_logged_out(self) -> None:
        self.reconnector.stop()
        if self.current.session is not None:
            self.login.forget_kept(self.current.session)
        self.current.replace(None)
        self.login.show(self.tr("You have logged out."))

    @Slot()
    def _on_main_relogin_requested(self) -> None:
        self.login.show()

    @Slot()
    def _on_main_quit_requested(self) -> None:
        self.shutdown()
        self.quit_requested.emit()
