"""Going to one message of a room (a search result): entering the room first if need be,
then paging its history back to the message and highlighting it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from app.client.chat_window import ChatWindow
from app.client.room_joiner import RoomJoiner
from app.client.rooms_model import RoomsModel

Span = tuple[int, int] | None  # characters of the message's text to highlight


class MessageJump(QObject):
    """Opens room `room_id` at message `seq`: the room's pane is shown (entered through the
    joiner's usual flow, password and all, when the person is not in it now) and its
    `HistoryTools.show_message` loads back to the message and highlights it.

    Signals:
        failed(str): the room is not open (or the message is gone); the text says so.
    """

    failed = Signal(str)

    def __init__(
        self,
        joiner: RoomJoiner,
        rooms: RoomsModel,
        go_to: Callable[[object], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.joiner = joiner
        self.rooms = rooms
        self.go_to = go_to
        self.pending: tuple[int, int, Span] | None = None  # waiting for the room to let us in
        self._watched: set[int] = set()
        joiner.chat_opened.connect(self._on_joiner_chat_opened)

    def open(self, room_id: int, seq: int, span: Span = None) -> None:
        chat = self.joiner.chat_for(room_id)
        if chat is not None and chat.connected:
            self.pending = None
            self._show(chat, seq, span)
            return
        room = self.rooms.room(room_id) or (chat.room if chat is not None else None)
        if room is None:
            self.failed.emit(self.tr("That room is not open now."))
            return
        self.pending = (room_id, seq, span)
        if chat is not None:
            self._watch(chat)
        self.joiner.join(room)

    def _watch(self, chat: ChatWindow) -> None:
        if id(chat) not in self._watched:
            self._watched.add(id(chat))
            chat.entered_room.connect(lambda: self._on_chat_entered(chat))
            chat.history.message_missing.connect(self._on_history_message_missing)

    @Slot(object)
    def _on_joiner_chat_opened(self, chat: ChatWindow) -> None:
        if self.pending is not None and self.pending[0] == chat.room_id:
            self._watch(chat)

    def _on_chat_entered(self, chat: ChatWindow) -> None:
        pending = self.pending
        if pending is not None and pending[0] == chat.room_id:
            self.pending = None
            self._show(chat, pending[1], pending[2])

    def _show(self, chat: ChatWindow, seq: int, span: Span) -> None:
        self._watch(chat)
        self.go_to(self.joiner.key(chat.room_id))
        chat.history.show_message(seq, span)

    @Slot(int)
    def _on_history_message_missing(self, _seq: int) -> None:
        self.failed.emit(self.tr("That message is no longer stored."))
