"""RoomChat's tables (accounts, rooms, messages) and the statements the server runs on them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from app.server.database import Database
from app.shared.timefmt import utc_now_iso
from app.shared.validation import name_skeleton

MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE rooms (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            owner TEXT NOT NULL,
            port INTEGER NOT NULL,
            capacity INTEGER NOT NULL,
            password_hash TEXT,
            created_at TEXT NOT NULL,
            closed_at TEXT)""",
        "CREATE INDEX rooms_open ON rooms (closed_at)",
        """CREATE TABLE messages (
            room_id INTEGER NOT NULL REFERENCES rooms (id),
            seq INTEGER NOT NULL,
            sender TEXT NOT NULL,
            text TEXT NOT NULL,
            ts TEXT NOT NULL,
            PRIMARY KEY (room_id, seq)) WITHOUT ROWID""",
    ],
    [
        # Facts about this database itself, such as its `instance` id.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    ],
]
INSTANCE_KEY = "instance"


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    password_hash: str


class ChatStore:
    """The server's persistent state, over one `Database`.

    `instance` is a random id made once per database file and kept in it: the same across
    restarts on one file, different for every fresh one.
    """

    def __init__(self, path: str) -> None:
        self.db = Database(path, MIGRATIONS)
        try:
            self.instance = self._instance()
        except BaseException:
            self.db.close()
            raise

    def _instance(self) -> str:
        with self.db.transaction():
            rows = self.db.rows("SELECT value FROM meta WHERE key = :k", k=INSTANCE_KEY)
            if rows:
                return str(rows[0][0])
            instance = secrets.token_urlsafe(16)  # 128 random bits
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (:k, :v)", k=INSTANCE_KEY, v=instance
            ).finish()
        return instance

    def close(self) -> None:
        self.db.close()

    # accounts

    def account(self, key: str) -> Account | None:
        rows = self.db.rows("SELECT name, password_hash FROM users WHERE name_key = :k", k=key)
        return Account(*rows[0]) if rows else None

    def name_taken(self, name: str, key: str) -> bool:
        """True when an account has this name or one that looks like it."""
        if self.db.rows("SELECT 1 FROM users WHERE name_key = :k", k=key):
            return True
        skeleton = name_skeleton(name)
        return any(
            name_skeleton(row[0]) == skeleton for row in self.db.rows("SELECT name FROM users")
        )

    def add_account(self, name: str, key: str, password_hash: str) -> bool:
        """Create an account; False when the name is taken or looks like a taken one."""
        with self.db.transaction():
            if self.name_taken(name, key):
                return False
            self.db.insert(
                "INSERT INTO users (name, name_key, password_hash, created_at) "
                "VALUES (:name, :key, :hash, :at)",
                name=name,
                key=key,
                hash=password_hash,
                at=utc_now_iso(),
            )
        return True

    # rooms

    def open_room(
        self, name: str, owner: str, port: int, capacity: int, password_hash: str | None
    ) -> tuple[int, str]:
        """Record a newly opened room; returns its id and creation time."""
        created_at = utc_now_iso()
        room_id = self.db.insert(
            "INSERT INTO rooms (name, owner, port, capacity, password_hash, created_at) "
            "VALUES (:name, :owner, :port, :capacity, :hash, :at)",
            name=name,
            owner=owner,
            port=port,
            capacity=capacity,
            hash=password_hash,
            at=created_at,
        )
        return room_id, created_at

    def close_room(self, room_id: int) -> None:
        self.db.execute(
            "UPDATE rooms SET closed_at = :at WHERE id = :id AND closed_at IS NULL",
            at=utc_now_iso(),
            id=room_id,
        ).finish()

    def close_stale_rooms(self) -> int:
        """Mark closed every room an earlier run left open; returns how many."""
        query = self.db.execute(
            "UPDATE rooms SET closed_at = :at WHERE closed_at IS NULL", at=utc_now_iso()
        )
        count = query.numRowsAffected()
        query.finish()
        return count

    # messages

    def add_messages(
        self, room_id: int, sender: str, ts: str, items: list[tuple[int, str]]
    ) -> None:
        """Commit `(seq, text)` messages from one sender in one transaction, before anyone
        receives them."""
        with self.db.transaction():
            self.db.insert_rows(
                "INSERT INTO messages (room_id, seq, sender, text, ts) VALUES",
                5,
                [(room_id, seq, sender, text, ts) for seq, text in items],
            )
