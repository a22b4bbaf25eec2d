"""The client's one current main-port session: `ClientApp` replaces it, the windows observe it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.client.people import People
from app.client.session import MainSession


class CurrentSession(QObject):
    """Owns the logged-in `MainSession` (or none): `replace()` adopts a new one and closes
    and deletes the one before. The lobby, the room joiner and the chat windows only read
    `session` and `name` and follow `changed`; none of them closes or deletes a session.

    Signals:
        changed(object): the session now current (a `MainSession`), or None once logged out.
    """

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: MainSession | None = None

    @property
    def name(self) -> str:
        """The logged-in person's name, as the server has it ("" with no session)."""
        return self.session.name if self.session is not None else ""

    @property
    def people(self) -> People | None:
        """Direct messages, blocks and presence of the current session (None without one)."""
        return self.session.people if self.session is not None else None

    @property
    def logged_in(self) -> bool:
        return self.session is not None and self.session.logged_in

    def replace(self, session: MainSession | None) -> None:
        """Make `session` current (taking it over); log out of the old one and delete it."""
        old = self.session
        if old is session:
            return
        self.session = session
        if session is not None:
            session.setParent(self)
        if old is not None:
            if old.is_open:
                old.log_out()  # says goodbye; the server may also have replaced it already
            old.abort()
            old.deleteLater()
        self.changed.emit(session)
