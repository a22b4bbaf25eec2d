"""Scroll-back: a room's older messages paged in with room-port `history` when the person
reaches the top of its message list, the view keeping its place while they arrive."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPersistentModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QListView

from app.client.chat_models import TOP_KINDS, ChatEntry, EntryKind, MessagesModel
from app.client.session import RoomConnection
from app.shared.protocol import (
    HISTORY_PAGE_DEFAULT,
    HISTORY_PAGE_MAX,
    ChatMessage,
    ErrorReply,
    HistoryPage,
)

REQUEST_ID = "scroll-back"  # tells its pages (and refusals) from catch-up's and others'
PAGE_LIMIT = HISTORY_PAGE_DEFAULT
REVEAL_LIMIT = HISTORY_PAGE_MAX  # bigger pages while loading back to a message asked for
_NOT_ANCHORS = TOP_KINDS | {EntryKind.DAY}
_TOP_KEYS = (Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Home)


class ScrollBack(QObject):
    """Pages back through one room's stored messages, one request in flight at a time.

    It asks when the view's scroll bar reaches its top, when the person presses Home or
    Ctrl+Home, or PageUp or Up (or turns the wheel up) at the top; a "Loading older messages…" line
    shows at the top while it waits, and "Beginning of the conversation" once the server
    says nothing older is stored. A page goes above what is held (a message already held
    is not added again) and the message that was at the top stays at the same height.
    `reveal(seq)` pages back until that message is held.

    Signals:
        revealed(int): the message asked for with `reveal` is held now (its seq).
        not_revealed(int): it cannot be (not stored, or the request failed).
    """

    revealed = Signal(int)
    not_revealed = Signal(int)

    def __init__(
        self,
        view: QListView,
        model: MessagesModel,
        connection: Callable[[], RoomConnection | None],
        make_entry: Callable[[ChatMessage], ChatEntry],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.model = model
        self.connection = connection  # the room's connection while in the room, else None
        self.make_entry = make_entry
        self.waiting = False
        self.at_beginning = False
        self.target: int | None = None
        self._listening: RoomConnection | None = None
        self._anchor_offset: int | None = None  # the top message's y when the page was asked
        view.verticalScrollBar().valueChanged.connect(self._on_scroll_bar_value_changed)
        self._viewport = view.viewport()
        view.installEventFilter(self)
        self._viewport.installEventFilter(self)

    def oldest(self) -> int | None:
        seqs = self.model.held_seqs()
        return min(seqs) if seqs else None

    def load_older(self) -> bool:
        """Ask for the page before the oldest message held (unless one is on its way or
        the beginning is reached); True if asked."""
        if self.at_beginning and self._status_row() is None:
            self.at_beginning = False  # the list dropped its oldest entries (it holds 2,000)
        if self.waiting or self.at_beginning:
            return False
        oldest = self.oldest()
        if oldest == 1:  # numbering starts at 1: nothing can be older
            self._reach_beginning()
            return False
        connection = self._listen()
        limit = REVEAL_LIMIT if self.target is not None else PAGE_LIMIT
        if connection is None or not connection.history(oldest, limit, REQUEST_ID):
            return False
        self.waiting = True
        self._anchor_offset = self._top_message()[1]
        self._set_status(EntryKind.LOADING, self.tr("Loading older messages…"))
        return True

    def reveal(self, seq: int) -> None:
        """Page back until the message `seq` is held, then say `revealed`."""
        if seq in self.model.held_seqs():
            self.revealed.emit(seq)
            return
        oldest = self.oldest()
        if self.at_beginning or (oldest is not None and seq > oldest):
            self.not_revealed.emit(seq)  # not older than what is held: not stored any more
            return
        self.target = seq
        if not self.waiting and not self.load_older():
            self._give_up()

    def _listen(self) -> RoomConnection | None:
        connection = self.connection()
        if connection is not self._listening:
            self.waiting = False
            self._listening = connection
            if connection is not None:
                connection.history_received.connect(self._on_connection_history_received)
                connection.request_failed.connect(self._on_connection_request_failed)
                connection.connection_lost.connect(self._on_connection_connection_lost)
        return connection

    # --- what the view shows ---------------------------------------------------------------

    def _status_row(self) -> int | None:
        if self.model.rowCount() and self.model.entry(0).kind in TOP_KINDS:
            return 0
        return None

    def _set_status(self, kind: EntryKind | None, text: str = "") -> None:
        row = self._status_row()
        if row is not None:
            self.model.remove(row)
        if kind is not None:
            self.model.put(0, [ChatEntry(kind, text)])

    def _top_message(self) -> tuple[QPersistentModelIndex, int | None]:
        """The first entry at or below the top of the view that is not a status or day line
        (a day line may move when a page comes), and its y in the viewport."""
        index = self.view.indexAt(QPoint(1, 1))
        if not index.isValid():
            return QPersistentModelIndex(), None
        row = index.row()
        while row < self.model.rowCount() and self.model.entry(row).kind in _NOT_ANCHORS:
            row += 1
        if row >= self.model.rowCount():
            return QPersistentModelIndex(), None
        top = self.model.index(row, 0)
        return QPersistentModelIndex(top), self.view.visualRect(top).top()

    def _reach_beginning(self) -> None:
        self.at_beginning = True
        self._set_status(EntryKind.BEGINNING, self.tr("Beginning of the conversation"))

    def _insert(self, page: HistoryPage) -> None:
        anchor, offset = self._top_message()
        if self._anchor_offset is not None and offset is not None:
            offset = min(offset, self._anchor_offset)  # not pushed down by the Loading line
        held = self.model.held_seqs()
        oldest = self.oldest()
        older = [
            self.make_entry(message)
            for message in page.messages
            if message.seq not in held and (oldest is None or message.seq < oldest)
        ]
        self._set_status(None)
        self.model.put_older(older)
        if not page.more:
            self._reach_beginning()
        if anchor.isValid() and offset is not None:
            moved = self.view.visualRect(self.model.index(anchor.row(), 0)).top() - offset
            bar = self.view.verticalScrollBar()
            bar.setValue(bar.value() + moved)

    # --- answers ---------------------------------------------------------------------------

    @Slot(object)
    def _on_connection_history_received(self, page: HistoryPage) -> None:
        if page.id != REQUEST_ID or self.sender() is not self._listening:
            return
        self.waiting = False
        self._insert(page)
        self._anchor_offset = None
        target = self.target
        if target is None:
            return
        if target in self.model.held_seqs():
            self.target = None
            self.revealed.emit(target)
        elif self.at_beginning or not self.load_older():
            self._give_up()

    def _give_up(self) -> None:
        target, self.target = self.target, None
        if target is not None:
            self.not_revealed.emit(target)

    @Slot(object)
    def _on_connection_request_failed(self, error: ErrorReply) -> None:
        if error.id == REQUEST_ID and self.sender() is self._listening:
            self.waiting = False
            self._anchor_offset = None
            self._set_status(None)  # the person may try again (server_busy: rare)
            self._give_up()

    @Slot()
    def _on_connection_connection_lost(self) -> None:
        if self.sender() is self._listening:
            self._listening = None
            if self.waiting:
                self.waiting = False
                self._set_status(None)
            self._give_up()

    # --- when to ask -----------------------------------------------------------------------

    def _at_top(self) -> bool:
        bar = self.view.verticalScrollBar()
        return bar.value() <= bar.minimum()

    @Slot(int)
    def _on_scroll_bar_value_changed(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if value <= bar.minimum() < bar.maximum() and self.model.rowCount():
            self.load_older()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.view and kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            if key == Qt.Key.Key_Home:  # to the first message held, whatever is current
                bar = self.view.verticalScrollBar()
                bar.setValue(bar.minimum())
                self.load_older()
            elif key in _TOP_KEYS and self._at_top():
                self.load_older()
        elif watched is self._viewport and kind == QEvent.Type.Wheel:
            assert isinstance(event, QWheelEvent)
            if event.angleDelta().y() > 0 and self._at_top():
                self.load_older()
        return False
