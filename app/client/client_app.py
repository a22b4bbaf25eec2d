"""The client as a whole: the login window, then the main window, and back on logging out."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QSslCertificate

from app.client.current_session import CurrentSession
from app.client.login_window import LoginWindow
from app.client.main_window import MainWindow
from app.client.session import MainSession
from app.client.ui import add_icon_search_path
from app.shared.protocol import RoomSummary


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

    @property
    def session(self) -> MainSession | None:
        """The current main-port session (closed once lost, until the next login)."""
        return self.current.session

    def start(self) -> None:
        self.login.show()

    def shutdown(self) -> None:
        """Leave every room, log out, close every window (idempotent)."""
        self.main.shutdown()
        self.current.replace(None)
        self.login.close()

    @Slot(object, tuple)
    def _on_login_logged_in(self, session: MainSession, rooms: tuple[RoomSummary, ...]) -> None:
        self.current.replace(session)  # the windows see it change, then the rooms show
        self.main.show_rooms(rooms)

    @Slot()
    def _on_login_closed(self) -> None:
        if not self.main.form.isVisible():
            self.quit_requested.emit()

    @Slot()
    def _on_main_logged_out(self) -> None:
        self.current.replace(None)
        self.login.show(self.tr("You have logged out."))

    @Slot()
    def _on_main_relogin_requested(self) -> None:
        self.login.show()

    @Slot()
    def _on_main_quit_requested(self) -> None:
        self.shutdown()
        self.quit_requested.emit()
