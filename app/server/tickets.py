"""Room tickets: single-use, per user, expiring, each holding a seat until used or expired."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot


def ticket_digest(ticket: str) -> bytes:
    """Tickets are kept and looked up by SHA-256 digest: the dictionary compares digests,
    so how long a lookup takes says nothing about any ticket (a constant-time check)."""
    return hashlib.sha256(ticket.encode("utf-8", "replace")).digest()


@dataclass(slots=True)
class Ticket:
    user_key: str
    name: str
    expires_at: float  # time.monotonic()


class TicketBook(QObject):
    """The live tickets of one room; `len()` is the number of seats they hold.

    Signals:
        expired(): one or more tickets ran out (their seats are free again).
    """

    expired = Signal()

    def __init__(self, ttl: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ttl = ttl
        self._tickets: dict[bytes, Ticket] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def __len__(self) -> int:
        return len(self._tickets)

    def issue(self, user_key: str, name: str) -> str:
        """A new ticket for `user_key`, replacing any unused one the user had here."""
        self.revoke(user_key)
        ticket = secrets.token_urlsafe(24)  # 192 bits
        self._tickets[ticket_digest(ticket)] = Ticket(user_key, name, time.monotonic() + self._ttl)
        self._schedule()
        return ticket

    def revoke(self, user_key: str) -> None:
        for digest in [d for d, t in self._tickets.items() if t.user_key == user_key]:
            del self._tickets[digest]
        self._schedule()

    def take(self, ticket: str) -> Ticket | None:
        """Use a ticket up: the live ticket it names, or None (unknown, used or expired)."""
        found = self._tickets.pop(ticket_digest(ticket), None)
        self._schedule()
        if found is None or found.expires_at < time.monotonic():
            return None
        return found

    def clear(self) -> None:
        self._tickets.clear()
        self._timer.stop()

    def _schedule(self) -> None:
        if not self._tickets:
            self._timer.stop()
            return
        soonest = min(t.expires_at for t in self._tickets.values())
        self._timer.start(max(0, int((soonest - time.monotonic()) * 1000) + 1))

    @Slot()
    def _on_timer_timeout(self) -> None:
        now = time.monotonic()
        for digest in [d for d, t in self._tickets.items() if t.expires_at <= now]:
            del self._tickets[digest]
        self._schedule()
        self.expired.emit()
