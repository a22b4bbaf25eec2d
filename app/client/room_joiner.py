"""Getting into rooms: tickets from the main port, room passwords, one chat window per room."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.client import texts
from app.client.chat_window import ChatWindow
from app.client.password_dialog import PasswordDialog
from app.client.session import MainSession
from app.shared.protocol import Message


class RoomJoiner(QObject):
    """Asks the main session for tickets and opens (or reconnects) the room's chat window.

    It owns the chat windows by room id, so they outlive a lost session and can reconnect
    once the person has logged in again (the lobby sets `session` and `name` at each login).

    Signals:
        join_failed(str): a join was refused or could not be asked; the text says why.
        signed_out(): a chat window asked to reconnect while nobody is logged in.
    """

    join_failed = Signal(str)
    signed_out = Signal()

    def __init__(self, dialog_parent: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dialog_parent = dialog_parent
        self.session: MainSession | None = None
        self.name = ""
        self.chats: dict[int, ChatWindow] = {}
        self.password_dialog: PasswordDialog | None = None
        self._joining: set[int] = set()

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.logged_in

    def join(self, room: Message, password: str | None = None) -> None:
        """Ask for a ticket to `room` (asking for its password first if it is locked)."""
        room_id = int(room["id"])
        chat = self.chats.get(room_id)
        if chat is not None and chat.connected:
            chat.show()
            return
        if not self.connected or self.session is None:
            self.join_failed.emit(self.tr("You are not connected to the server. Log in again."))
            return
        if room.get("locked") and password is None:
            self._ask_password(room)
            return
        if room_id in self._joining:
            return
        self._joining.add(room_id)
        self.session.request(
            "join_room",
            partial(self._on_join_granted, password),
            partial(self._on_join_refused, room, password),
            room_id=room_id,
            password=password,
        )

    def _on_join_granted(self, password: str | None, frame: Message) -> None:
        room = frame["room"]
        self._joining.discard(int(room["id"]))
        if self.password_dialog is not None and self.password_dialog.room_id == room["id"]:
            self.password_dialog.finish()
        self.open_chat(room, str(frame["ticket"]), password)

    def _on_join_refused(
        self, room: Message, password: str | None, code: str, frame: Message
    ) -> None:
        room_id = int(room["id"])
        self._joining.discard(room_id)
        text = texts.request_error(code, frame, str(room.get("name", "")))
        dialog = self.password_dialog
        if code in ("wrong_password", "password_required"):
            if dialog is not None and dialog.is_open and dialog.room_id == room_id:
                dialog.show_error(text)
            else:
                self._ask_password(room)
            return
        if dialog is not None and dialog.is_open:
            dialog.finish()
        chat = self.chats.get(room_id)
        if chat is not None and not chat.connected:
            chat.show_problem(text, can_retry=code != "no_such_room")
        self.join_failed.emit(text)

    def _ask_password(self, room: Message) -> None:
        self.close_password_dialog()
        dialog = PasswordDialog(self._dialog_parent, int(room["id"]), str(room.get("name", "")))
        dialog.password_entered.connect(lambda password: self.join(room, password))
        dialog.closed.connect(partial(self._on_password_dialog_closed, dialog))
        self.password_dialog = dialog
        dialog.open()

    def close_password_dialog(self) -> None:
        if self.password_dialog is not None and self.password_dialog.is_open:
            self.password_dialog.form.reject()

    def _on_password_dialog_closed(self, dialog: PasswordDialog) -> None:
        if self.password_dialog is dialog:
            self.password_dialog = None
        dialog.deleteLater()

    def open_chat(self, room: Message, ticket: str, password: str | None) -> None:
        """Enter `room` with `ticket` in its chat window (made now, or the one already open)."""
        room_id = int(room["id"])
        chat = self.chats.get(room_id)
        if chat is not None and chat.room.get("created_at") != room.get("created_at"):
            # Same id, another room (the server started over): the old window's room is gone.
            self.chats.pop(room_id)
            chat.leave()
            chat.deleteLater()
            chat = None
        if chat is None:
            chat = ChatWindow(room, self.name, password)
            chat.left.connect(self._on_chat_left)
            chat.reconnect_requested.connect(self._on_chat_reconnect_requested)
            self.chats[room_id] = chat
        chat.password = password
        session = self.session
        host = session.host if session is not None else "127.0.0.1"
        tls = session.room_tls() if session is not None else None
        chat.enter(host, int(room["port"]), ticket, tls)
        chat.show()

    @Slot(int)
    def _on_chat_left(self, room_id: int) -> None:
        chat = self.chats.pop(room_id, None)
        if chat is not None:
            chat.deleteLater()

    @Slot(int)
    def _on_chat_reconnect_requested(self, room_id: int) -> None:
        chat = self.chats.get(room_id)
        if chat is None:
            return
        if not self.connected:
            text = self.tr("You are signed out. Log in again from the lobby, then reconnect.")
            chat.show_problem(text)
            self.signed_out.emit()
            return
        self.join(chat.room, chat.password if chat.room.get("locked") else None)

    def forget_requests(self) -> None:
        """The session ended: nothing asked of it will be answered."""
        self._joining.clear()
        self.close_password_dialog()

    def close_chats(self) -> None:
        for chat in list(self.chats.values()):
            chat.leave()
