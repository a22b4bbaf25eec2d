"""SQLite's search index, in a file of its own beside the database (`PATH.search`), brought
up to date by the search worker's thread, never by the event loop.

FTS5 with the trigram tokenizer cost more CPU than everything else a stored message costs,
and on the event loop's connection each bulk write held SQLite's one write lock for tens of
milliseconds while chat waited. So the event loop only notes, in the transaction that stores
them, which messages are to be forgotten (`search_forget`, filled by a trigger when a
message is deleted); the messages it stores it hands to the worker in memory, after their
commit (`ChatStore.take_fresh`: each room's new seqs as ranges, and where a room's
numbering starts). The worker's connection, with the index file as its main database and
the chat database attached read-only in effect, adds those ranges to `search_ranges` and
indexes the ranges, in chunks, in transactions on the index file alone.

A note a commit in the chat database had cost every commit a page more of the write-ahead
log (1.4 against 1.0 a message when paced), and so a checkpoint, which stalls the event
loop 5-7 ms, every 0.7 s instead of every second: the latency scenario's p99 was 1.9-2.2 ms
with the notes, 0.9-1.4 without. What a crash leaves out of memory the index finds itself:
it keeps, for each room, the highest seq it has taken (`search_covered`), and at its first
catch-up in each process takes every room's messages above it (`_reconcile`).

Some notes remain in `search_backlog`: one, empty, at each start (so that a database
restored from a backup made before the last start is told apart, below), one for each
message stored with an attachment (in that message's own transaction), and one where a
room's numbering starts, in the commit of its first messages after it (see `Fresh`). A
room numbers anew over seqs the index took when its newest messages were deleted and it
reopens, or when a new room gets a deleted room's id: the index drops what it holds of the
old seqs then, and a deletion note of a seq that holds a message again is left. The event
loop deletes the notes the index has taken (`ChatStore.index_taken`), in its next commit.

The index holds nothing that is not in the chat database: a missing index file, one made
for another database (the chat database's `instance` differs), or one that has seen notes
or deletions the database never issued (a database restored from a backup) is dropped and
rebuilt from every stored message, in the background, chunk by chunk. Statements name
tables without a schema: each lives in one of the two databases, so the same SQL serves the
worker (index main, chat attached) and a server without a worker (chat main, index attached
as `search`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from app.server.database import Database
from app.server.db_target import SqliteTarget
from app.server.engines import sqlite_cache_pragma
from app.shared import logs
from app.shared.limits import Clock

SUFFIX = ".search"
VERSION = 3  # of the index file's tables: another value is rebuilt (3: search_covered)
ROOM_SHIFT = 4_294_967_296  # the FTS rowid is room_id * 2**32 + SEQ_TOP - seq
SEQ_TOP = ROOM_SHIFT - 1  # (seq falls as the rowid rises: newest first is FTS5's fast order)
CHUNK = 2_048  # messages a catch-up indexes at most by default (inline: chat waits for it)
RANGES_PER_PASS = 256
INSTANCE_KEY = "instance"
# A deleted message leaves FTS5's contentless-delete table as a tombstone only: its trigrams
# stay in the segments (and in pages freed by earlier merges) until those are rewritten, and
# from them most of its text could be read back out of the file. So after deletions the
# index is merged into one segment, the file vacuumed (no old page kept) and its
# write-ahead log truncated: at once after the first, then at most once per this long.
SCRUB_INTERVAL_S = 60.0

# The index keeps, for each trigram, only which messages hold it (`detail=none`), not where:
# a search asks for the messages holding every trigram of the query, and `search_sql.find`
# keeps those whose text holds the query itself. Without positions, indexing costs about
# a quarter less CPU a message, and the index file is half the size.
_TABLES = [
    "CREATE VIRTUAL TABLE {s}message_search USING fts5(text, tokenize='trigram', content='', "
    "contentless_delete=1, detail=none)",
    """CREATE TABLE {s}search_state (
        version INTEGER NOT NULL,
        instance TEXT NOT NULL,
        backlog_done INTEGER NOT NULL,
        forget_done INTEGER NOT NULL)""",
    """CREATE TABLE {s}search_ranges (
        room_id INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL)""",
    # Each room's highest seq the index has taken (in a range or indexed): every message of
    # the room above it is still to be taken.
    """CREATE TABLE {s}search_covered (
        room_id INTEGER PRIMARY KEY,
        covered INTEGER NOT NULL)""",
]
# FTS5 merges a level's segments into one once `automerge` of them are there (4 by default):
# at 16, its most, each message is rewritten by merges about half as often. In fanout, where
# the index's thread took a third of the server's core, indexing cost a fifth less CPU a
# message and deliveries per CPU-second rose 9 %; searches read a few more segments (the
# microbenchmark: p99 0.19 against 0.21 ms at 300,000 messages). A table setting, kept in the
# index file: set at every open, so an index made before needs no rebuild.
_MERGE_SETTING = "INSERT INTO {s}message_search (message_search, rank) VALUES ('automerge', 16)"
_DROP = [
    "DROP TABLE IF EXISTS {s}message_search",
    "DROP TABLE IF EXISTS {s}search_state",
    "DROP TABLE IF EXISTS {s}search_ranges",
    "DROP TABLE IF EXISTS {s}search_covered",
]
# A catch-up's ranges go in as one statement, in rising rowid: FTS5 writes out what it
# holds in memory as a new segment at the end of every statement (its savepoint) and
# whenever a rowid is not above the last one, so ranges taken one by one (one a stored batch)
# made a segment each, and merging them cost more than the indexing (in the microbenchmark,
# 27-33 against 11-13 us a message for chat lines in batches of 20).
_CHUNK_TABLE = """CREATE TEMP TABLE IF NOT EXISTS search_chunk (
    room_id INTEGER NOT NULL,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL)"""
_INDEX_CHUNK = (
    f"INSERT INTO message_search (rowid, text) SELECT m.room_id * {ROOM_SHIFT} + {SEQ_TOP} "
    "- m.seq, m.text FROM temp.search_chunk c JOIN messages m ON m.room_id = c.room_id "
    "AND m.seq BETWEEN c.first AND c.last ORDER BY 1"
)
# A note of a seq that holds a message again (its room numbered anew over it) is left: the
# old message's entry went when the index was told of the new numbering (`_lower`), and the
# entry there now is the new message's.
_FORGET = (
    f"DELETE FROM message_search WHERE rowid IN (SELECT f.room_id * {ROOM_SHIFT} + {SEQ_TOP} "
    "- f.seq FROM search_forget f WHERE f.id > :done AND f.id <= :upto AND NOT EXISTS "
    "(SELECT 1 FROM messages m WHERE m.room_id = f.room_id AND m.seq = f.seq))"
)
# The entries of a room's seqs from :first to :last (rowids fall as seqs rise).
_DROP_SEQS = (
    f"DELETE FROM message_search WHERE rowid BETWEEN :room * {ROOM_SHIFT} + {SEQ_TOP} - :last "
    f"AND :room * {ROOM_SHIFT} + {SEQ_TOP} - :first"
)


Tail = dict[int, list[tuple[int, int]]]  # room id: (first, last) seqs not yet indexed
# What the store hands the index, each room's in the order it happened: (first, last) seqs
# committed, or (-note, after) where the room's numbering (re)starts after `after` (a new
# room, whose id may have been a deleted room's, or one reopened after deletions), `note`
# being the id of the start's note in `search_backlog`: (room, after + 1, after), committed
# with the room's first messages after it, so that a process killed before the index took
# them leaves it for the next.
Fresh = dict[int, list[tuple[int, int]]]


def unindexed_tail(db: Database, rooms: list[int]) -> Tail:
    """The messages of `rooms` a search on `db` (a connection that reaches both databases),
    inside its read transaction, finds in the chat tables but not in the index: the ranges
    the index has taken and not yet indexed, the notes it has not taken, and each room's
    messages above the highest it has taken (those the store has not yet handed over);
    each room's merged into as few ranges as they make, the newest first. There is no
    bound: however far the index lags (behind a flood), a search reads what it has not
    indexed, newest first, and stops at its limit.

    The chat database is read first, so that its snapshot is the older of the two: the
    store deletes notes only once the index has committed taking them, so every note
    missing from the chat's snapshot is counted taken in the index's, and the two views
    together leave no stored message out."""
    noted = db.rows("SELECT id, room_id, first, last FROM search_backlog")
    state = db.rows("SELECT backlog_done FROM search_state")
    done = int(state[0][0]) if state else 0
    pending = db.rows("SELECT room_id, first, last FROM search_ranges")
    covered = {int(r): int(c) for r, c in db.rows("SELECT room_id, covered FROM search_covered")}
    for note_id, room_id, first, last in noted:
        if int(note_id) > done and int(first) > int(last) and int(room_id) in covered:
            covered[int(room_id)] = min(covered[int(room_id)], int(last))  # a start
    wanted = set(rooms)
    spans: dict[int, list[tuple[int, int]]] = {
        room: [(covered.get(room, 0) + 1, SEQ_TOP)] for room in wanted
    }
    for room_id, first, last in [(r, f, la) for i, r, f, la in noted if int(i) > done] + pending:
        if int(room_id) in wanted and int(first) <= int(last):
            spans[int(room_id)].append((int(first), int(last)))
    tail: Tail = {}
    for room_id, ranges in spans.items():
        merged: list[tuple[int, int]] = []
        for first, last in sorted(ranges, reverse=True):  # newest first
            if merged and last >= merged[-1][0] - 1:
                merged[-1] = (min(first, merged[-1][0]), max(last, merged[-1][1]))
            else:
                merged.append((first, last))
        tail[room_id] = merged
    return tail


def coalesced(notes: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The `(room_id, first, last)` notes, in their order, with each run of a room's
    consecutive ones made one range: a paced room notes every message apart (one commit
    each), and a range each cost a statement and a pass of at most RANGES_PER_PASS
    (in the microbenchmark, 108 against 46 thousand instructions a message)."""
    ranges: list[list[int]] = []
    open_range: dict[int, list[int]] = {}  # each room's last range, while it can grow
    for room_id, first, last in notes:
        current = open_range.get(room_id)
        if current is not None and current[1] <= first <= current[2] + 1:
            current[2] = max(current[2], last)
        else:
            current = open_range[room_id] = [room_id, first, last]
            ranges.append(current)
    return [(room_id, first, last) for room_id, first, last in ranges]


def _take(lowered: _Lowered, room_id: int, spans: list[tuple[int, int]]) -> None:
    """A room's handed-over spans (see `Fresh`), in order: ranges to index, each cut to the
    seqs above those the index has taken, and starts."""
    covered, ranges = lowered.covered, lowered.ranges
    for first, last in spans:
        if first <= 0:  # the numbering starts again after `last`: seqs above it are new
            lowered.lower(room_id, last)
            continue
        had = covered.get(room_id, 0)
        if last <= had:
            continue
        ranges.append((room_id, max(first, had + 1), last))
        covered[room_id] = last


class _Lowered:
    """One catch-up's bookkeeping: each room's highest seq taken, the ranges to index, and
    the seqs of rooms numbered anew, whose entries and ranges are to be dropped."""

    def __init__(self, covered: dict[int, int]) -> None:
        self.covered = covered
        self.ranges: list[tuple[int, int, int]] = []
        self.dropped: list[tuple[int, int, int]] = []  # (room, first, last) seqs

    def lower(self, room_id: int, after: int) -> None:
        """Room `room_id` numbers anew after `after`: what the index holds or waits to
        index above it was of deleted messages (its entries would shadow the new ones)."""
        had = self.covered.get(room_id, 0)
        top = max([had] + [last for room, _, last in self.ranges if room == room_id])
        if after >= top:
            return
        self.covered[room_id] = min(had, after)
        self.dropped.append((room_id, after + 1, top))
        kept = []
        for room, first, last in self.ranges:
            if room != room_id or last <= after:
                kept.append((room, first, last))
            elif first <= after:
                kept.append((room, first, after))
        self.ranges[:] = kept


def index_path(target: SqliteTarget) -> str:
    """Where the index of the database `target` is kept (in memory for one in memory)."""
    if target.path in ("", ":memory:"):
        return ""  # ATTACH '' is a private temporary database
    return target.path + SUFFIX


@dataclass(frozen=True, slots=True)
class Progress:
    """What one catch-up left: the last backlog and forget notes the index has taken, how
    many messages it indexed, and whether ranges remain (a rebuild goes on)."""

    backlog_done: int
    forget_done: int
    indexed: int
    more: bool


class SearchIndex:
    """The index over `db`, a connection that reaches both the chat tables and the index's
    (`schema` is where the index's are: "" when the index file is the main database)."""

    def __init__(self, db: Database, schema: str = "", clock: Clock = time.monotonic) -> None:
        self.db = db
        self._schema = schema
        self._clock = clock
        self._rebuilding = False  # a rebuild's chunks go on: `optimize` once they are done
        self._unscrubbed = False  # deletions were taken since the last `scrub`
        self._scrubbed_at = -math.inf  # on `clock`
        self._reconciled = False  # this process has taken what the last one left out
        self._epoch: int | None = None  # the id of this process's start note (ChatStore)
        # Starts handed over whose notes are not yet taken, and the reverse (see catch_up).
        self._unmatched: set[int] = set()
        self._applied: set[int] = set()

    @classmethod
    def open_beside(cls, chat: SqliteTarget, clock: Clock = time.monotonic) -> SearchIndex:
        """A connection of its own (for the worker's thread): the index file as the main
        database, the chat database attached as `chat`."""
        db = Database(SqliteTarget(index_path(chat)), [])
        try:
            db.execute("ATTACH DATABASE :path AS chat", path=chat.path).finish()
            db.pragma(sqlite_cache_pragma("chat"))
            index = cls(db, clock=clock)
            index.prepare()
        except BaseException:
            db.close()
            raise
        return index

    @classmethod
    def attached_to(cls, db: Database) -> SearchIndex:
        """The index on the chat database's own connection (a server without a worker)."""
        assert isinstance(db.target, SqliteTarget)
        db.execute("ATTACH DATABASE :path AS search", path=index_path(db.target)).finish()
        db.pragma(sqlite_cache_pragma("search"))
        index = cls(db, "search.")
        index.prepare()
        return index

    def prepare(self) -> None:
        """Make the index's tables, or drop and rebuild an index that is not this
        database's (the rebuild's work is left in `search_ranges` for `catch_up`)."""
        if not self._is_current():
            self._rebuild()
        self.db.execute(_MERGE_SETTING.format(s=self._schema)).finish()

    def _is_current(self) -> bool:
        table = "SELECT 1 FROM {s}sqlite_master WHERE type = 'table' AND name = 'search_state'"
        if not self.db.rows(table.format(s=self._schema)):
            return False
        state = self.db.rows(
            f"SELECT version, instance, backlog_done, forget_done FROM {self._schema}search_state"
        )
        # the highest ids issued: the newest note is never deleted (search_sql.py), and
        # `search_forget` counts its ids in `sqlite_sequence` (AUTOINCREMENT)
        highest = int(self.db.rows("SELECT coalesce(max(id), 0) FROM search_backlog")[0][0])
        forgotten = self.db.rows(
            "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'search_forget'"
        )
        return bool(state) and (
            int(state[0][0]) == VERSION
            and str(state[0][1]) == self._instance()
            and int(state[0][2]) <= highest
            and int(state[0][3]) <= int(forgotten[0][0])
        )

    def _instance(self) -> str:
        rows = self.db.rows("SELECT value FROM meta WHERE key = :k", k=INSTANCE_KEY)
        return str(rows[0][0]) if rows else ""

    def _rebuild(self) -> None:
        """Every stored message as ranges to index; the notes so far count as taken (in
        one snapshot of the chat database: a message and its note are committed together)."""
        logs.db.info("search index %s: building it from the stored messages", self.db.path)
        self._rebuilding = True
        self._reconciled = True  # in the same snapshot as the ranges
        with self.db.transaction():
            for step in _DROP + _TABLES:
                self.db.execute(step.format(s=self._schema)).finish()
            self.db.execute(
                f"INSERT INTO {self._schema}search_ranges (room_id, first, last) "
                "SELECT room_id, min(seq), max(seq) FROM messages GROUP BY room_id"
            ).finish()
            self.db.execute(
                f"INSERT INTO {self._schema}search_covered (room_id, covered) "
                "SELECT room_id, max(seq) FROM messages GROUP BY room_id"
            ).finish()
            backlog = self.db.rows("SELECT coalesce(max(id), 0) FROM search_backlog")
            forget = self.db.rows("SELECT coalesce(max(id), 0) FROM search_forget")
            self.db.execute(
                f"INSERT INTO {self._schema}search_state "
                "(version, instance, backlog_done, forget_done) "
                "VALUES (:version, :instance, :backlog, :forget)",
                version=VERSION,
                instance=self._instance(),
                backlog=int(backlog[0][0]),
                forget=int(forget[0][0]),
            ).finish()

    def catch_up(self, limit: int = CHUNK, fresh: Fresh | None = None) -> Progress:
        """Take what the last process left out (the first time), the messages the store
        has handed over (`fresh`) and the notes it has committed since the last time, forget
        what was deleted, and index up to `limit` messages of the ranges waiting, in one
        transaction on the index."""
        db = self.db
        fresh = fresh or {}
        unmatched, applied = set(self._unmatched), set(self._applied)
        with db.transaction():
            covered = {
                int(r): int(c) for r, c in db.rows("SELECT room_id, covered FROM search_covered")
            }
            before = dict(covered)
            lowered = _Lowered(covered)
            state = db.rows("SELECT backlog_done, forget_done FROM search_state")
            backlog_done, forget_done = int(state[0][0]), int(state[0][1])
            newest = int(db.rows("SELECT coalesce(max(id), 0) FROM search_backlog")[0][0])
            notes = db.rows(
                "SELECT id, room_id, first, last FROM search_backlog WHERE id > :done "
                "AND id <= :newest ORDER BY id",
                done=backlog_done,
                newest=newest,
            )
            starts = [(int(i), int(r), int(la)) for i, r, f, la in notes if int(f) > int(la)]
            epoch = self._epoch
            if epoch is None:  # this process's start note: the starts before it are earlier's
                rows = db.rows("SELECT coalesce(max(id), 0) FROM search_backlog WHERE room_id = 0")
                epoch = int(rows[0][0])
            for note, room_id, after in starts:
                if note < epoch:  # before everything this process hands over
                    lowered.lower(room_id, after)
            if not self._reconciled:
                self._reconcile(lowered, fresh)
            for room_id, spans in fresh.items():
                for first, _ in spans:
                    if first <= 0 and -first in applied:
                        applied.discard(-first)
                    elif first <= 0:
                        unmatched.add(-first)  # its note is among these, or comes next
                _take(lowered, room_id, spans)
            for note, room_id, after in starts:
                if note > epoch and note not in unmatched:
                    # Handed over with its messages, after this catch-up took the others:
                    # those came before it.
                    lowered.lower(room_id, after)
                    applied.add(note)
                unmatched.discard(note)
            lowered.ranges += [
                (int(r), int(f), int(la)) for _, r, f, la in notes if int(f) <= int(la)
            ]
            backlog_done = max(backlog_done, newest)
            for room_id, first, last in lowered.dropped:
                db.execute(_DROP_SEQS, room=room_id, first=first, last=last).finish()
                db.execute(
                    "DELETE FROM search_ranges WHERE room_id = :room AND first >= :first",
                    room=room_id,
                    first=first,
                ).finish()
                db.execute(
                    "UPDATE search_ranges SET last = :last WHERE room_id = :room AND last >= "
                    ":first",
                    room=room_id,
                    first=first,
                    last=first - 1,
                ).finish()
            if lowered.ranges:
                db.insert_rows(
                    "INSERT INTO search_ranges (room_id, first, last) VALUES",
                    3,
                    coalesced(lowered.ranges),
                )
            changed = [(r, c) for r, c in covered.items() if before.get(r) != c]
            if changed:
                db.insert_rows(
                    "INSERT INTO search_covered (room_id, covered) VALUES",
                    2,
                    changed,
                    "ON CONFLICT (room_id) DO UPDATE SET covered = excluded.covered",
                )
            newest = int(db.rows("SELECT coalesce(max(id), 0) FROM search_forget")[0][0])
            if newest > forget_done:
                upto = min(newest, forget_done + limit)
                db.execute(_FORGET, done=forget_done, upto=upto).finish()
                forget_done = upto
                self._unscrubbed = True
            indexed, more = self._index_ranges(limit)
            db.execute(
                "UPDATE search_state SET backlog_done = :backlog, forget_done = :forget",
                backlog=backlog_done,
                forget=forget_done,
            ).finish()
        # (once committed)
        self._reconciled = True
        self._epoch = epoch
        self._unmatched, self._applied = unmatched, applied
        if self._rebuilding and not more:
            self._rebuilding = False
            self.optimize()
            logs.db.info("search index %s: built", self.db.path)
        if (
            self._unscrubbed
            and not more
            and forget_done == newest
            and self._clock() - self._scrubbed_at >= SCRUB_INTERVAL_S
        ):
            self.scrub()
        return Progress(backlog_done, forget_done, indexed, more)

    def _reconcile(self, lowered: _Lowered, fresh: Fresh) -> None:
        """Every room's messages above the highest the index took (those a process stored
        and did not hand over before it ended), as ranges; a room whose messages now end
        below it (its newest were deleted, or the database is a backup) is covered up to its
        last. What this process has stored and hands over in `fresh` is left to it (so is
        taken once). One look-up a room, by the primary key."""
        covered = lowered.covered
        tops = self.db.rows(
            "SELECT r.id, (SELECT max(m.seq) FROM messages m WHERE m.room_id = r.id) FROM rooms r"
        )
        for room_id, top in tops:
            room, last = int(room_id), int(top or 0)
            if spans := fresh.get(room):
                last = min(last, min(f if f > 0 else after + 1 for f, after in spans) - 1)
            had = covered.get(room, 0)
            if last > had:
                lowered.ranges.append((room, had + 1, last))
                covered[room] = last
            else:
                lowered.lower(room, last)

    def _index_ranges(self, limit: int) -> tuple[int, bool]:
        db = self.db
        budget = limit
        ranges = db.rows(
            "SELECT rowid, room_id, first, last FROM search_ranges ORDER BY rowid LIMIT :n",
            n=RANGES_PER_PASS,
        )
        chunk: list[tuple[int, int, int]] = []
        for row_id, room_id, first, last in ranges:
            if budget <= 0:
                break
            first, last = int(first), int(last)
            upto = min(last, first + budget - 1)
            chunk.append((int(room_id), first, upto))
            budget -= upto - first + 1
            if upto == last:
                db.execute("DELETE FROM search_ranges WHERE rowid = :id", id=row_id).finish()
            else:
                db.execute(
                    "UPDATE search_ranges SET first = :first WHERE rowid = :id",
                    first=upto + 1,
                    id=row_id,
                ).finish()
        if chunk:
            db.execute(_CHUNK_TABLE).finish()  # on this connection (a temporary table)
            db.execute("DELETE FROM temp.search_chunk").finish()
            db.insert_rows("INSERT INTO temp.search_chunk (room_id, first, last) VALUES", 3, chunk)
            db.execute(_INDEX_CHUNK).finish()
        more = budget <= 0 or len(ranges) == RANGES_PER_PASS
        if more and not db.rows("SELECT 1 FROM search_ranges LIMIT 1"):
            more = False
        return limit - budget, more

    def optimize(self) -> None:
        """Merge the index's segments into one: after a rebuild in chunks, searches read one
        b-tree instead of hundreds (in the search bench, p99 236 ms before, 53 ms after);
        a few seconds of the worker's thread for a million messages."""
        self.db.execute("INSERT INTO message_search (message_search) VALUES ('optimize')").finish()

    def scrub(self) -> None:
        """Leave nothing of deleted messages in the index's file (see SCRUB_INTERVAL_S): a
        few seconds of the worker's thread for a million messages, only after deletions."""
        self._scrubbed_at = self._clock()  # a failure is tried again an interval later
        self.optimize()
        schema = self._schema.rstrip(".")
        self.db.execute(f"VACUUM {schema}".rstrip()).finish()
        self.db.pragma(f"PRAGMA {self._schema}wal_checkpoint(TRUNCATE)")
        self._unscrubbed = False

    def close(self) -> None:
        self.db.close()
