"""One direct conversation as a pane of the main window: the room pane's message view and
input line over `People`, paging older messages in when scrolled to the top."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QListView, QMenu, QPushButton, QToolButton, QWidget

from app.client import texts
from app.client.chat_models import ChatEntry, EntryKind, MessagesModel, local_time
from app.client.current_session import CurrentSession
from app.client.message_delegate import MessageDelegate
from app.client.message_edit import MessageEdit, counter_text
from app.client.message_view import MessageViewActions
from app.client.name_colors import NameColors
from app.client.ui import BannerKind, hide_banner, show_banner
from app.shared.forms import child, load_form
from app.shared.labels import ElidedLabel
from app.shared.protocol import (
    AWAY,
    DIRECT_PAGE_DEFAULT,
    DirectMessage,
    DirectPage,
    DirectSent,
    ErrorReply,
    Presence,
)
from app.shared.validation import name_key

REQUIRED = (
    "peerLabel",
    "presenceLabel",
    "menuButton",
    "bannerLabel",
    "messagesView",
    "inputEdit",
    "counterLabel",
    "sendButton",
)
TOP_SLACK_PX = 4


@dataclass(frozen=True, slots=True)
class DirectKey:
    """The sidebar key of a direct conversation: the other person's name key."""

    peer: str


class DirectMessagesModel(MessagesModel):
    """A conversation's messages, oldest first, each seq once; older pages go in at the top.

    Signals: none beyond QAbstractListModel's.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seqs: set[int] = set()

    @property
    def first_seq(self) -> int | None:
        seqs = [self.entry(row).seq for row in range(self.rowCount())]
        return min((seq for seq in seqs if seq is not None), default=None)

    def append(self, entry: ChatEntry) -> None:
        if entry.seq is not None:
            if entry.seq in self.seqs:
                return
            self.seqs.add(entry.seq)
        super().append(entry)

    def prepend(self, entries: Iterable[ChatEntry]) -> int:
        """Put older entries (oldest first) before the others; how many went in."""
        new = [e for e in entries if e.seq is None or e.seq not in self.seqs]
        if not new:
            return 0
        self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
        self._entries[0:0] = new  # MessagesModel keeps its list; this subclass adds to it
        self.seqs.update(e.seq for e in new if e.seq is not None)
        self.endInsertRows()
        return len(new)


class DirectPane(QObject):
    """Controller of `forms/direct_pane.ui` for the conversation with `peer`.

    `load()` asks for the newest page of history; scrolling to the top asks for the page
    before it while the server says there is `more`. `receive()` takes a live message.
    The Conversation menu blocks or unblocks `peer` (through `block_requested`).

    Signals:
        block_requested(str, bool): block (True) or unblock `peer`.
        activity(): a message was sent or received here.
    """

    block_requested = Signal(str, bool)
    activity = Signal()
    page_size = DIRECT_PAGE_DEFAULT

    def __init__(self, peer: str, current: CurrentSession) -> None:
        super().__init__()
        self.peer = peer
        self.key = DirectKey(name_key(peer))
        self.current = current
        self.form: QWidget = load_form("direct_pane", None, REQUIRED, (MessageEdit,))
        self.messages = DirectMessagesModel(self)
        self.colors = NameColors()
        self.messages_view = child(self.form, QListView, "messagesView")
        self.messages_view.setModel(self.messages)
        self.delegate = MessageDelegate(self.messages_view, self, self.colors)
        self.messages_view.setItemDelegate(self.delegate)
        self.view_actions = MessageViewActions(self.messages_view, self.delegate, self)
        self.input_edit = child(self.form, MessageEdit, "inputEdit")
        self.counter_label = child(self.form, QLabel, "counterLabel")
        self.send_button = child(self.form, QPushButton, "sendButton")
        self.banner_label = child(self.form, QLabel, "bannerLabel")
        self.presence_label = child(self.form, ElidedLabel, "presenceLabel")
        child(self.form, ElidedLabel, "peerLabel").setText(peer)
        self.menu_button = child(self.form, QToolButton, "menuButton")
        self.menu = QMenu(self.menu_button)
        self.block_action = QAction(self.tr("&Block {name}").format(name=peer), self.menu)
        self.unblock_action = QAction(self.tr("&Unblock {name}").format(name=peer), self.menu)
        self.menu.addAction(self.block_action)
        self.menu.addAction(self.unblock_action)
        self.menu_button.setMenu(self.menu)
        self.block_action.triggered.connect(lambda: self.block_requested.emit(self.peer, True))
        self.unblock_action.triggered.connect(lambda: self.block_requested.emit(self.peer, False))
        self.more = True  # older messages may exist until a page says otherwise
        self.loading = False
        self._follow = True
        self._height_before = 0  # the scroll range before a page went in at the top
        self.view_actions.quote_requested.connect(self._on_view_actions_quote_requested)
        self.input_edit.submitted.connect(self.send)
        self.input_edit.textChanged.connect(self._update_controls)
        self.send_button.clicked.connect(self.send)
        scroll_bar = self.messages_view.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._on_scroll_bar_value_changed)
        scroll_bar.rangeChanged.connect(self._on_scroll_bar_range_changed)
        hide_banner(self.banner_label)
        self.set_blocked(False)
        self.show_presence(None)
        self._update_controls()

    @property
    def me(self) -> str:
        return self.current.name

    def set_blocked(self, blocked: bool) -> None:
        self.block_action.setVisible(not blocked)
        self.unblock_action.setVisible(blocked)
        if blocked:
            text = self.tr("You blocked {name}: their messages are not shown.")
            show_banner(self.banner_label, text.format(name=self.peer), BannerKind.INFO)
        else:
            hide_banner(self.banner_label)

    def show_presence(self, presence: Presence | None) -> None:
        if presence is None:
            text = self.tr("offline")
        elif presence.state == AWAY:
            text = self.tr("away")
        else:
            text = self.tr("online")
        if presence is not None and presence.status:
            text = f"{text} — {presence.status}"
        self.presence_label.setText(text)

    # --- messages -------------------------------------------------------------------------

    def _entry(self, message: DirectMessage) -> ChatEntry:
        mine = name_key(message.sender) == name_key(self.me)
        kind = EntryKind.OWN if mine else EntryKind.MESSAGE
        return ChatEntry(kind, message.text, message.sender, local_time(message.ts), message.seq)

    def receive(self, message: DirectMessage) -> None:
        self.messages.append(self._entry(message))
        self._scroll_if_following()

    def load(self) -> None:
        """Ask for the newest page (at first), or the page before the oldest shown."""
        people = self.current.people
        if people is None or self.loading or not self.more:
            return
        self.loading = True
        people.history(
            self.peer, self.messages.first_seq, self._on_page, self._on_failed, self.page_size
        )

    def _on_page(self, page: DirectPage) -> None:
        self.loading = False
        self.more = page.more
        bar = self.messages_view.verticalScrollBar()
        self._height_before = bar.maximum() - bar.value()
        first = self.messages.rowCount() == 0
        self.messages.prepend(self._entry(message) for message in page.messages)
        if first:
            self._scroll_if_following()

    def _on_failed(self, error: ErrorReply) -> None:
        self.loading = False
        self.messages.append(ChatEntry(EntryKind.PROBLEM, texts.request_error(error)))

    @Slot()
    def send(self) -> None:
        text = self.input_edit.text()
        people = self.current.people
        if not text.strip() or people is None:
            return
        self.input_edit.clear()

        def sent(reply: DirectSent) -> None:
            message = DirectMessage(reply.seq, self.me, reply.to, text, reply.ts)
            self.messages.append(self._entry(message))
            self._follow = True
            self._scroll_if_following()
            self.activity.emit()

        def refused(error: ErrorReply) -> None:
            self.messages.append(ChatEntry(EntryKind.PROBLEM, texts.request_error(error)))
            if not self.input_edit.text():
                self.input_edit.setPlainText(text)  # what was refused is not lost

        people.send_direct(self.peer, text, sent, refused)

    @Slot(str)
    def _on_view_actions_quote_requested(self, quote: str) -> None:
        self.input_edit.insertPlainText(quote)
        self.input_edit.setFocus()

    @Slot()
    def _update_controls(self) -> None:
        length = len(self.input_edit.text())
        self.counter_label.setText(counter_text(length, self.input_edit.limit))
        self.send_button.setEnabled(bool(self.input_edit.text().strip()))

    # --- scrolling ------------------------------------------------------------------------

    def _scroll_if_following(self) -> None:
        if self._follow:
            self.messages_view.scrollToBottom()

    @Slot(int)
    def _on_scroll_bar_value_changed(self, value: int) -> None:
        bar = self.messages_view.verticalScrollBar()
        self._follow = value >= bar.maximum() - TOP_SLACK_PX
        if value <= bar.minimum() + TOP_SLACK_PX and bar.maximum() > 0:
            self.load()

    @Slot(int, int)
    def _on_scroll_bar_range_changed(self, _low: int, high: int) -> None:
        bar = self.messages_view.verticalScrollBar()
        if self._height_before:  # a page went in at the top: keep the same messages in view
            bar.setValue(high - self._height_before)
            self._height_before = 0
        elif self._follow:
            bar.setValue(high)
