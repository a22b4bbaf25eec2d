"""The tables of the nodes that share one PostgreSQL database: one migration step, kept here
so that it stays self-contained (SQLite gets the same tables, unused: one schema for both)."""

from __future__ import annotations

from app.server.database import Step

# `lease_until` and `expires_at` are Unix seconds on the nodes' wall clocks (kept in step by
# NTP); `rooms` and `members` are the load a node last reported, for placement.
NODES_STEP: list[Step] = [
    """CREATE TABLE nodes (
        name TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        pid INTEGER NOT NULL,
        machine TEXT NOT NULL,
        lease_until DOUBLE PRECISION NOT NULL,
        rooms INTEGER NOT NULL DEFAULT 0,
        members INTEGER NOT NULL DEFAULT 0){without_rowid}""",
    # The node a room runs on (NULL: a room of a server from before nodes), and its members
    # as that node last reported them, for every other node's lobby.
    "ALTER TABLE rooms ADD COLUMN node TEXT",
    "ALTER TABLE rooms ADD COLUMN members INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX rooms_by_node ON rooms (node)",
    # Tickets a lobby issued for a room on another node, by SHA-256 digest (hex): that node
    # takes one with a single UPDATE … WHERE used = false … RETURNING (shared_tickets.py).
    """CREATE TABLE shared_tickets (
        digest TEXT PRIMARY KEY,
        room_id INTEGER NOT NULL,
        user_key TEXT NOT NULL,
        name TEXT NOT NULL,
        operator INTEGER NOT NULL DEFAULT 0,
        expires_at DOUBLE PRECISION NOT NULL,
        used BOOLEAN NOT NULL DEFAULT false){without_rowid}""",
    # A new room one node's lobby asked another node to open (placement.py): the request,
    # then the room's id or the error code the target answered with.
    """CREATE TABLE placements (
        id {row_id},
        node TEXT NOT NULL,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        password_hash TEXT,
        persistent INTEGER NOT NULL DEFAULT 0,
        room_id INTEGER,
        error TEXT)""",
]
