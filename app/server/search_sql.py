"""Finding messages by substring, per engine: SQLite FTS5 with the trigram tokenizer, in a
file of its own kept in step by the search worker (search_index.py); PostgreSQL pg_trgm with a GIN
index, which PostgreSQL keeps in step itself (without pg_trgm installed the same ILIKE
runs unindexed). A query of fewer than 3 characters, which no trigram index serves, is a
bounded LIKE over each room's newest SHORT_QUERY_WINDOW messages on both. SQLite's index
knows which messages hold a trigram but not where (detail=none): it names the messages
holding every trigram of the query, and the text of each decides (`_verified`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.server.engines import PostgresEngine
from app.server.search_index import ROOM_SHIFT, SEQ_TOP, Tail
from app.shared import logs

if TYPE_CHECKING:
    from app.server.database import Database

SHORT_QUERY_WINDOW = 2_000  # newest messages per room a 1- or 2-character query looks at
TRIGRAM = 3

_SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE message_search USING fts5(text, tokenize='trigram', content='', "
    "contentless_delete=1)",
    f"INSERT INTO message_search (rowid, text) SELECT room_id * {ROOM_SHIFT} + seq, text "
    "FROM messages",
    f"""CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search (rowid, text) VALUES (new.room_id * {ROOM_SHIFT} + new.seq,
        new.text); END""",
    f"""CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_search WHERE rowid = old.room_id * {ROOM_SHIFT} + old.seq; END""",
]
_POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX messages_text_trgm ON messages USING gin (text gin_trgm_ops)",
]


# FTS5 writes a new index segment at every commit that changed it: about 100 us of CPU
# however few rows, against 20 us for the rest of a one-message commit. So the store notes
# each batch it stores as a range of seqs in `search_backlog` (one row a batch, in the
# batch's transaction: `note_unindexed`), and the backlog went into the index in bulk.
# Schema version 13 moved the index out of this database (search_index.py): the notes
# gained an id the index counts by, and deletions are noted for it by a trigger.
_SQLITE_DEFERRED = [
    "DROP TRIGGER messages_search_insert",
    """CREATE TABLE search_backlog (
        room_id INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL)""",
]
_SQLITE_SEPARATE = [
    "DROP TRIGGER messages_search_delete",
    "DROP TABLE message_search",  # the new index file is built from the messages
    "DROP TABLE search_backlog",
    """CREATE TABLE search_backlog (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL)""",
    """CREATE TABLE search_forget (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id INTEGER NOT NULL,
        seq INTEGER NOT NULL)""",
    """CREATE TRIGGER messages_search_forget AFTER DELETE ON messages BEGIN
        INSERT INTO search_forget (room_id, seq) VALUES (old.room_id, old.seq); END""",
]


# Schema version 14: the notes' ids without AUTOINCREMENT, which rewrote `sqlite_sequence`'s
# page in every commit that noted a batch. In the latency scenario (1,000 messages a second,
# about a commit each) main wrote 7,925-8,339 pages of write-ahead log in 5 s, against
# 9afa549's 6,812, and the event loop pays a checkpoint (a few milliseconds, its p99) for
# every 1,000; with this, 6,710-7,053. An INTEGER PRIMARY KEY takes one above the largest
# id in the table, so the newest note is never deleted (`drop_taken_notes`): ids only rise,
# and the largest one in the table is the highest ever issued. The new table starts with
# the old's notes, and with a note of no messages at the old table's highest id when that
# was deleted.
_SQLITE_NOTE_IDS = [
    """CREATE TABLE search_backlog_new (
        id INTEGER PRIMARY KEY,
        room_id INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL)""",
    "INSERT INTO search_backlog_new (id, room_id, first, last) "
    "SELECT id, room_id, first, last FROM search_backlog",
    "INSERT INTO search_backlog_new (id, room_id, first, last) "
    "SELECT seq, 0, 1, 0 FROM sqlite_sequence WHERE name = 'search_backlog' "
    "AND seq > (SELECT coalesce(max(id), 0) FROM search_backlog)",
    "DROP TABLE search_backlog",
    "ALTER TABLE search_backlog_new RENAME TO search_backlog",
]


def defer_search_index(db: Database) -> None:
    """The migration step: on SQLite, messages reach the index through the backlog."""
    if not isinstance(db.engine, PostgresEngine):
        for step in _SQLITE_DEFERRED:
            db.execute(step).finish()


def separate_search_index(db: Database) -> None:
    """The migration step: on SQLite, the index moves to a file of its own."""
    if not isinstance(db.engine, PostgresEngine):
        for step in _SQLITE_SEPARATE:
            db.execute(step).finish()


def number_notes_without_autoincrement(db: Database) -> None:
    """The migration step: on SQLite, the notes' ids rise without `sqlite_sequence`."""
    if not isinstance(db.engine, PostgresEngine):
        for step in _SQLITE_NOTE_IDS:
            db.execute(step).finish()


def note_unindexed(db: Database, ranges: list[tuple[int, int, int]]) -> None:
    """These `(room_id, first, last)` messages, just stored, are for the index (SQLite):
    one statement for them all (a lone note as a named one, prepared once)."""
    if isinstance(db.engine, PostgresEngine):
        return
    if len(ranges) == 1:
        room_id, first, last = ranges[0]
        db.execute(
            "INSERT INTO search_backlog (room_id, first, last) VALUES (:room, :first, :last)",
            room=room_id,
            first=first,
            last=last,
        ).finish()
    else:
        db.insert_rows("INSERT INTO search_backlog (room_id, first, last) VALUES", 3, ranges)


def drop_taken_notes(db: Database, backlog_done: int, forget_done: int) -> None:
    """Delete the notes the index has taken but the newest (SQLite; within the caller's
    transaction): the next id is one above the largest left (see _SQLITE_NOTE_IDS)."""
    db.execute(
        "DELETE FROM search_backlog WHERE id <= :done "
        "AND id < (SELECT max(id) FROM search_backlog)",
        done=backlog_done,
    ).finish()
    db.execute("DELETE FROM search_forget WHERE id <= :done", done=forget_done).finish()


def create_search_index(db: Database) -> None:
    """The migration step: the index over every stored message, kept in step from now on."""
    if isinstance(db.engine, PostgresEngine):
        if not db.rows("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"):
            logs.db.warning("pg_trgm is not installed: search reads messages without an index")
            return
        steps = _POSTGRES_INDEX
    else:
        steps = _SQLITE_INDEX
    for step in steps:
        db.execute(step).finish()


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page of results ends, in their order: newest `ts` first, then room, seq."""

    ts: str
    room_id: int
    seq: int


MAX_KEY = 2**31 - 1  # room ids and seqs are INTEGER columns: 32 bits on PostgreSQL
START = Position("~", MAX_KEY, MAX_KEY)  # "~" sorts after every ISO time
PER_ROOM_MAX = 64  # more readable rooms than this: one query over them all instead
Row = tuple[int, int, str, str, str]

_COLUMNS = "SELECT m.room_id, m.seq, m.sender, m.text, m.ts"
# After the cursor in the results' order (newest ts first, then room, then seq).
_LATER = (
    "(m.ts < :ts OR (m.ts = :ts2 AND (m.room_id < :room OR (m.room_id = :room2 AND m.seq < :seq))))"
)
# One room, newest seq first (the FTS rowid falls as seq rises, and FTS5 walks its lists
# forward several times faster than backward): stamps rise with seq in a room (each room
# stamps its own messages in order), so this is its messages' newest-first order too, and
# `_verified` stops the scan early however many messages match.
_ROOM_FTS = (
    f"{_COLUMNS} FROM message_search s JOIN messages m ON m.room_id = :id "
    "AND m.seq = :top - s.rowid WHERE message_search MATCH :match "
    f"AND s.rowid >= :low AND s.rowid < :high AND {_LATER} ORDER BY s.rowid"
)
_ROOM_SHORT = (
    f"{_COLUMNS} FROM messages m WHERE m.room_id = :id AND m.seq > "
    "(SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room_id = :id2) - :window "
    f"AND m.text {{like}} :pattern ESCAPE '\\' AND {_LATER} ORDER BY m.seq DESC LIMIT :limit"
)
# Messages not yet in the index (`search_index.unindexed_tail`): one range of one room,
# newest first, each text read and tested as FTS5's candidates are.
_ROOM_TAIL = (
    f"{_COLUMNS} FROM messages m WHERE m.room_id = :id AND m.seq BETWEEN :first AND :last "
    f"AND {_LATER} ORDER BY m.seq DESC"
)
_ORDER = "ORDER BY m.ts DESC, m.room_id DESC, m.seq DESC LIMIT :limit"


def like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _padded(rooms: list[int]) -> list[int]:
    """The room ids, repeated up to a power of two: few distinct statements are cached."""
    size = 1
    while size < len(rooms):
        size *= 2
    return rooms + [rooms[-1]] * (size - len(rooms))


def _fts_match(query: str) -> str:
    """Every trigram of `query`: the index (detail=none) knows which messages hold each one,
    not where, so this finds a superset of the messages holding `query` (see `_verified`)."""
    grams = dict.fromkeys(query[i : i + TRIGRAM] for i in range(len(query) - TRIGRAM + 1))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def _verified(db: Database, sql: str, query: str, values: dict[str, object]) -> list[Row]:
    """The first `values["limit"]` rows of `sql` (FTS5's candidates, in the results' order,
    with no LIMIT) whose text holds `query`, in any case as the highlights find it: the rows
    are read one by one, and reading stops there."""
    values = dict(values)
    limit = values.pop("limit")
    assert isinstance(limit, int)
    holds = re.compile(re.escape(query), re.IGNORECASE).search
    kept: list[Row] = []
    rows = db.execute(sql, **values)
    try:
        while len(kept) < limit and rows.next():
            text = str(rows.value(3))
            if holds(text):
                room, seq, sender, ts = rows.value(0), rows.value(1), rows.value(2), rows.value(4)
                kept.append((int(room), int(seq), str(sender), text, str(ts)))
    finally:
        rows.finish()
    return kept


def find(
    db: Database,
    query: str,
    rooms: list[int],
    after: Position,
    limit: int,
    tail: Tail | None = None,
) -> list[Row]:
    """Up to `limit` messages of `rooms` holding `query` (any case), after `after` in
    newest-first order, as `(room_id, seq, sender, text, ts)`. On SQLite, `tail` names
    the messages stored but not yet in the index, which are read one by one instead.

    Each room is asked for its own newest `limit` (a key-ordered scan that stops early, where
    one query over every room would join and sort every match of a common word by time),
    and the answers are merged here. A 1- or 2-character query, which no trigram serves,
    looks at each room's newest SHORT_QUERY_WINDOW messages only.
    """
    ids = sorted(set(rooms))
    if not ids:
        return []
    cursor = {
        "ts": after.ts,
        "ts2": after.ts,
        "room": after.room_id,
        "room2": after.room_id,
        "seq": after.seq,
        "limit": limit,
    }
    postgres = isinstance(db.engine, PostgresEngine)
    found: list[Row] = []
    if len(query) < TRIGRAM:
        sql = _ROOM_SHORT.format(like="ILIKE" if postgres else "LIKE")
        pattern = like_pattern(query)
        for room in ids:
            found += _rows(db, sql, id=room, id2=room, window=SHORT_QUERY_WINDOW,
                           pattern=pattern, **cursor)  # fmt: skip
    elif not postgres and len(ids) <= PER_ROOM_MAX:
        match = _fts_match(query)
        for room in ids:
            base = room * ROOM_SHIFT
            values = {"id": room, "top": base + SEQ_TOP, "match": match, "low": base,
                      "high": base + ROOM_SHIFT, **cursor}  # fmt: skip
            found += _verified(db, _ROOM_FTS, query, values)
    else:
        found = _everywhere(db, query, ids, cursor, postgres)
    if tail and len(query) >= TRIGRAM and not postgres:
        found += _in_tail(db, query, [room for room in ids if room in tail], tail, cursor)
        # A message both ways: a seq numbered again (see search_index.Fresh) whose first
        # message's entry the index has not forgotten yet, found by the new one's text.
        found = list(dict.fromkeys(found))
    found.sort(key=lambda row: (row[4], row[0], row[1]), reverse=True)
    return found[:limit]


def _in_tail(
    db: Database, query: str, rooms: list[int], tail: Tail, cursor: dict[str, object]
) -> list[Row]:
    """Each room's newest `limit` unindexed messages holding `query` (see `find`)."""
    limit = cursor["limit"]
    assert isinstance(limit, int)
    found: list[Row] = []
    for room in rooms:
        kept: list[Row] = []
        for first, last in tail[room]:
            if len(kept) >= limit:
                break
            values = {**cursor, "limit": limit - len(kept), "id": room, "first": first,
                      "last": last}  # fmt: skip
            kept += _verified(db, _ROOM_TAIL, query, values)
        found += kept
    return found


def _everywhere(
    db: Database, query: str, ids: list[int], cursor: dict[str, object], postgres: bool
) -> list[Row]:
    """One query over every room: pg_trgm's GIN index, or FTS5 over very many rooms."""
    padded = _padded(ids)
    marks = ", ".join(f":r{i}" for i in range(len(padded)))
    values: dict[str, object] = {f"r{i}": room for i, room in enumerate(padded)}
    values.update(cursor)
    if postgres:
        values.update(pattern=like_pattern(query))
        sql = (
            f"{_COLUMNS} FROM messages m WHERE m.text ILIKE :pattern ESCAPE '\\' "
            f"AND m.room_id IN ({marks}) AND {_LATER} {_ORDER}"
        )
    else:
        values.update(match=_fts_match(query))
        sql = (
            f"{_COLUMNS} FROM message_search s "
            f"JOIN messages m ON m.room_id = s.rowid / {ROOM_SHIFT} "
            f"AND m.seq = {SEQ_TOP} - s.rowid % {ROOM_SHIFT} "
            f"WHERE message_search MATCH :match AND m.room_id IN ({marks}) "
            f"AND {_LATER} ORDER BY m.ts DESC, m.room_id DESC, m.seq DESC"
        )
        return _verified(db, sql, query, values)
    return _rows(db, sql, **values)


def _rows(db: Database, sql: str, **values: object) -> list[Row]:
    return [(int(r), int(s), str(f), str(t), str(ts)) for r, s, f, t, ts in db.rows(sql, **values)]
