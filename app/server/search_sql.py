"""Finding messages by substring, per engine: SQLite FTS5 with the trigram tokenizer, kept
in step with `messages` by triggers; PostgreSQL pg_trgm with a GIN index, which PostgreSQL
keeps in step itself (without pg_trgm installed the same ILIKE runs unindexed). A query of
fewer than 3 characters, which no trigram index serves, is a bounded LIKE over each room's
newest SHORT_QUERY_WINDOW messages on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.server.engines import PostgresEngine
from app.shared import logs

if TYPE_CHECKING:
    from app.server.database import Database

SHORT_QUERY_WINDOW = 2_000  # newest messages per room a 1- or 2-character query looks at
TRIGRAM = 3
ROOM_SHIFT = 4_294_967_296  # the FTS rowid is room_id * 2**32 + seq

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


def like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _padded(rooms: list[int]) -> list[int]:
    """The room ids, repeated up to a power of two: few distinct statements are cached."""
    size = 1
    while size < len(rooms):
        size *= 2
    return rooms + [rooms[-1]] * (size - len(rooms))


def find(
    db: Database, query: str, rooms: list[int], after: Position, limit: int
) -> list[tuple[int, int, str, str, str]]:
    """Up to `limit` messages of `rooms` holding `query` (any case), after `after` in
    newest-first order, as `(room_id, seq, sender, text, ts)`."""
    if not rooms:
        return []
    ids = _padded(sorted(set(rooms)))
    marks = ", ".join(f":r{i}" for i in range(len(ids)))
    values: dict[str, object] = {f"r{i}": room for i, room in enumerate(ids)}
    values.update(ts=after.ts, ts2=after.ts, room=after.room_id, room2=after.room_id)
    values.update(seq=after.seq, limit=limit)
    later = (
        "(m.ts < :ts OR (m.ts = :ts2 AND (m.room_id < :room OR "
        "(m.room_id = :room2 AND m.seq < :seq))))"
    )
    order = "ORDER BY m.ts DESC, m.room_id DESC, m.seq DESC LIMIT :limit"
    postgres = isinstance(db.engine, PostgresEngine)
    like = "ILIKE" if postgres else "LIKE"
    if len(query) < TRIGRAM:
        # Each room's newest messages by key range: its last seq first, one probe a room.
        newest = "SELECT MAX(seq) FROM messages WHERE room_id = :room"
        for i, room in enumerate(ids):
            last = db.rows(newest, room=room)[0][0]
            values[f"f{i}"] = (int(last) if last is not None else 0) - SHORT_QUERY_WINDOW
        ranges = " OR ".join(f"(m.room_id = :r{i} AND m.seq > :f{i})" for i in range(len(ids)))
        values.update(pattern=like_pattern(query))
        sql = (
            f"SELECT m.room_id, m.seq, m.sender, m.text, m.ts FROM messages m WHERE ({ranges}) "
            f"AND m.text {like} :pattern ESCAPE '\\' AND {later} {order}"
        )
    elif postgres:
        values.update(pattern=like_pattern(query))
        sql = (
            "SELECT m.room_id, m.seq, m.sender, m.text, m.ts FROM messages m "
            f"WHERE m.text ILIKE :pattern ESCAPE '\\' AND m.room_id IN ({marks}) "
            f"AND {later} {order}"
        )
    else:
        values.update(match='"' + query.replace('"', '""') + '"')
        sql = (
            "SELECT m.room_id, m.seq, m.sender, m.text, m.ts FROM message_search s "
            f"JOIN messages m ON m.room_id = s.rowid / {ROOM_SHIFT} "
            f"AND m.seq = s.rowid % {ROOM_SHIFT} "
            f"WHERE message_search MATCH :match AND m.room_id IN ({marks}) "
            f"AND {later} {order}"
        )
    rows = db.rows(sql, **values)
    return [(int(r), int(s), str(f), str(t), str(ts)) for r, s, f, t, ts in rows]
