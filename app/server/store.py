"""RoomChat's tables (accounts, rooms, messages) and the statements the server runs on them."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.server.attachment_store import ATTACHMENT_TABLES
from app.server.database import Database, DatabaseError, Step
from app.server.engines import PostgresEngine
from app.server.node_schema import NODES_STEP
from app.server.search_index import Fresh
from app.server.search_sql import (
    Position,
    create_search_index,
    defer_search_index,
    drop_taken_notes,
    find,
    note_unindexed,
    number_notes_without_autoincrement,
    separate_search_index,
)
from app.shared.timefmt import utc_now_iso
from app.shared.validation import name_skeleton

# The texts of a batch as one JSON array for json_each: UTF-8 as it is, no escaping to redo.
_TEXTS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
JSON_BATCH = 3  # messages from which a batch goes in through json_each


def _fill_skeletons(db: Database) -> None:
    """Give every account made before the skeleton column its TR39 skeleton."""
    for user_id, name in db.rows("SELECT id, name FROM users"):
        db.execute(
            "UPDATE users SET skeleton = :s WHERE id = :id", s=name_skeleton(name), id=user_id
        ).finish()


# Written for both engines; `{row_id}` and `{without_rowid}` are each engine's words for an
# integer key made by the database and a table clustered on its primary key (Engine.ddl).
MIGRATIONS: list[list[Step]] = [
    [
        """CREATE TABLE users (
            id {row_id},
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE rooms (
            id {row_id},
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
            PRIMARY KEY (room_id, seq)){without_rowid}""",
    ],
    [
        # Facts about this database itself, such as its `instance` id.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL){without_rowid}",
    ],
    [
        # Server-wide operators; the look-alike check finds a skeleton by index, not a scan.
        "ALTER TABLE users ADD COLUMN operator INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE users ADD COLUMN skeleton TEXT",
        _fill_skeletons,
        "CREATE INDEX users_skeleton ON users (skeleton)",
    ],
    [
        # A persistent room stays open (closed_at NULL) across restarts until it is deleted.
        "ALTER TABLE rooms ADD COLUMN persistent INTEGER NOT NULL DEFAULT 0",
    ],
    [
        # Direct messages, one global seq; `pair` is both name keys sorted, joined by a space.
        # `delivered` 0: the recipient has not been online since (it counts as unread);
        # `hidden` 1: the recipient had blocked the sender, so only the sender sees it.
        """CREATE TABLE direct_messages (
            seq {row_id},
            pair TEXT NOT NULL,
            sender_key TEXT NOT NULL,
            recipient_key TEXT NOT NULL,
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL,
            text TEXT NOT NULL,
            ts TEXT NOT NULL,
            delivered INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX direct_by_pair ON direct_messages (pair, seq)",
        "CREATE INDEX direct_undelivered ON direct_messages (recipient_key, delivered)",
        """CREATE TABLE blocks (
            blocker_key TEXT NOT NULL,
            blocked_key TEXT NOT NULL,
            PRIMARY KEY (blocker_key, blocked_key)){without_rowid}""",
        # Resume tokens: `selector` finds the row (random, not secret on its own); the
        # token's secret half is kept only as an Argon2id hash. `expires_at`: Unix seconds.
        """CREATE TABLE resume_tokens (
            selector TEXT PRIMARY KEY,
            user_key TEXT NOT NULL,
            verifier_hash TEXT NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL){without_rowid}""",
        "CREATE INDEX resume_by_user ON resume_tokens (user_key)",
    ],
    [
        # Moderation (app.server.moderation_store): a room's moderators, its bans (`until`
        # in Unix seconds, NULL for good) and the audit log of every act (never a text).
        """CREATE TABLE room_roles (
            room_id INTEGER NOT NULL,
            user_key TEXT NOT NULL,
            role TEXT NOT NULL,
            PRIMARY KEY (room_id, user_key)){without_rowid}""",
        """CREATE TABLE room_bans (
            room_id INTEGER NOT NULL,
            user_key TEXT NOT NULL,
            name TEXT NOT NULL,
            until DOUBLE PRECISION,
            by_name TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY (room_id, user_key)){without_rowid}""",
        """CREATE TABLE audit_log (
            id {row_id},
            room_id INTEGER NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT,
            minutes INTEGER,
            reason TEXT,
            seq INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX audit_by_room ON audit_log (room_id, id)",
        # Reported messages, open until an operator dismisses or acts on them.
        """CREATE TABLE reports (
            id {row_id},
            room_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            author TEXT NOT NULL,
            reporter TEXT NOT NULL,
            reason TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            open INTEGER NOT NULL DEFAULT 1)""",
    ],
    [
        # Who has entered which persistent room: whom search lets read its messages.
        """CREATE TABLE room_entries (
            room_id INTEGER NOT NULL,
            user_key TEXT NOT NULL,
            PRIMARY KEY (user_key, room_id)){without_rowid}""",
        create_search_index,  # per engine: see search_sql.py
    ],
    [
        # Each person's last read seq in a persistent room (see read_marker_store.py).
        """CREATE TABLE read_markers (
            room_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (room_id, name)){without_rowid}""",
    ],
    # The file each room message carries, if any (see attachment_store.py).
    list(ATTACHMENT_TABLES),
    [
        # Mutes and a room's modes, so that a persistent room reopens as it was left.
        """CREATE TABLE room_mutes (
            room_id INTEGER NOT NULL,
            user_key TEXT NOT NULL,
            until DOUBLE PRECISION,
            PRIMARY KEY (room_id, user_key)){without_rowid}""",
        """CREATE TABLE room_modes (
            room_id INTEGER NOT NULL PRIMARY KEY,
            slow_mode_seconds INTEGER NOT NULL,
            read_only INTEGER NOT NULL,
            locked_doors INTEGER NOT NULL)""",
    ],
    NODES_STEP,  # the nodes sharing a PostgreSQL database (node_schema.py)
    # The search index written in bulk, not a row at a time (see search_sql.py).
    [defer_search_index],
    # ... and in a file of its own, by the search worker's thread (search_index.py).
    [separate_search_index],
    # ... whose notes' ids rise without AUTOINCREMENT's write a commit (search_sql.py).
    [number_notes_without_autoincrement],
]
INSTANCE_KEY = "instance"


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    password_hash: str
    operator: bool = False


@dataclass(frozen=True, slots=True)
class StoredRoom:
    """A persistent room as the database keeps it, to be opened again at start-up."""

    id: int
    name: str
    owner: str
    port: int
    capacity: int
    password_hash: str | None
    created_at: str


def messages_before(
    db: Database, room_id: int, before: int | None, limit: int
) -> list[tuple[int, str, str, str]]:
    """Up to `limit` of the room's messages older than seq `before` (None: the newest)
    as `(seq, sender, text, ts)`, newest first; by the (room_id, seq) key, no OFFSET.
    A function of `db`, so that the history reader's own connection can run it too."""
    if before is None:
        rows = db.rows(
            "SELECT seq, sender, text, ts FROM messages WHERE room_id = :id "
            "ORDER BY seq DESC LIMIT :limit",
            id=room_id,
            limit=limit,
        )
    else:
        rows = db.rows(
            "SELECT seq, sender, text, ts FROM messages WHERE room_id = :id "
            "AND seq < :before ORDER BY seq DESC LIMIT :limit",
            id=room_id,
            before=before,
            limit=limit,
        )
    return [(int(seq), str(sender), str(text), str(ts)) for seq, sender, text, ts in rows]


class ChatStore:
    """The server's persistent state, over one `Database` (`db` is a `--db` value).

    `instance` is a random id made once per database and kept in it: the same across
    restarts on one database, different for every fresh one. `exclusive` (the server's
    store) holds the one-server lock until `close()`.
    """

    def __init__(self, db: str, exclusive: bool = False) -> None:
        self.db = Database(db, MIGRATIONS, exclusive)
        self.unindexed = 0  # messages stored since the search worker last looked
        # Set by the search worker that takes them (SQLite): what was stored, for the index.
        self.hands_over = False
        self._fresh: Fresh = {}
        # Rooms whose numbering (re)starts after a seq, noted with their next commit.
        self._starts: dict[int, int] = {}
        self._noted_starts: list[tuple[int, int, int]] = []  # (room, note id, after)
        self._taken = (0, 0)  # the notes the search index has taken, not yet deleted
        self._dropped = (0, 0)
        try:
            self.instance = self._instance()
        except BaseException:
            self.db.close()
            raise

    def _instance(self) -> str:
        with self.db.transaction():
            # An empty note for the index at each start: a backup made before it, restored,
            # has issued fewer notes than the index has taken (search_index.py).
            note_unindexed(self.db, [(0, 1, 0)])
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

    def numbering_from(self, room_id: int, after: int) -> None:
        """Room `room_id` numbers its messages on from `after` (0: a new room), for the
        index: it may have numbered past that in an earlier life (see `Fresh`). Noted in
        the commit of the room's next messages (`_end_commit`), so that a process killed
        before the index took them leaves the note for the next (SQLite)."""
        if not isinstance(self.db.engine, PostgresEngine):
            self._starts[room_id] = after

    def note_starts(self, rooms: Iterable[int]) -> None:
        """Commit now the starts of `rooms` not yet noted (before a message stored by
        statements of its own: one with an attachment)."""
        wanted = [room for room in rooms if room in self._starts]
        if wanted:
            self._noted_starts = []
            with self.db.transaction():
                self._note_starts(wanted)
            self._committed()

    def _note_starts(self, rooms: Iterable[int]) -> None:
        for room in rooms:
            after = self._starts.get(room)
            if after is not None:
                note = self.db.insert(
                    "INSERT INTO search_backlog (room_id, first, last) "
                    "VALUES (:room, :first, :last)",
                    room=room,
                    first=after + 1,
                    last=after,
                )
                self._noted_starts.append((room, note, after))

    def take_fresh(self) -> Fresh:
        """The messages stored (committed) since the last time, for the search index."""
        fresh, self._fresh = self._fresh, {}
        return fresh

    def give_back_fresh(self, fresh: Fresh) -> None:
        """What `take_fresh` gave, not taken after all (the index's transaction failed):
        ahead of what was stored since."""
        for room_id, spans in fresh.items():
            later, self._fresh[room_id] = self._fresh.get(room_id, []), list(spans)
            for first, last in later:
                self._add_span(room_id, first, last)

    def _committed(self, notes: Sequence[tuple[int, int, int]] = ()) -> None:
        """A commit went through: its starts and its `(room_id, first, last)` ranges go to
        the index (each room's extend its last one when they follow on: a room numbers on
        without gaps)."""
        self._dropped = self._taken
        for room_id, note, after in self._noted_starts:
            if self._starts.get(room_id) == after:
                del self._starts[room_id]
            if self.hands_over:
                self._add_span(room_id, -note, after)
        self._noted_starts = []
        if self.hands_over:
            for room_id, first, last in notes:
                self._add_span(room_id, first, last)

    def _add_span(self, room_id: int, first: int, last: int) -> None:
        spans = self._fresh.setdefault(room_id, [])
        if first > 0 and spans and spans[-1][0] > 0 and spans[-1][1] + 1 == first:
            spans[-1] = (spans[-1][0], last)
            return
        spans.append((first, last))

    def index_taken(self, backlog_done: int, forget_done: int) -> None:
        """The search index has taken the notes up to these ids: the next commit deletes
        them (SQLite; see search_index.py)."""
        self._taken = (max(self._taken[0], backlog_done), max(self._taken[1], forget_done))

    # accounts

    def account(self, key: str) -> Account | None:
        rows = self.db.rows(
            "SELECT name, password_hash, operator FROM users WHERE name_key = :k", k=key
        )
        if not rows:
            return None
        name, password_hash, operator = rows[0]
        return Account(name, password_hash, bool(operator))

    def name_taken(self, name: str, key: str) -> bool:
        """True when an account has this name or one that looks like it (both by index)."""
        rows = self.db.rows(
            "SELECT 1 FROM users WHERE name_key = :k OR skeleton = :s LIMIT 1",
            k=key,
            s=name_skeleton(name),
        )
        return bool(rows)

    def add_account(self, name: str, key: str, password_hash: str, operator: bool = False) -> bool:
        """Create an account; False when the name is taken or looks like a taken one."""
        with self.db.transaction():
            if self.name_taken(name, key):
                return False
            self.db.insert(
                "INSERT INTO users (name, name_key, password_hash, created_at, operator, "
                "skeleton) VALUES (:name, :key, :hash, :at, :operator, :skeleton)",
                name=name,
                key=key,
                hash=password_hash,
                at=utc_now_iso(),
                operator=int(operator),
                skeleton=name_skeleton(name),
            )
        return True

    def operators(self) -> list[str]:
        """The names of the server's operators, in name order."""
        rows = self.db.rows("SELECT name FROM users WHERE operator = 1 ORDER BY name_key")
        return [str(name) for (name,) in rows]

    def set_operator(self, key: str, operator: bool) -> tuple[str, bool] | None:
        """Make the account an operator or not; its name and whether it was one before, or
        None when no account has this key."""
        with self.db.transaction():
            rows = self.db.rows("SELECT name, operator FROM users WHERE name_key = :k", k=key)
            if not rows:
                return None
            self.db.execute(
                "UPDATE users SET operator = :operator WHERE name_key = :k",
                operator=int(operator),
                k=key,
            ).finish()
        name, was = rows[0]
        return str(name), bool(was)

    # rooms

    def open_room(
        self,
        name: str,
        owner: str,
        port: int,
        capacity: int,
        password_hash: str | None,
        persistent: bool = False,
    ) -> tuple[int, str]:
        """Record a newly opened room; returns its id and creation time."""
        created_at = utc_now_iso()
        room_id = self.db.insert(
            "INSERT INTO rooms (name, owner, port, capacity, password_hash, created_at, "
            "persistent) VALUES (:name, :owner, :port, :capacity, :hash, :at, :persistent)",
            name=name,
            owner=owner,
            port=port,
            capacity=capacity,
            hash=password_hash,
            at=created_at,
            persistent=int(persistent),
        )
        return room_id, created_at

    def persistent_rooms(self) -> list[StoredRoom]:
        """Every persistent room not deleted, oldest first."""
        rows = self.db.rows(
            "SELECT id, name, owner, port, capacity, password_hash, created_at FROM rooms "
            "WHERE closed_at IS NULL AND persistent = 1 ORDER BY id"
        )
        return [
            StoredRoom(int(i), str(n), str(o), int(p), int(c), h or None, str(at))
            for i, n, o, p, c, h, at in rows
        ]

    def move_room(self, room_id: int, port: int) -> None:
        """Record the port a room listens on now."""
        self.db.execute(
            "UPDATE rooms SET port = :port WHERE id = :id", port=port, id=room_id
        ).finish()

    def close_room(self, room_id: int) -> None:
        self.db.execute(
            "UPDATE rooms SET closed_at = :at WHERE id = :id AND closed_at IS NULL",
            at=utc_now_iso(),
            id=room_id,
        ).finish()

    def close_stale_rooms(self) -> int:
        """Mark closed every temporary room an earlier run left open; returns how many."""
        query = self.db.execute(
            "UPDATE rooms SET closed_at = :at WHERE closed_at IS NULL AND persistent = 0",
            at=utc_now_iso(),
        )
        count = query.numRowsAffected()
        query.finish()
        return count

    # messages

    def add_messages(
        self, room_id: int, sender: str, ts: str, items: list[tuple[int, str]]
    ) -> None:
        """Commit `(seq, text)` messages from one sender in one transaction, before anyone
        receives them.

        Storing the same batch again changes nothing: a commit whose connection broke before
        the answer may have gone through, and its retry must not fail on its own rows.
        """
        self.add_message_groups([(room_id, sender, ts, items)])

    def add_message_groups(self, groups: list[tuple[int, str, str, list[tuple[int, str]]]]) -> None:
        """Commit `(room_id, sender, ts, [(seq, text)])` batches, of any rooms, in one
        transaction (group commit), each as `add_messages` would.

        A statement costs more than its rows (a lone message's row about 66 k instructions,
        its search note 36 k more, of which a row in a shared statement saves most). So the
        turn's small batches (every one, at one message per read) go in as one multi-row
        statement, and their notes for the search index as one more, a room's consecutive
        batches as one range. Should any of those rows be there already (a retry), the
        transaction is rolled back and the batches are stored one by one, each checked."""
        if len(groups) > 1:
            try:
                self._add_together(groups)
                return
            except _StoredBeforeError:
                pass  # rolled back: one by one, so each batch stored before is known
        notes: list[tuple[int, int, int]] = []
        with self.db.transaction():
            for room_id, sender, ts, items in groups:
                stored = self._insert_messages(room_id, sender, ts, items, notes)
                if stored < len(items):
                    rows = [(room_id, seq, sender, text, ts) for seq, text in items]
                    if not self._stored_already(room_id, rows):
                        raise DatabaseError(
                            f"room {room_id}: message numbers taken by other messages"
                        )
            self._end_commit(room_id for room_id, _, _, _ in groups)
        self._committed(notes)

    def _add_together(self, groups: list[tuple[int, str, str, list[tuple[int, str]]]]) -> None:
        """Store the groups in one transaction, the small batches' rows in one statement;
        raises `_StoredBeforeError` (rolled back) when a row was there already."""
        notes: list[tuple[int, int, int]] = []
        rows: list[tuple[int, int, str, str, str]] = []
        postgres = isinstance(self.db.engine, PostgresEngine)
        with self.db.transaction():
            for room_id, sender, ts, items in groups:
                first, last = items[0][0], items[-1][0]
                if len(items) >= JSON_BATCH and last - first == len(items) - 1 and not postgres:
                    if self._insert_messages(room_id, sender, ts, items, notes) < len(items):
                        raise _StoredBeforeError
                    continue
                rows += [(room_id, seq, sender, text, ts) for seq, text in items]
                for seq, _ in items:
                    _note(notes, room_id, seq, seq)
            if rows:
                stored = self.db.insert_rows(
                    "INSERT INTO messages (room_id, seq, sender, text, ts) VALUES",
                    5,
                    rows,
                    "ON CONFLICT (room_id, seq) DO NOTHING",
                )
                if stored < len(rows):
                    raise _StoredBeforeError
                self.unindexed += stored
            self._end_commit(room_id for room_id, _, _, _ in groups)
        self._committed(notes)

    def _end_commit(self, rooms: Iterable[int]) -> None:
        """A commit's last statements: the starts of `rooms` noted, and the notes the index
        has taken deleted (the messages it stored go to the index in memory once
        committed: `_committed`)."""
        self._noted_starts = []  # (those of a transaction rolled back)
        if self._starts:
            self._note_starts(rooms)
        if self._taken != self._dropped:
            drop_taken_notes(self.db, *self._taken)

    def _insert_messages(
        self,
        room_id: int,
        sender: str,
        ts: str,
        items: list[tuple[int, str]],
        notes: list[tuple[int, int, int]],
    ) -> int:
        """Insert one sender's messages and add their `(room_id, first, last)` ranges to
        `notes`, for the search index; returns how many went in (not those already there).

        On SQLite, consecutive numbers (every batch of a room's log) go in as one statement
        over `json_each` of the texts: five bound values a batch instead of five a row, which
        was about half of the insert's cost at full speed (3.9 against 7.5 µs a message in
        batches of 600, search trigger included)."""
        first = items[0][0]
        consecutive = items[-1][0] - first == len(items) - 1
        stored = self._insert_rows(room_id, sender, ts, items, consecutive)
        # Noted even when a retry finds them stored: the first try's commit may have gone
        # through unseen (the index takes what it has taken already only once).
        if consecutive:
            _note(notes, room_id, first, items[-1][0])
        else:
            for seq, _ in items:
                _note(notes, room_id, seq, seq)
        self.unindexed += stored
        return stored

    def _insert_rows(
        self, room_id: int, sender: str, ts: str, items: list[tuple[int, str]], consecutive: bool
    ) -> int:
        first = items[0][0]
        # A lone message is cheaper as one row (no JSON to make and walk): 795 k against
        # 765 k instructions a message at one message per read, under bench.instructions.
        if (
            len(items) >= JSON_BATCH
            and consecutive
            and not isinstance(self.db.engine, PostgresEngine)
        ):
            query = self.db.execute(
                "INSERT INTO messages (room_id, seq, sender, text, ts) "
                "SELECT :room, :first + key, :sender, value, :ts FROM json_each(:texts) "
                "WHERE true ON CONFLICT (room_id, seq) DO NOTHING",
                room=room_id,
                first=first,
                sender=sender,
                ts=ts,
                texts=_TEXTS.encode([text for _, text in items]),
            )
            count = query.numRowsAffected()
            query.finish()
            return count
        rows = [(room_id, seq, sender, text, ts) for seq, text in items]
        return self.db.insert_rows(
            "INSERT INTO messages (room_id, seq, sender, text, ts) VALUES",
            5,
            rows,
            "ON CONFLICT (room_id, seq) DO NOTHING",
        )

    def _stored_already(self, room_id: int, rows: list[tuple[int, int, str, str, str]]) -> bool:
        first, last = rows[0][1], rows[-1][1]
        found = self.db.rows(
            "SELECT room_id, seq, sender, text, ts FROM messages "
            "WHERE room_id = :id AND seq BETWEEN :first AND :last ORDER BY seq",
            id=room_id,
            first=first,
            last=last,
        )
        return [tuple(row) for row in found] == rows

    def last_messages(self, room_id: int, limit: int) -> list[tuple[int, str, str, str]]:
        """The room's newest `limit` messages as `(seq, sender, text, ts)`, oldest first."""
        rows = self.db.rows(
            "SELECT seq, sender, text, ts FROM messages WHERE room_id = :id "
            "ORDER BY seq DESC LIMIT :limit",
            id=room_id,
            limit=limit,
        )
        return [
            (int(seq), str(sender), str(text), str(ts)) for seq, sender, text, ts in reversed(rows)
        ]

    def delete_messages(self, room_id: int, limit: int) -> int:
        """Delete up to `limit` of the room's oldest messages; returns how many went."""
        query = self.db.execute(
            "DELETE FROM messages WHERE room_id = :id AND seq IN "
            "(SELECT seq FROM messages WHERE room_id = :inner ORDER BY seq LIMIT :limit)",
            id=room_id,
            inner=room_id,
            limit=limit,
        )
        count = query.numRowsAffected()
        query.finish()
        return count

    def messages_before(
        self, room_id: int, before: int | None, limit: int
    ) -> list[tuple[int, str, str, str]]:
        """Up to `limit` of the room's messages older than seq `before` (None: the newest)
        as `(seq, sender, text, ts)`, newest first (see `messages_before`)."""
        return messages_before(self.db, room_id, before, limit)

    def room_ids(self) -> list[int]:
        """Every room the database has recorded, open or closed."""
        return [int(row[0]) for row in self.db.rows("SELECT id FROM rooms ORDER BY id")]

    def delete_messages_before(self, room_id: int, cutoff: str, limit: int) -> int:
        """Delete those of the room's oldest `limit` messages stamped before `cutoff` (an
        ISO time, compared as text: every stamp has one format); returns how many went.
        Fewer than `limit` means the room has none older left (stamps rise with seq)."""
        query = self.db.execute(
            "DELETE FROM messages WHERE room_id = :id AND seq IN (SELECT oldest.seq FROM "
            "(SELECT seq, ts FROM messages WHERE room_id = :inner ORDER BY seq LIMIT :limit) "
            "AS oldest WHERE oldest.ts < :cutoff)",
            id=room_id,
            inner=room_id,
            limit=limit,
            cutoff=cutoff,
        )
        count = query.numRowsAffected()
        query.finish()
        return count

    # search

    def record_entry(self, room_id: int, user_key: str) -> None:
        """Remember that `user_key` entered the (persistent) room: search lets them read it."""
        self.db.execute(
            "INSERT INTO room_entries (room_id, user_key) VALUES (:room, :key) "
            "ON CONFLICT (user_key, room_id) DO NOTHING",
            room=room_id,
            key=user_key,
        ).finish()

    def has_entered(self, room_id: int, user_key: str) -> bool:
        rows = self.db.rows(
            "SELECT 1 FROM room_entries WHERE user_key = :key AND room_id = :room",
            key=user_key,
            room=room_id,
        )
        return bool(rows)

    def entered_rooms(self, user_key: str) -> list[int]:
        """The persistent rooms, not deleted, that `user_key` has entered."""
        rows = self.db.rows(
            "SELECT e.room_id FROM room_entries e JOIN rooms r ON r.id = e.room_id "
            "WHERE e.user_key = :key AND r.persistent = 1 AND r.closed_at IS NULL",
            key=user_key,
        )
        return [int(row[0]) for row in rows]

    def search(
        self, query: str, rooms: list[int], after: Position, limit: int
    ) -> list[tuple[int, int, str, str, str]]:
        """Messages of `rooms` holding `query`, newest first after `after` (see search_sql)."""
        return find(self.db, query, rooms, after, limit)


def _note(notes: list[tuple[int, int, int]], room_id: int, first: int, last: int) -> None:
    """Add seqs `first`..`last` of a room to `notes`, extending the last range when they
    follow on from it (a room's batches of one turn, from its several senders)."""
    if notes:
        room, start, end = notes[-1]
        if room == room_id and end + 1 == first:
            notes[-1] = (room, start, last)
            return
    notes.append((room_id, first, last))


class _StoredBeforeError(Exception):
    """A row of a group commit's shared statement was there already (rolls it back)."""
