"""One room's view: members, messages, an input line; a pane of the main window or a window of
its own; survives a dropped link."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, QPersistentModelIndex, QPoint, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QWidget

from app.client import prefs, texts
from app.client.attachment_delegate import AttachmentDelegate
from app.client.catch_up import REQUEST_ID as CATCH_UP_ID
from app.client.catch_up import CatchUp
from app.client.chat_models import ChatEntry, EntryKind, MembersModel, MessagesModel, local_time
from app.client.countdown import Countdown
from app.client.current_session import CurrentSession
from app.client.history_tools import HistoryTools
from app.client.mentions import mention_spans
from app.client.message_edit import MessageEdit, counter_text
from app.client.message_view import MessageViewActions
from app.client.moderation import RoomModeration
from app.client.moderation_texts import refusal
from app.client.name_colors import NameColors
from app.client.room_activity import RoomActivity
from app.client.room_files import REQUIRED as FILE_WIDGETS
from app.client.room_files import RoomFiles
from app.client.scroll_back import REQUEST_ID as SCROLL_BACK_ID
from app.client.session import RoomConnection
from app.client.tls import TlsPolicy
from app.client.ui import BannerKind, ViewWideDelegate, hide_banner, icon, show_banner
from app.shared.forms import child, load_form
from app.shared.protocol import (
    BY_OPERATOR,
    ChatMessage,
    ClientFailure,
    Entered,
    ErrorCode,
    ErrorReply,
    Joined,
    Left,
    ReadUpTo,
    RoomSummary,
    TypingNotice,
)
from app.shared.screens import fit_to_screen
from app.shared.validation import name_key

REQUIRED = (
    "roomIconLabel",
    "roomLabel",
    "roomInfoLabel",
    "leaveButton",
    "popOutButton",
    "bannerLabel",
    "reconnectButton",
    "messagesView",
    "membersLabel",
    "membersView",
    "inputEdit",
    "counterLabel",
    "sendButton",
    "typingLabel",
    *FILE_WIDGETS,
    "mutedLabel",
    "settingsButton",
)
# Endings after which getting back in makes no sense (or would fail the same way).
NO_RECONNECT = frozenset(
    {
        ErrorCode.SESSION_REPLACED,
        ErrorCode.KICKED,
        ErrorCode.ROOM_CLOSED,
        ClientFailure.UNSUPPORTED_VERSION,
    }
)
FOLLOW_SLACK_PX = 4


class ChatWindow(QObject):
    """Controller of `forms/chat_window.ui` for one room, over one `RoomConnection`.

    It reads the person's name from the client's `CurrentSession` (it does not own it).
    The lobby gets a ticket and calls `enter()`; after a dropped connection the window shows
    why, disables its input and offers to reconnect (the lobby gets a new ticket and calls
    `enter()` again; messages already shown are not repeated, and those sent while it was
    away and older than `entered`'s are paged in with `history` by its `CatchUp`).

    A message refused for now (`rate_limited`, with the server's `retry_after`) goes back
    into the input line; a banner counts down the seconds, and Send (and Return) stay off
    until it reaches 0.

    Files and images (attach, drop, paste, thumbnails, the viewer, Save) are its `files`, a
    `RoomFiles`.

    The form is a page of the main window's stack while `docked`, else a window of its own
    (the main window moves it; Pop out / Put back asks it to with `pop_requested`).

    Signals:
        left(int): the person left (Leave, Ctrl+W or closing the window); the room's id.
        reconnect_requested(int): the person asked to get back into the room; its id.
        show_requested(): the room should be shown while docked (the main window does it).
        pop_requested(): the person asked to pop the room out, or to put it back.
        room_shown(str, bool): the room's name and whether it is locked, as now known.
        message_shown(object): someone else's message arrived (not history); its ChatEntry.
        entered_room(): the room let us in and its `entered` history is shown.
        dropped(str): the connection ended by itself (shown already); its code.
        unreachable(str): the room's port could not be reached (shown already); the code.
    """

    left = Signal(int)
    reconnect_requested = Signal(int)
    show_requested = Signal()
    pop_requested = Signal()
    room_shown = Signal(str, bool)
    message_shown = Signal(object)
    entered_room = Signal()
    dropped = Signal(str)
    unreachable = Signal(str)

    def __init__(
        self, room: RoomSummary, current: CurrentSession, password: str | None = None
    ) -> None:
        super().__init__()
        self.room = room
        self.room_id = room.id
        self.current = current
        self.password = password
        self.connection: RoomConnection | None = None
        self.closed = False
        self.docked = False
        self.form: QWidget = load_form("chat_window", None, REQUIRED, (MessageEdit,))
        self.form.setWindowIcon(icon("roomchat"))
        self.messages = MessagesModel(self)
        self.members = MembersModel(self)
        self.members.me = self.me
        self.colors = NameColors()  # distinct among the members present
        self.messages_view = child(self.form, QListView, "messagesView")
        self.messages_view.setModel(self.messages)
        self.delegate = AttachmentDelegate(self.messages_view, self, self.colors)
        self.messages_view.setItemDelegate(self.delegate)
        self.members_view = child(self.form, QListView, "membersView")
        self.members_view.setModel(self.members)
        self.members_view.setItemDelegate(ViewWideDelegate(self.members_view))
        self.input_edit = child(self.form, MessageEdit, "inputEdit")
        self.counter_label = child(self.form, QLabel, "counterLabel")
        self.pop_out_button = child(self.form, QPushButton, "popOutButton")
        self.view_actions = MessageViewActions(self.messages_view, self.delegate, self)
        self.view_actions.quote_requested.connect(self._on_view_actions_quote_requested)
        self.files = RoomFiles(self)  # attach, drop, paste; thumbnails; Save
        self.send_button = child(self.form, QPushButton, "sendButton")
        self.leave_button = child(self.form, QPushButton, "leaveButton")
        self.reconnect_button = child(self.form, QPushButton, "reconnectButton")
        self.banner_label = child(self.form, QLabel, "bannerLabel")
        self.members_label = child(self.form, QLabel, "membersLabel")
        self.info_label = child(self.form, QLabel, "roomInfoLabel")
        self.send_button.setIcon(icon("send"))
        self.leave_button.setIcon(icon("leave"))
        self._follow = True
        self.unread = 0  # shown in the title of its own window ("(3) Lounge — RoomChat")
        self.highlight_words = prefs.highlight_words()
        self.input_edit.completion_names = self._others
        self.typing_label = child(self.form, QLabel, "typingLabel")
        self.activity = RoomActivity(
            self._send_read, self._send_typing, lambda: self.messages.last_seq, self
        )
        self.in_front = lambda: self.form.isVisible() and self.form.isActiveWindow()
        self.activity.in_front = lambda: self.connected and self._follow and self.in_front()
        self.messages.seen_by = self.activity.seen_by
        self.activity.read_changed.connect(self.messages.seen_changed)
        self.activity.typing_changed.connect(self._on_activity_typing_changed)
        self.input_edit.textChanged.connect(self._on_input_edit_text_changed)
        self._say_ids = itertools.count(1)
        self._unanswered: dict[int, str] = {}  # say ids sent, not yet echoed or refused
        self._entered = False
        self._was_in = False  # entered at least once (then the lobby's count is stale)
        self.countdown = Countdown(self)
        self.catch_up = CatchUp(self._insert_missed, self)
        self.history = HistoryTools(self, self._entry)  # day lines, scroll-back, Ctrl+F
        self._retry_code = ""  # the code the countdown is for
        self.countdown.ticked.connect(self._on_countdown_ticked)
        self.countdown.finished.connect(self._on_countdown_finished)
        scroll_bar = self.messages_view.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._on_scroll_bar_value_changed)
        scroll_bar.rangeChanged.connect(self._on_scroll_bar_range_changed)
        self.input_edit.submitted.connect(self._on_input_edit_return_pressed)
        self.input_edit.refused.connect(self._on_input_edit_refused)
        self.pop_out_button.clicked.connect(self.pop_requested)
        self.pop_shortcut = QShortcut(QKeySequence("Ctrl+Shift+O"), self.form)
        self.pop_shortcut.activated.connect(self.pop_requested)
        self.input_edit.textChanged.connect(self._update_controls)
        self.send_button.clicked.connect(self._on_input_edit_return_pressed)
        self.leave_button.clicked.connect(self.leave)
        self.reconnect_button.clicked.connect(self._on_reconnect_button_clicked)
        self.moderation = RoomModeration(self)
        self.moderation.changed.connect(self._update_controls)
        self.form.installEventFilter(self)
        self._show_room(room)
        hide_banner(self.banner_label)
        self.reconnect_button.hide()
        self._update_controls()

    # --- the connection ------------------------------------------------------------------

    @property
    def me(self) -> str:
        """The person's name: the current session's (a re-login may bring another session)."""
        return self.current.name

    @property
    def connected(self) -> bool:
        """In the room: the connection is open and the room has let us in."""
        return self._entered and self.connection is not None and self.connection.is_open

    def enter(self, host: str, port: int, ticket: str, tls: TlsPolicy | None = None) -> None:
        """Connect to the room's port with a fresh ticket (first entry or a reconnect), with
        TLS when `tls` is given."""
        self._drop_connection()
        self._entered = False
        self.countdown.stop()
        connection = RoomConnection(self)
        self.files.track(connection)
        connection.entered.connect(self._on_connection_entered)
        connection.member_joined.connect(self._on_connection_member_joined)
        connection.member_left.connect(self._on_connection_member_left)
        connection.message_received.connect(self._on_connection_message_received)
        connection.request_failed.connect(self._on_connection_request_failed)
        connection.connection_lost.connect(self._on_connection_connection_lost)
        connection.connect_failed.connect(self._on_connection_connect_failed)
        connection.read_marked.connect(self._on_connection_read_marked)
        connection.typing_received.connect(self._on_connection_typing_received)
        self.connection = connection
        self.moderation.attach(connection)
        self.reconnect_button.hide()
        show_banner(self.banner_label, self.tr("Entering the room…"), BannerKind.INFO)
        connection.enter(host, port, ticket, tls)

    def show_problem(self, text: str, can_retry: bool = True) -> None:
        """Say what went wrong in the window; offer to reconnect when that may help."""
        show_banner(self.banner_label, text, BannerKind.ERROR)
        self.reconnect_button.setVisible(can_retry and not self.connected)
        self.reconnect_button.setEnabled(True)
        self._update_controls()

    def set_docked(self, docked: bool) -> None:
        """The main window moved the form into its stack (True) or out of it."""
        self.docked = docked
        self.pop_shortcut.setEnabled(not docked)  # while docked, the main window's menu has it
        if docked:
            self.pop_out_button.setText(self.tr("&Pop out"))
            self.pop_out_button.setToolTip(
                self.tr("Open this room in a window of its own (Ctrl+Shift+O)")
            )
        else:
            self.pop_out_button.setText(self.tr("&Put back"))
            self.pop_out_button.setToolTip(
                self.tr("Put this room back into the main window (Ctrl+Shift+O)")
            )

    def show(self) -> None:
        """Show the room: its pane of the main window, or its own window."""
        if self.docked:
            self.show_requested.emit()
            return
        fit_to_screen(self.form)
        self.form.show()
        self.form.raise_()
        self.form.activateWindow()
        self.input_edit.setFocus()

    def leave(self) -> None:
        """Leave the room and close the window."""
        if self.closed:
            return
        self.closed = True
        self.countdown.stop()
        self.files.close()
        self.moderation.close()
        self.activity.blockSignals(True)  # its typing timer outlives the form it writes into
        if self.connection is not None:
            self.connection.leave()
        self.form.removeEventFilter(self)
        self.form.close()
        self.form.deleteLater()
        self.left.emit(self.room_id)

    def _drop_connection(self) -> None:
        self.catch_up.stop()
        if self.connection is not None:
            self.connection.abort()
            self.connection.deleteLater()
            self.connection = None

    @Slot(object)
    def _on_connection_entered(self, entered: Entered) -> None:
        self._entered = True
        self._was_in = True
        self.members.me = self.me
        self._show_room(entered.room)
        newer_than = self.messages.last_seq
        fresh = [message for message in entered.history if message.seq > newer_than]
        for message in fresh:
            self._append_message(message)
        if newer_than and fresh and self.connection is not None:  # back after a drop
            self.catch_up.start(self.connection, newer_than, fresh[0].seq)
        self._set_members(list(entered.members))
        self.activity.me = self.me
        self.activity.entered(entered.read)
        hide_banner(self.banner_label)
        self.reconnect_button.hide()
        self._update_controls()
        self.input_edit.setFocus()
        self.entered_room.emit()

    @Slot(object)
    def _on_connection_member_joined(self, joined: Joined) -> None:
        name = joined.name
        mine = name_key(name) == name_key(self.me)
        text = (
            self.tr("You joined the room") if mine else self.tr("{name} joined").format(name=name)
        )
        self.messages.append(ChatEntry(EntryKind.NOTICE, text, when=local_time(joined.ts)))
        self._set_members(list(joined.members))

    @Slot(object)
    def _on_connection_member_left(self, left: Left) -> None:
        by = left.kicked_by
        if by is None:
            text = self.tr("{name} left").format(name=left.name)
        else:
            actor = self.tr("the server's operator") if by == BY_OPERATOR else by
            text = self.tr("{name} was removed by {actor}").format(name=left.name, actor=actor)
        self.messages.append(ChatEntry(EntryKind.NOTICE, text, when=local_time(left.ts)))
        self._set_members(list(left.members))

    @Slot(object)
    def _on_connection_message_received(self, message: ChatMessage) -> None:
        entry = self._append_message(message)
        if entry.kind == EntryKind.MESSAGE:
            self.message_shown.emit(entry)

    @Slot(object)
    def _on_connection_read_marked(self, marker: ReadUpTo) -> None:
        self.activity.marked(marker.name, marker.seq)

    @Slot(object)
    def _on_connection_typing_received(self, notice: TypingNotice) -> None:
        self.activity.someone_typing(notice.name)

    def _send_read(self, seq: int) -> None:
        if self.connection is not None:
            self.connection.mark_read(seq)

    def _send_typing(self) -> None:
        if self.connection is not None:
            self.connection.typing()

    @Slot()
    def _on_input_edit_text_changed(self) -> None:
        if self.connected and self.input_edit.text().strip():
            self.activity.typed()

    @Slot()
    def _on_activity_typing_changed(self) -> None:
        names = self.activity.typing_now()
        if not names:
            text = ""
        elif len(names) == 1:
            text = self.tr("{name} is typing…").format(name=names[0])
        elif len(names) == 2:
            text = self.tr("{first} and {second} are typing…").format(
                first=names[0], second=names[1]
            )
        else:
            text = self.tr("Several people are typing…")
        self.typing_label.setText(text)  # a PlainText label

    @Slot(object)
    def _on_connection_request_failed(self, error: ErrorReply) -> None:
        if error.id in (CATCH_UP_ID, SCROLL_BACK_ID) or RoomFiles.owns(error):
            return  # the catch-up's or scroll-back's (they give up quietly), or a file's
        if self.moderation.owns(error.id):
            return  # moderation's (it says why)
        wait = texts.retry_after(error)
        if wait is not None:  # not an error: a wait, counted down in the banner
            self._retry_code = error.code
            self.countdown.start(wait)
            self._update_controls()
        else:
            text = refusal(error, self.room.name)
            self.messages.append(ChatEntry(EntryKind.PROBLEM, text))
        request_id = error.id
        refused = self._unanswered.pop(request_id, None) if isinstance(request_id, int) else None
        if refused is not None and not self.input_edit.text():
            self.input_edit.setPlainText(refused)  # what was refused is not lost

    @Slot(str)
    def _on_connection_connection_lost(self, code: str) -> None:
        self._entered = False
        self.countdown.stop()
        text = texts.connection_ended(code)
        self.messages.append(ChatEntry(EntryKind.PROBLEM, text))
        for said in self._unanswered.values():  # not resent: shown as perhaps not sent
            unsure = self.tr("Perhaps not sent (the connection ended first): {text}")
            self.messages.append(ChatEntry(EntryKind.PROBLEM, unsure.format(text=said)))
        self._unanswered.clear()
        self._set_members([])
        if code in NO_RECONNECT:
            self.show_problem(text, can_retry=False)
        else:
            self.show_problem(self.tr("{reason} You can reconnect.").format(reason=text))
        self.reconnect_button.setFocus()
        self.dropped.emit(code)

    @Slot(str)
    def _on_connection_connect_failed(self, code: str) -> None:
        connection = self.connection
        address = connection.address if connection is not None else ""
        self.show_problem(texts.cannot_reach(address, code))
        self.unreachable.emit(code)

    @Slot(int)
    def _on_countdown_ticked(self, seconds: int) -> None:
        text = texts.send_again_in(self._retry_code, seconds)
        show_banner(self.banner_label, text, BannerKind.INFO)

    @Slot()
    def _on_countdown_finished(self) -> None:
        hide_banner(self.banner_label)
        self._update_controls()

    @Slot()
    def _on_reconnect_button_clicked(self) -> None:
        self.reconnect_button.setEnabled(False)
        show_banner(self.banner_label, self.tr("Reconnecting…"), BannerKind.INFO)
        self.reconnect_requested.emit(self.room_id)

    # --- what the window shows -----------------------------------------------------------

    def _others(self) -> list[str]:
        """The names Tab completes: everyone present but the person."""
        return [name for name in self.members.names if name_key(name) != name_key(self.me)]

    def set_unread(self, count: int) -> None:
        self.unread = count
        self._update_title()

    def _update_title(self) -> None:
        title = self.tr("{room} — RoomChat").format(room=self.room.name)
        if self.unread:
            title = self.tr("({count}) {title}").format(count=self.unread, title=title)
        self.form.setWindowTitle(title)

    def _append_message(self, message: ChatMessage) -> ChatEntry:
        if name_key(message.sender) == name_key(self.me) and self._unanswered:
            del self._unanswered[next(iter(self._unanswered))]  # answered in order: the oldest
        entry = self._entry(message)
        self.messages.append(entry)
        return entry

    def _insert_missed(self, before_seq: int, missed: list[ChatMessage]) -> None:
        """Messages sent while the person was away, put where they belong; a view scrolled
        back keeps the entry at its top in place (one at the end stays at the end)."""
        view = self.messages_view
        top = QPersistentModelIndex(view.indexAt(QPoint(0, 0)))
        offset = view.visualRect(view.indexAt(QPoint(0, 0))).top()
        self.messages.insert_before_seq(before_seq, [self._entry(m) for m in missed])
        if not self._follow and top.isValid():
            moved = view.visualRect(self.messages.index(top.row(), 0)).top() - offset
            bar = view.verticalScrollBar()
            bar.setValue(bar.value() + moved)

    def _entry(self, message: ChatMessage) -> ChatEntry:
        sender = message.sender
        mine = name_key(sender) == name_key(self.me)
        return ChatEntry(
            EntryKind.OWN if mine else EntryKind.MESSAGE,
            message.text,
            sender,
            local_time(message.ts),
            message.seq,
            () if mine else tuple(mention_spans(message.text, self.me, self.highlight_words)),
            message.attachment,
        )

    def show_room(self, room: RoomSummary) -> None:
        """The room as now known (its settings changed): header, title, the lobby's row."""
        self._show_room(room)

    def _show_room(self, room: RoomSummary) -> None:
        self.room = room
        name = room.name
        self._update_title()
        self.room_shown.emit(name, room.locked)
        child(self.form, QLabel, "roomLabel").setText(name)  # an ElidedLabel: plain text
        locked = room.locked
        child(self.form, QLabel, "roomIconLabel").setPixmap(
            icon("lock" if locked else "room").pixmap(20, 20)
        )
        self._update_info()

    def _set_members(self, names: list[str]) -> None:
        self.colors.update(names)
        self.members.set_members(names)
        self.messages_view.viewport().update()
        self.members_label.setText(self.tr("Members ({count})").format(count=len(names)))
        self._update_info()

    def _update_info(self) -> None:
        capacity = self.room.capacity
        if self.connected or not self._was_in:  # the lobby's count until first entered
            count = self.members.rowCount() if self.connected else self.room.members
            info = self.tr("{count} of {capacity} people").format(count=count, capacity=capacity)
        else:  # out of the room: who is inside now is not known
            info = self.tr("Not connected · room for {capacity} people").format(capacity=capacity)
        if self.room.locked:
            info = self.tr("Private · {info}").format(info=info)
        owner = self.room.owner
        if owner:
            info = self.tr("{info} · opened by {owner}").format(info=info, owner=owner)
        self.info_label.setText(info)

    @Slot()
    def _update_controls(self) -> None:
        connected = self.connected
        silenced = self.moderation.muted.blocked  # muted, read-only or slow mode: it says why
        self.input_edit.setEnabled(connected and not silenced)
        may_send = connected and not self.countdown.active and not silenced
        text = self.input_edit.text()
        self.send_button.setEnabled(may_send and bool(text.strip()))
        counter = counter_text(len(text), self.input_edit.limit)
        self.counter_label.setText(counter)
        self.counter_label.setVisible(bool(counter))

    @Slot(int)
    def _on_input_edit_refused(self, length: int) -> None:
        text = self.tr(
            "Not pasted: that would make the message {length} characters long, and a message"
            " holds at most {limit}."
        ).format(length=f"{length:,}", limit=f"{self.input_edit.limit:,}")
        show_banner(self.banner_label, text, BannerKind.ERROR)

    @Slot(str)
    def _on_view_actions_quote_requested(self, quoted: str) -> None:
        if self.input_edit.isEnabled():
            self.input_edit.insertPlainText(quoted)
            self.input_edit.setFocus()

    @Slot()
    def _on_input_edit_return_pressed(self) -> None:
        text = self.input_edit.text()
        if not text.strip() or self.connection is None or not self.connected:
            return
        if self.countdown.active:  # the server said to wait
            return
        request_id = next(self._say_ids)
        if self.connection.say(text, request_id):
            self._unanswered[request_id] = text
            self.input_edit.clear()
            if self.banner_label.property("kind") == BannerKind.ERROR:  # a refused paste
                hide_banner(self.banner_label)
            self._follow = True

    @Slot(int)
    def _on_scroll_bar_value_changed(self, value: int) -> None:
        self._follow = value >= self.messages_view.verticalScrollBar().maximum() - FOLLOW_SLACK_PX

    @Slot(int, int)
    def _on_scroll_bar_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.messages_view.verticalScrollBar().setValue(maximum)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form and event.type() == QEvent.Type.Close and not self.closed:
            self.leave()
        return False
