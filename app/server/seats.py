"""A room's seats, sans I/O: members plus a bounded reservation of live tickets; no Qt."""

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
    operator: bool = False  # a server-wide operator, as the lobby knew at the ticket


@dataclass(frozen=True, slots=True)
class _Ticket:
    holder: Holder
    expires_at: float  # on the seat book's clock


class Seats:
    """One room's seat accounting: a seat is held by a member or by a reserved ticket.

    Tickets are single-use, one per user (a second `reserve` replaces the first) and expire
    `ttl` seconds after they were issued. Only `reserved` live tickets hold a seat, so
    people holding tickets they never use can keep at most that many seats from others:
    the reservation is the oldest live tickets by issue time, as many as `reserved` and as
    the free seats allow (`min(reserved, capacity - members)`). Members plus reserved
    tickets never exceed `capacity`: a reserved ticket always gets its seat, so two people
    can never both get the last seat. A later ticket enters while a seat is held by nobody,
    else it is refused `room_full`. A ticket never drops out of the reservation while it
    lives: whoever enters either used a reserved ticket (every later ticket moves up a
    place as the bound shrinks by one) or took a seat no ticket held. Nothing here
    schedules anything: the owner calls `expire()` at `next_expiry()`.
    """

    def __init__(
        self,
        capacity: int,
        ttl: float,
        clock: Clock = time.monotonic,
        make_ticket: Callable[[], str] = new_ticket,
        *,
        reserved: int,
    ) -> None:
        self.capacity = capacity
        self._ttl = ttl
        self._reserved = reserved
        self._clock = clock
        self._make_ticket = make_ticket
        self._tickets: dict[bytes, _Ticket] = {}
        self._members: set[str] = set()
        # On a node: takes a ticket another node's lobby issued (shared_tickets.py). Asked
        # only for a ticket not issued here, so the single-process path never calls it.
        self.remote: Callable[[str], Holder | None] | None = None

    @property
    def seats_taken(self) -> int:
        """Members plus tickets not yet dropped (call `expire()` first for an exact count)."""
        return len(self._members) + len(self._tickets)

    @property
    def seats_held(self) -> int:
        """Members plus the tickets within the reservation: what `room_full` counts."""
        return len(self._members) + min(len(self._tickets), self._reserved)

    @property
    def tickets(self) -> int:
        return len(self._tickets)

    @property
    def members(self) -> int:
        return len(self._members)

    def reserve(
        self, user_key: str, name: str, request_id: RequestId = None, operator: bool = False
    ) -> str:
        """A ticket holding a seat for `user_key`, replacing any unused one they had here.

        Raises ProtocolError `already_in_room` for a member and `room_full` when every seat
        is held by a member or by the reservation (the user's earlier ticket, if any, is
        then kept).
        """
        if user_key in self._members:
            raise ProtocolError(
                ErrorCode.ALREADY_IN_ROOM, "you are in this room already", request_id
            )
        self.expire()
        own = [d for d, t in self._tickets.items() if t.holder.user_key == user_key]
        others = len(self._tickets) - len(own)
        if len(self._members) + min(others, self._reserved) >= self.capacity:
            raise ProtocolError(ErrorCode.ROOM_FULL, "the room is full", request_id)
        for digest in own:
            del self._tickets[digest]
        ticket = self._make_ticket()
        holder = Holder(user_key, name, operator)
        self._tickets[ticket_digest(ticket)] = _Ticket(holder, self._clock() + self._ttl)
        return ticket

    def take(self, ticket: str, request_id: RequestId = None) -> Holder | None:
        """Use a ticket up, its seat passing to a member: its holder, or None (unknown,
        used or expired). Raises ProtocolError `room_full` for a ticket beyond the
        reservation when no seat is free of members and reserved tickets (the ticket is
        used up all the same)."""
        digest = ticket_digest(ticket)
        found = self._tickets.get(digest)
        if found is None and self.remote is not None:
            return self._take_remote(ticket, request_id)
        self.expire()  # exact counts: an expired ticket holds nothing
        if found is None or digest not in self._tickets:
            return None
        has_seat = self._has_seat(digest, found.holder)
        del self._tickets[digest]
        if not has_seat:
            raise ProtocolError(
                ErrorCode.ROOM_FULL, "the room is full: every seat is taken or held", request_id
            )
        self._members.add(found.holder.user_key)
        return found.holder

    def _take_remote(self, ticket: str, request_id: RequestId) -> Holder | None:
        """Another node's ticket: used up (by `remote`) whatever follows; it enters only
        into a seat no member and no reserved ticket of this room's holds."""
        holder = self.remote(ticket) if self.remote is not None else None
        if holder is None:
            return None
        self.expire()
        if holder.user_key not in self._members and self.seats_held >= self.capacity:
            raise ProtocolError(
                ErrorCode.ROOM_FULL, "the room is full: every seat is taken or held", request_id
            )
        self._members.add(holder.user_key)
        return holder

    def _has_seat(self, digest: bytes, holder: Holder) -> bool:
        if holder.user_key in self._members:  # entering again from elsewhere: same seat
            return True
        members = len(self._members)
        within = min(self._reserved, self.capacity - members)
        for index, issued in enumerate(self._tickets):  # in issue order: oldest first
            if index >= within:
                break
            if issued == digest:
                return True  # within the reservation: its seat is kept for it
        return members + min(len(self._tickets), self._reserved) < self.capacity

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
