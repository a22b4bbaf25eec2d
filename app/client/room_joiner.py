"""Getting into rooms: tickets from the main port, room passwords, one chat window per room."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.client import texts
from app.client.chat_window import ChatWindow
from app.client.current_session import CurrentSession
from app.client.password_dialog import PasswordDialog
from app.client.room_return import RoomReturn
from app.client.session import MainSession
from app.shared.protocol import ErrorCode, ErrorReply, JoinGranted, JoinRoom, RoomSummary

RoomKey = tuple[str, int]  # (the server's instance, or "" when it does not say; the room id)


class RoomJoiner(QObject):
    """Asks the main session for tickets and opens (or reconnects) the room's chat window.

    It owns the chat windows by (server instance, room id), so they outlive a lost session
    and can reconnect once the person has logged in again; each has its `RoomReturn`
    (in `returns`), which asks again by itself when only the room's connection dropped.
    It asks the client's `CurrentSession`, whichever session that is now, and follows its
    `changed` (the person's name is the session's). A server started over on a fresh
    database reuses room ids; its welcome's `instance` tells its rooms from the old ones
    (with a server that does not send one, a room's `created_at` does).

    Signals:
        join_failed(str): a join was refused or could not be asked; the text says why.
        signed_out(): a chat window asked to reconnect while nobody is logged in.
        chat_opened(object): a new `ChatWindow` is in `chats`, about to enter its room.
    """

    join_failed = Signal(str)
    signed_out = Signal()
    chat_opened = Signal(object)

    def __init__(
        self, current: CurrentSession, dialog_parent: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.current = current
        self._dialog_parent = dialog_parent
        self.chats: dict[RoomKey, ChatWindow] = {}
        self.returns: dict[ChatWindow, RoomReturn] = {}
        self.password_dialog: PasswordDialog | None = None
        self._joining: set[int] = set()
        current.changed.connect(self._on_current_changed)

    @property
    def session(self) -> MainSession | None:
        return self.current.session

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.logged_in

    def key(self, room_id: int) -> RoomKey:
        """The key of room `room_id` on the server of the current session."""
        instance = self.session.instance if self.session is not None else None
        return (instance or "", room_id)

    def chat_for(self, room_id: int) -> ChatWindow | None:
        """The chat window of room `room_id` on the current session's server, if any."""
        return self.chats.get(self.key(room_id))

    def join(self, room: RoomSummary, password: str | None = None) -> None:
        """Ask for a ticket to `room` (asking for its password first if it is locked)."""
        room_id = room.id
        chat = self.chat_for(room_id)
        if chat is not None and chat.connected:
            chat.show()
            return
        if not self.connected or self.session is None:
            self.join_failed.emit(self.tr("You are not connected to the server. Log in again."))
            return
        if room.locked and password is None:
            self._ask_password(room)
            return
        if room_id in self._joining:
            return
        self._joining.add(room_id)
        self.session.request(
            JoinRoom(room_id, password),
            JoinGranted,
            partial(self._on_join_granted, password),
            partial(self._on_join_refused, room, password),
        )

    def _on_join_granted(self, password: str | None, granted: JoinGranted) -> None:
        room = granted.room
        self._joining.discard(room.id)
        if self.password_dialog is not None and self.password_dialog.room_id == room.id:
            self.password_dialog.finish()
        self.open_chat(room, granted.ticket, password)

    def _on_join_refused(self, room: RoomSummary, password: str | None, error: ErrorReply) -> None:
        room_id = room.id
        code = error.code
        self._joining.discard(room_id)
        text = texts.request_error(error, room.name)
        dialog = self.password_dialog
        if code in (ErrorCode.WRONG_PASSWORD, ErrorCode.PASSWORD_REQUIRED):
            if dialog is not None and dialog.is_open and dialog.room_id == room_id:
                dialog.show_error(text)
            else:
                self._ask_password(room)
            return
        if dialog is not None and dialog.is_open:
            dialog.finish()
        chat = self.chat_for(room_id)
        if chat is not None and not chat.connected:
            returning = self.returns.get(chat)
            if returning is not None and returning.refused(error):
                return  # the room is on its way to another node: asked again soon
            chat.show_problem(text, can_retry=code != ErrorCode.NO_SUCH_ROOM)
        self.join_failed.emit(text)

    def _ask_password(self, room: RoomSummary) -> None:
        self.close_password_dialog()
        dialog = PasswordDialog(self._dialog_parent, room.id, room.name)
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

    def open_chat(self, room: RoomSummary, ticket: str, password: str | None) -> None:
        """Enter `room` with `ticket` in its chat window (made now, or the one already open)."""
        key = self.key(room.id)
        chat = self.chats.get(key)
        if chat is not None and not key[0] and chat.room.created_at != room.created_at:
            # Same id, another room (a server that does not say its instance started over):
            # the old window's room is gone.
            self.chats.pop(key)
            chat.leave()
            chat.deleteLater()
            chat = None
        if chat is None:
            chat = ChatWindow(room, self.current, password)
            chat.left.connect(partial(self._on_chat_left, chat))
            chat.reconnect_requested.connect(partial(self._on_chat_reconnect_requested, chat))
            self.chats[key] = chat
            self.returns[chat] = RoomReturn(chat, partial(self._ask_again, chat))
            self.chat_opened.emit(chat)
        chat.password = password
        session = self.session
        host = session.host if session is not None else "127.0.0.1"
        host = room.host or host  # a room on another node of the server says where it is
        tls = session.room_tls() if session is not None else None
        chat.enter(host, room.port, ticket, tls)
        chat.show()

    def _key_of(self, chat: ChatWindow) -> RoomKey | None:
        return next((key for key, known in self.chats.items() if known is chat), None)

    def _on_chat_left(self, chat: ChatWindow, _room_id: int) -> None:
        key = self._key_of(chat)
        if key is not None:
            del self.chats[key]
        self.returns.pop(chat, None)
        chat.deleteLater()

    def _on_chat_reconnect_requested(self, chat: ChatWindow, room_id: int) -> None:
        key = self._key_of(chat)
        if key is None:
            return
        if not self.connected:
            text = self.tr("You are signed out. Log in again from the lobby, then reconnect.")
            chat.show_problem(text)
            self.signed_out.emit()
            return
        current = self.key(room_id)
        if key[0] and current[0] and key != current:  # its server started over: room gone
            gone = texts.request_error(ErrorReply(ErrorCode.NO_SUCH_ROOM, ""), chat.room.name)
            chat.show_problem(gone, can_retry=False)
            return
        self.join(chat.room, chat.password if chat.room.locked else None)

    def _ask_again(self, chat: ChatWindow) -> bool:
        """A chat's `RoomReturn` asks for its room again: False with nobody signed in."""
        if not self.connected or self._key_of(chat) is None:
            return False
        self._on_chat_reconnect_requested(chat, chat.room_id)
        return True

    def rejoin_all(self) -> None:
        """Signed in again after a lost connection: enter again every room whose window
        lost it (a locked one with the password typed this session), asking again a while
        for a room on its way to another node."""
        for chat in list(self.chats.values()):
            if not chat.connected and not chat.closed:
                returning = self.returns.get(chat)
                if returning is not None:
                    returning.again()
                else:
                    self._on_chat_reconnect_requested(chat, chat.room_id)

    @Slot(object)
    def _on_current_changed(self, _session: MainSession | None) -> None:
        self.forget_requests()  # the session before will answer nothing more

    def forget_requests(self) -> None:
        """The session ended: nothing asked of it will be answered."""
        self._joining.clear()
        self.close_password_dialog()

    def close_chats(self) -> None:
        for chat in list(self.chats.values()):
            chat.leave()
