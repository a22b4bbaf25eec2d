"""What a room's window does with its history: day lines, scroll-back, the find bar, and
going to one message (a search result)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from app.client.chat_models import ChatEntry
from app.client.day_separators import day_label, separate_days
from app.client.find_bar import FindBar, show_found
from app.client.scroll_back import ScrollBack
from app.client.session import RoomConnection
from app.shared.protocol import ChatMessage

if TYPE_CHECKING:  # chat_window.py makes these; only its type is needed here
    from app.client.chat_window import ChatWindow


class HistoryTools(QObject):
    """Put together for one `ChatWindow`: its `MessagesModel` gets day lines, its view a
    `ScrollBack` and its form a `FindBar` (Ctrl+F); `show_message` goes to a message,
    paging back to it if it is older than what is held, and highlights it.

    Signals:
        message_shown(int): `show_message` found its message and highlighted it (its seq).
        message_missing(int): the message is not stored (any more).
    """

    message_shown = Signal(int)
    message_missing = Signal(int)

    def __init__(self, chat: ChatWindow, make_entry: Callable[[ChatMessage], ChatEntry]) -> None:
        super().__init__(chat)
        self.chat = chat
        model = chat.messages
        model.day_label = day_label
        model.inserted = partial(separate_days, model)
        self.scroll_back = ScrollBack(chat.messages_view, model, self._connection, make_entry, self)
        self.find_bar = FindBar(
            chat.form,
            chat.messages_view,
            model,
            chat.delegate,
            self.scroll_back,
            chat.current,
            chat.room_id,
        )
        self._wanted: tuple[int, tuple[int, int] | None] | None = None
        self.scroll_back.revealed.connect(self._on_scroll_back_revealed)
        self.scroll_back.not_revealed.connect(self._on_scroll_back_not_revealed)

    def _connection(self) -> RoomConnection | None:
        chat = self.chat
        return chat.connection if chat.connected else None

    def show_message(self, seq: int, span: tuple[int, int] | None = None) -> None:
        """Go to message `seq` (loading older pages until it is held) and highlight it,
        with the characters `span` of its text."""
        self._wanted = (seq, span)
        self.scroll_back.reveal(seq)

    @Slot(int)
    def _on_scroll_back_revealed(self, seq: int) -> None:
        if self._wanted is None or self._wanted[0] != seq:
            return
        span = self._wanted[1]
        self._wanted = None
        row = self.chat.messages.row_of_seq(seq)
        if row is not None:
            show_found(self.chat.messages_view, self.chat.delegate, row, span)
            self.chat.messages_view.setFocus()
            self.message_shown.emit(seq)

    @Slot(int)
    def _on_scroll_back_not_revealed(self, seq: int) -> None:
        if self._wanted is not None and self._wanted[0] == seq:
            self._wanted = None
            self.message_missing.emit(seq)
