"""What calls for the person: unread counts per room, mentions, the "new messages" line, the
taskbar alert and desktop notifications, for the rooms of one main window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from app.client import prefs
from app.client.chat_models import ChatEntry
from app.client.chat_window import ChatWindow


@dataclass
class RoomState:
    """One room's unread messages since the person last had it in front of them."""

    unread: int = 0
    mention: bool = False


class Attention(QObject):
    """Counts, per room, the messages that arrived while its pane (or window) was not the
    active one, and clears them when it is again. `is_active(key)` says which is; `window(key)`
    gives the top-level window a room is in (for the taskbar alert).

    Signals:
        changed(object): a room's count or mention mark changed; its key.
        notify_requested(object, str, str): a desktop notification is due: the room's key,
            a summary and a body (Do not disturb and the room's setting already applied).
    """

    changed = Signal(object)
    notify_requested = Signal(object, str, str)

    def __init__(
        self,
        is_active: Callable[[object], bool],
        window: Callable[[object], QWidget],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.is_active = is_active
        self.window = window
        self.rooms: dict[object, RoomState] = {}
        self.chats: dict[object, ChatWindow] = {}
        self.do_not_disturb = prefs.do_not_disturb()

    def track(self, key: object, chat: ChatWindow) -> None:
        self.rooms[key] = RoomState()
        self.chats[key] = chat
        chat.message_shown.connect(lambda entry: self._on_chat_message_shown(key, entry))

    def forget(self, key: object) -> None:
        self.rooms.pop(key, None)
        self.chats.pop(key, None)
        self.changed.emit(key)

    def state(self, key: object) -> RoomState:
        return self.rooms.get(key, RoomState())

    def total(self) -> int:
        return sum(state.unread for state in self.rooms.values())

    def any_mention(self) -> bool:
        return any(state.mention for state in self.rooms.values())

    def set_do_not_disturb(self, on: bool) -> None:
        self.do_not_disturb = on
        prefs.set_do_not_disturb(on)

    @Slot()
    def refresh(self) -> None:
        """The active pane or window may have changed: what is in front is read."""
        for key, state in self.rooms.items():
            if (state.unread or state.mention) and self.is_active(key):
                state.unread, state.mention = 0, False
                self.chats[key].set_unread(0)
                self.changed.emit(key)

    def _on_chat_message_shown(self, key: object, entry: ChatEntry) -> None:
        state, chat = self.rooms.get(key), self.chats.get(key)
        if state is None or chat is None or self.is_active(key):
            return
        if state.unread == 0:
            chat.messages.move_marker(self.tr("New messages"))
        state.unread += 1
        state.mention = state.mention or entry.mention
        chat.set_unread(state.unread)
        if entry.mention:
            QApplication.alert(self.window(key))
        self.changed.emit(key)
        level = prefs.notify_level(chat.room.name)
        wanted = level == prefs.NotifyLevel.ALL or (
            level == prefs.NotifyLevel.MENTIONS and entry.mention
        )
        if wanted and not self.do_not_disturb:
            summary = self.tr("{sender} in {room}").format(sender=entry.sender, room=chat.room.name)
            self.notify_requested.emit(key, summary, self.body(entry))

    def body(self, entry: ChatEntry) -> str:
        """A notification's body: the text, or for a file sent alone its name."""
        if not entry.text.strip() and entry.attachment is not None:
            return self.tr("sent a file: {name}").format(name=entry.attachment.name)
        return entry.text
