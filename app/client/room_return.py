"""Getting back into a room by itself when its connection drops while the lobby stays up (the
room's node died and another node reopens it): ask the lobby again, with a bounded back-off."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.client.reconnect import Backoff
from app.client.ui import BannerKind, show_banner
from app.shared.protocol import ClientFailure, ErrorCode, ErrorReply

if TYPE_CHECKING:
    from app.client.chat_window import ChatWindow

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 8.0
MAX_TRIES = 12  # about a minute and a half in all: then the Reconnect button is the person's
TICK_MS = 1_000
# Endings of a room's connection after which it may be back soon, elsewhere perhaps.
RETURN_CODES = frozenset({ClientFailure.CONNECTION_LOST, ErrorCode.SERVER_SHUTDOWN})
# A ticket that led to a port nobody listens on any more: the lobby did not know yet.
UNREACHABLE_CODES = frozenset(
    {
        ClientFailure.CONNECTION_REFUSED,
        ClientFailure.TIMED_OUT,
        ClientFailure.NETWORK_ERROR,
        ClientFailure.HOST_NOT_FOUND,
    }
)
# Refusals of `join_room` worth asking again (besides a persistent room not listed yet).
AGAIN_CODES = frozenset({ErrorCode.SERVER_BUSY})


class RoomReturn(QObject):
    """Watches one chat window: when its connection ends by itself (`connection_lost`,
    `server_shutdown`) while the lobby's session is up, it asks the lobby again for the room
    after 1 s, then about twice as late up to 8 s, at most `MAX_TRIES` times; the window's
    banner says "Reconnecting in N s…". A persistent room the lobby does not list for a
    while (its node died, another is opening it) is asked for again; a ticket to a port
    nobody answers on any more too. Entering the room ends it; so do a refusal that will
    not change and a lobby that is gone (the client's `Reconnector` takes over then, and
    enters every room again once signed in, through `again()`).

    `ask()` asks the lobby for the room; it returns False when there is no lobby to ask.

    Signals:
        gave_up(): no more tries; the window offers Reconnect.
    """

    gave_up = Signal()

    def __init__(
        self,
        chat: ChatWindow,
        ask: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__(chat)
        self.chat = chat
        self.ask = ask
        self.clock = clock
        self.backoff = Backoff(rand, FIRST_DELAY_S, MAX_DELAY_S)
        self.active = False
        self.deadline: float | None = None
        self.delays: list[float] = []  # every delay chosen, for the curious (and tests)
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        chat.dropped.connect(self._on_chat_dropped)
        chat.unreachable.connect(self._on_chat_unreachable)
        chat.entered_room.connect(self.stop)
        chat.left.connect(self.stop)
        chat.reconnect_requested.connect(self._on_chat_reconnect_requested)

    def stop(self) -> None:
        """No more tries (in the room again, out of it, or nothing more to try)."""
        self.active = False
        self.deadline = None
        self.timer.stop()
        self.backoff.reset()

    def again(self) -> None:
        """Signed in again after the lobby was lost too: ask for the room now, and again
        with the back-off while it is on its way (its node died with the lobby's, and
        another reopens it once that node's lease has run out)."""
        self.stop()
        self.active = True
        self.deadline = self.clock()
        self._on_timer_timeout()

    def refused(self, error: ErrorReply) -> bool:
        """The lobby refused to let us in again: True if another try is on its way (the
        window need not say more)."""
        if not self.active:
            return False
        code = error.code
        # A persistent room is listed again once a live node has taken it over.
        if code in AGAIN_CODES or (code == ErrorCode.NO_SUCH_ROOM and self.chat.room.persistent):
            self._schedule()
            return self.active
        self.stop()
        return False

    @Slot(str)
    def _on_chat_dropped(self, code: str) -> None:
        if code in RETURN_CODES and not self.chat.closed:
            self.stop()
            self.active = True
            self._schedule()
        else:
            self.stop()

    @Slot(str)
    def _on_chat_unreachable(self, code: str) -> None:
        if self.active and code in UNREACHABLE_CODES:
            self._schedule()
        else:
            self.stop()

    @Slot(int)
    def _on_chat_reconnect_requested(self, _room_id: int) -> None:
        self.deadline = None  # asked already (the person clicked, or this did): wait for it
        self.timer.stop()

    def _schedule(self) -> None:
        if self.backoff.attempts >= MAX_TRIES:
            self.stop()
            self.chat.show_problem(
                self.tr("RoomChat could not get back into the room. You can reconnect.")
            )
            self.gave_up.emit()
            return
        delay = self.backoff.next_delay()
        self.delays.append(delay)
        self.deadline = self.clock() + delay
        self.timer.start()
        self._on_timer_timeout()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self.deadline is None:
            return
        left = self.deadline - self.clock()
        if left > 0:
            seconds = max(1, math.ceil(left - 1e-9))
            text = self.tr("Connection lost. Reconnecting in {seconds} s…")
            show_banner(self.chat.banner_label, text.format(seconds=seconds), BannerKind.INFO)
            return
        self.timer.stop()
        self.deadline = None
        show_banner(self.chat.banner_label, self.tr("Reconnecting…"), BannerKind.INFO)
        if not self.ask():  # the lobby is gone too: signing in again enters the room
            self.stop()
            self.chat.show_problem(
                self.tr("The connection to the server was lost. You can reconnect.")
            )
