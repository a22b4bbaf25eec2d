"""The people side of one main-port session, with no widgets: direct messages, blocks and
who is online (presence), as typed requests out and typed events in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from app.shared.protocol import (
    DIRECT_PAGE_DEFAULT,
    OFFLINE,
    Block,
    Blocked,
    Direct,
    DirectHistory,
    DirectMessage,
    DirectPage,
    DirectSent,
    ErrorReply,
    LoggedIn,
    Presence,
    SetPresence,
    Unblock,
    Unblocked,
)

if TYPE_CHECKING:  # session.py makes one of these for each MainSession
    from app.client.session import MainSession

ErrorHandler = Callable[[ErrorReply], None]


class People(QObject):
    """Direct conversations and presence over one `MainSession` (its `people`).

    `online` maps each name the server reported online or away to their `Presence`
    (offline ones are dropped); `unread` is what `logged_in` said waited per conversation.
    Requests take two callbacks, as `MainSession.request` does.

    Signals:
        direct_received(object): a `DirectMessage` someone sent us (live or waiting since
            we were away).
        presence_changed(object): a `Presence`: someone came, changed or went (`offline`).
    """

    direct_received = Signal(object)
    presence_changed = Signal(object)

    def __init__(self, session: MainSession) -> None:
        super().__init__(session)
        self._session = session
        self.online: dict[str, Presence] = {}
        self.unread: dict[str, int] = {}
        session.event_received.connect(self._on_session_event_received)

    def adopt(self, logged_in: LoggedIn) -> None:
        """Take the unread counts of the `logged_in` that began this session."""
        self.unread = logged_in.unread.as_dict() if logged_in.unread is not None else {}

    def send_direct(
        self, to: str, text: str, on_sent: Callable[[DirectSent], None], on_error: ErrorHandler
    ) -> None:
        self._session.request(Direct(to, text), DirectSent, on_sent, on_error)

    def history(
        self,
        peer: str,
        before: int | None,
        on_page: Callable[[DirectPage], None],
        on_error: ErrorHandler,
        limit: int = DIRECT_PAGE_DEFAULT,
    ) -> None:
        """A page of the conversation with `peer` older than seq `before` (None: newest)."""
        self._session.request(DirectHistory(peer, before, limit), DirectPage, on_page, on_error)

    def block(self, name: str, on_done: Callable[[Blocked], None], on_error: ErrorHandler) -> None:
        self._session.request(Block(name), Blocked, on_done, on_error)

    def unblock(
        self, name: str, on_done: Callable[[Unblocked], None], on_error: ErrorHandler
    ) -> None:
        self._session.request(Unblock(name), Unblocked, on_done, on_error)

    def set_presence(
        self,
        state: str,
        status: str | None,
        on_done: Callable[[Presence], None],
        on_error: ErrorHandler,
    ) -> None:
        """`online` or `away`, and the status line (None clears it)."""
        self._session.request(SetPresence(state, status), Presence, on_done, on_error)

    @Slot(object)
    def _on_session_event_received(self, event: object) -> None:
        if isinstance(event, DirectMessage):
            self.direct_received.emit(event)
        elif isinstance(event, Presence) and event.id is None:  # ours come as replies
            if event.state == OFFLINE:
                self.online.pop(event.name, None)
            else:
                self.online[event.name] = event
            self.presence_changed.emit(event)
