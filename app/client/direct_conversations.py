"""The person's direct conversations over the current session: a pane per peer, unread
counts (from `logged_in` and live messages) and where each message goes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from app.client.current_session import CurrentSession
from app.client.direct_pane import DirectKey, DirectPane
from app.client.people import People
from app.client.people_panel import PeoplePanel
from app.client.session import MainSession
from app.shared.protocol import DirectMessage, Presence
from app.shared.validation import name_key


class DirectConversations(QObject):
    """Owns the `DirectPane`s of the current session, keyed by `DirectKey`.

    A conversation appears (`added`) when the person starts one from the People panel, or
    when `logged_in` says messages waited, or when a message arrives; its pane is made
    (`pane_made`, asking for its history) only when it is first shown. Its unread count
    grows with each message from the peer while its pane is not `shown`, and is reset by
    `mark_read`. The messages that waited are sent by the server right after the login and
    are already in the login's counts, so that many of the first ones are not counted again.

    Signals:
        added(object, str): a conversation now exists: its key and the peer's name.
        pane_made(object): the `DirectPane` of a conversation was made.
        unread_changed(object, int): the unread count of the conversation with this key.
        cleared(): the session changed; every conversation is gone.
    """

    added = Signal(object, str)
    pane_made = Signal(object)
    unread_changed = Signal(object, int)
    cleared = Signal()

    def __init__(self, current: CurrentSession, panel: PeoplePanel, parent: QObject) -> None:
        super().__init__(parent)
        self.current = current
        self.panel = panel
        self.peers: dict[DirectKey, str] = {}  # every conversation, pane or not
        self.panes: dict[DirectKey, DirectPane] = {}
        self.unread: dict[DirectKey, int] = {}
        self.shown: DirectKey | None = None
        self._waiting: dict[DirectKey, int] = {}  # counted at login, not yet arrived
        self._people: People | None = None
        panel.blocks_changed.connect(self._on_panel_blocks_changed)
        current.changed.connect(self._on_current_changed)

    def pane(self, key: object) -> DirectPane | None:
        """The pane of a known conversation (made now if it has none yet), else None."""
        if not isinstance(key, DirectKey) or key not in self.peers:
            return None
        return self.open(self.peers[key])

    def add(self, peer: str) -> DirectKey:
        """The conversation with `peer` is listed (added if new); no pane is made."""
        key = DirectKey(name_key(peer))
        if key not in self.peers:
            self.peers[key] = peer
            self.unread.setdefault(key, 0)
            self.added.emit(key, peer)
        return key

    def open(self, peer: str) -> DirectPane:
        """The pane of the conversation with `peer`, made (and its history asked) if new."""
        key = self.add(peer)
        pane = self.panes.get(key)
        if pane is not None:
            return pane
        pane = DirectPane(self.peers[key], self.current)
        pane.block_requested.connect(self.panel.set_blocked)
        pane.set_blocked(self.panel.is_blocked(peer))
        people = self.current.people
        pane.show_presence(people.online.get(peer) if people is not None else None)
        self.panes[key] = pane
        self.pane_made.emit(pane)
        pane.load()
        return pane

    def mark_read(self, key: object) -> None:
        if isinstance(key, DirectKey) and self.unread.get(key):
            self.unread[key] = 0
            self.unread_changed.emit(key, 0)

    def show(self, key: object) -> None:
        """The main window shows this entry now (a conversation or not)."""
        self.shown = key if isinstance(key, DirectKey) else None
        self.mark_read(key)

    def _count(self, key: DirectKey, count: int) -> None:
        self.unread[key] = count
        self.unread_changed.emit(key, count)

    # --- following the session ------------------------------------------------------------

    @Slot(object)
    def _on_current_changed(self, session: MainSession | None) -> None:
        if self._people is not None:
            self._people.direct_received.disconnect(self._on_people_direct_received)
            self._people.presence_changed.disconnect(self._on_people_presence_changed)
        for pane in self.panes.values():
            pane.form.deleteLater()
            pane.deleteLater()
        self.panes.clear()
        self.peers.clear()
        self.unread.clear()
        self._waiting.clear()
        self.shown = None
        self.cleared.emit()
        self._people = session.people if session is not None else None
        if self._people is None:
            return
        self._people.direct_received.connect(self._on_people_direct_received)
        self._people.presence_changed.connect(self._on_people_presence_changed)
        for peer, count in self._people.unread.items():
            key = self.add(peer)
            self._waiting[key] = count
            self._count(key, count)

    @Slot(object)
    def _on_people_direct_received(self, message: DirectMessage) -> None:
        mine = name_key(message.sender) == name_key(self.current.name)
        peer = message.to if mine else message.sender
        key = self.add(peer)
        pane = self.panes.get(key)
        if pane is not None:  # else its history will hold the message when it is made
            pane.receive(message)
        if mine:
            return
        if self._waiting.get(key):
            self._waiting[key] -= 1  # one of those the login counted
        elif key != self.shown:
            self._count(key, self.unread.get(key, 0) + 1)

    @Slot(object)
    def _on_people_presence_changed(self, presence: Presence) -> None:
        pane = self.panes.get(DirectKey(name_key(presence.name)))
        if pane is not None:
            people = self.current.people
            pane.show_presence(people.online.get(presence.name) if people is not None else None)

    @Slot()
    def _on_panel_blocks_changed(self) -> None:
        for pane in self.panes.values():
            pane.set_blocked(self.panel.is_blocked(pane.peer))
