"""A room's seats, sans I/O: members plus live tickets, on an injected clock; no Qt."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.shared.limits import Clock
from app.shared.protocol import ErrorCode, ProtocolError, RequestId


def ticket_digest(ticket: str) -> bytes:
    """Tickets are kept and looked up by SHA-256 digest: the dictionary compares digests,
    so how long a lookup takes says nothing about any ticket (a constant-time check)."""
    return hashlib.sha256(ticket.encode("utf-8", "replace")).digest()


def new_ticket() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


@dataclass(frozen=True, slots=True)
class Holder:
    """Whom a ticket was issued to."""

    user_key: str
    name: str


@dataclass(frozen=True, slots=True)
class _Ticket:
    holder: Holder
    expires_at: float  # on the seat book's clock


class Seats:
    """One room's seat accounting: a seat is held by a member or by a live ticket.

    Tickets are single-use, one per user (a second `reserve` replaces the first) and expire
    `ttl` seconds after they were issued. Members plus live tickets never exceed
    `capacity`, so two people can never both get the last seat. Nothing here schedules
    anything: the owner calls `expire()` at `next_expiry()`.
    """

    def __init__(
        self,
        capacity: int,
        ttl: float,
        clock: Clock = time.monotonic,
        make_ticket: Callable[[], str] = new_ticket,
    ) -> None:
        self.capacity = capacity
        self._ttl = ttl
        self._clock = clock
        self._make_ticket = make_ticket
        self._tickets: dict[bytes, _Ticket] = {}
        self._members: set[str] = set()

    @property
    def seats_taken(self) -> int:
        """Members plus tickets not yet dropped (call `expire()` first for an exact count)."""
        return len(self._members) + len(self._tickets)

    @property
    def tickets(self) -> int:
        return len(self._tickets)

    @property
    def members(self) -> int:
        return len(self._members)

    def reserve(self, user_key: str, name: str, request_id: RequestId = None) -> str:
        """A ticket holding a seat for `user_key`, replacing any unused one they had here.

        Raises ProtocolError `already_in_room` for a member and `room_full` when every seat
        is taken (the user's earlier ticket, if any, is then kept).
        """
        if user_key in self._members:
            raise ProtocolError(
                ErrorCode.ALREADY_IN_ROOM, "you are in this room already", request_id
            )
        self.expire()
        own = [d for d, t in self._tickets.items() if t.holder.user_key == user_key]
        if self.seats_taken - len(own) >= self.capacity:
            raise ProtocolError(ErrorCode.ROOM_FULL, "the room is full", request_id)
        for digest in own:
            del self._tickets[digest]
        ticket = self._make_ticket()
        holder = Holder(user_key, name)
        self._tickets[ticket_digest(ticket)] = _Ticket(holder, self._clock() + self._ttl)
        return ticket

    def take(self, ticket: str) -> Holder | None:
        """Use a ticket up, its seat passing to a member: its holder, or None (unknown,
        used or expired)."""
        found = self._tickets.pop(ticket_digest(ticket), None)
        if found is None or self._clock() >= found.expires_at:
            return None
        self._members.add(found.holder.user_key)
        return found.holder

    def revoke(self, user_key: str) -> None:
        """Drop the user's unused ticket, if any."""
        for digest in [d for d, t in self._tickets.items() if t.holder.user_key == user_key]:
            del self._tickets[digest]

    def ticket_expiry(self, user_key: str) -> float | None:
        """When the user's unused ticket here expires (on the clock), or None without one."""
        for found in self._tickets.values():
            if found.holder.user_key == user_key:
                return found.expires_at
        return None

    def remove(self, user_key: str) -> None:
        """A member left: their seat is free."""
        self._members.discard(user_key)

    def expire(self) -> bool:
        """Drop every expired ticket; True if there was any."""
        now = self._clock()
        gone = [d for d, t in self._tickets.items() if now >= t.expires_at]
        for digest in gone:
            del self._tickets[digest]
        return bool(gone)

    def next_expiry(self) -> float | None:
        """When the soonest live ticket expires (on the clock), or None without tickets."""
        return min((t.expires_at for t in self._tickets.values()), default=None)

    def clear(self) -> None:
        self._tickets.clear()
        self._members.clear()
