"""Tickets that cross nodes: issued by one node's lobby for a room on another, kept in the
database and taken by the room's node with one atomic UPDATE, so that a ticket is used once
whichever node it is shown to. The single-process path keeps its tickets in memory (seats.py).
"""

from __future__ import annotations

import time

from app.server.database import Database
from app.server.seats import Holder, new_ticket, ticket_digest
from app.shared.limits import Clock


class SharedTickets:
    """The `shared_tickets` table; times are Unix seconds on `wall_clock`, since every node
    reads them."""

    def __init__(self, db: Database, ttl: float, wall_clock: Clock = time.time) -> None:
        self._db = db
        self._ttl = ttl
        self._wall_clock = wall_clock

    def issue(self, room_id: int, user_key: str, name: str, operator: bool) -> str:
        """A new ticket for the room, replacing the user's unused one there."""
        ticket = new_ticket()
        with self._db.transaction():
            self._db.execute(
                "DELETE FROM shared_tickets WHERE room_id = :r AND user_key = :u AND used = false",
                r=room_id,
                u=user_key,
            ).finish()
            self._db.execute(
                "INSERT INTO shared_tickets (digest, room_id, user_key, name, operator, "
                "expires_at) VALUES (:d, :r, :u, :n, :o, :e)",
                d=ticket_digest(ticket).hex(),
                r=room_id,
                u=user_key,
                n=name,
                o=int(operator),
                e=self._wall_clock() + self._ttl,
            ).finish()
        return ticket

    def take(self, room_id: int, ticket: str) -> Holder | None:
        """Use the ticket up: its holder, or None (unknown, used, expired or another room's).
        One statement: of two nodes shown the same ticket, one gets its row back."""
        rows = self._db.rows(
            "UPDATE shared_tickets SET used = true WHERE digest = :d AND room_id = :r "
            "AND used = false AND expires_at > :now RETURNING user_key, name, operator",
            d=ticket_digest(ticket).hex(),
            r=room_id,
            now=self._wall_clock(),
        )
        if not rows:
            return None
        user_key, name, operator = rows[0]
        return Holder(str(user_key), str(name), bool(operator))

    def revoke(self, user_key: str) -> None:
        """The user logged out: their unused tickets hold nothing any more."""
        self._db.execute(
            "DELETE FROM shared_tickets WHERE user_key = :u AND used = false", u=user_key
        ).finish()

    def prune(self) -> None:
        """Forget used and expired tickets."""
        self._db.execute(
            "DELETE FROM shared_tickets WHERE used OR expires_at <= :now", now=self._wall_clock()
        ).finish()
