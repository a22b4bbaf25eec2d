"""SQLite's search index in a file of its own, kept by the search worker's connection: the
store hands over in memory what it stored (`take_fresh`) and a trigger notes what was
deleted (`search_forget`); `SearchIndex.catch_up` takes both, in chunks, and at its first
time in a process every room's messages above what it took (what a killed server left);
the store deletes the notes taken in its next commit; an index that is missing or not this
database's is rebuilt from the messages. Tested on the connections themselves, without
sockets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.server.attachment_store import AttachmentStore
from app.server.db_target import SqliteTarget
from app.server.engines import SQLITE_CACHE_KIB
from app.server.search_index import (
    SCRUB_INTERVAL_S,
    SEQ_TOP,
    SUFFIX,
    SearchIndex,
    unindexed_tail,
)
from app.server.search_sql import START, find
from app.server.store import ChatStore
from app.shared.protocol import Attachment
from tests.db_access import query_db
from tests.fake_clock import FakeClock

# A QtSql connection needs the application object, which qtbot makes.
pytestmark = pytest.mark.usefixtures("qtbot")

TS = "2026-01-01T00:00:01.000Z"


def notes(db_path: str) -> tuple[int, int]:
    backlog = query_db(db_path, "SELECT count(*) FROM search_backlog")[0][0]
    forget = query_db(db_path, "SELECT count(*) FROM search_forget")[0][0]
    return int(backlog), int(forget)


def indexed(index: SearchIndex) -> int:
    return int(index.db.rows("SELECT count(*) FROM message_search")[0][0])


def found(index: SearchIndex, query: str, room: int) -> list[int]:
    return [row[1] for row in find(index.db, query, [room], START, 50)]


@pytest.fixture
def store(db_path: str) -> Iterator[ChatStore]:
    store = ChatStore(db_path, exclusive=True)
    store.hands_over = True  # as the search worker sets it
    yield store
    store.close()


def open_index(db_path: str) -> SearchIndex:
    return SearchIndex.open_beside(SqliteTarget(db_path))


def test_a_commit_writes_no_note_and_the_index_takes_the_messages_in_its_own_file(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle"), (2, "hay")])
    assert notes(db_path) == (1, 0) and store.unindexed == 2  # the start's empty note only
    assert query_db(db_path, "SELECT count(*) FROM sqlite_master WHERE name = 'message_search'")[
        0
    ] == (0,)  # nothing of the index is in the chat database
    index = open_index(db_path)
    try:
        progress = index.catch_up(fresh=store.take_fresh())
        assert (progress.indexed, progress.more) == (2, False)
        assert Path(db_path + SUFFIX).exists() and indexed(index) == 2
        assert found(index, "needle", room) == [1]
        store.index_taken(progress.backlog_done, progress.forget_done)
        store.add_messages(room, "alice", TS, [(3, "more hay")])
        assert notes(db_path) == (1, 0)  # (the newest note is never deleted)
        index.catch_up(fresh=store.take_fresh())
        assert found(index, "hay", room) == [3, 2]
    finally:
        index.close()


def test_messages_a_killed_server_did_not_hand_over_are_taken_at_the_next_start(
    db_path: str,
) -> None:
    store = ChatStore(db_path, exclusive=True)
    store.hands_over = True
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    index.catch_up(fresh=store.take_fresh())
    store.add_messages(room, "alice", TS, [(1, "needle")])
    store.db.close()  # as kill -9 leaves it: committed, not yet indexed
    index.close()
    again = ChatStore(db_path, exclusive=True)
    again.hands_over = True
    index = open_index(db_path)
    try:
        progress = index.catch_up(fresh=again.take_fresh())
        assert progress.indexed == 1 and found(index, "needle", room) == [1]
        again.add_messages(room, "alice", TS, [(2, "needle two")])
        assert index.catch_up(fresh=again.take_fresh()).indexed == 1  # 1 is not taken twice
    finally:
        index.close()
        again.close()


def test_a_note_after_a_commit_that_dropped_every_taken_one_is_still_indexed(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())
        store.add_messages(room, "alice", TS, [(1, "first")])
        progress = index.catch_up(fresh=store.take_fresh())
        store.index_taken(progress.backlog_done, progress.forget_done)
        store.add_messages(room, "alice", TS, [(1, "first")])  # a retry: no note, a drop
        store.add_messages(room, "alice", TS, [(2, "second needle")])
        # its id is above every id the index has taken, though no taken note is left
        assert index.catch_up(fresh=store.take_fresh()).indexed == 1 and found(
            index, "needle", room
        ) == [2]
        counted = "SELECT count(*) FROM sqlite_sequence WHERE name = 'search_backlog'"
        assert query_db(db_path, counted) == [(0,)]  # no AUTOINCREMENT to write each commit
    finally:
        index.close()


def test_deleted_messages_leave_the_index_and_unindexed_ones_never_enter_it(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    try:
        store.add_messages(room, "alice", TS, [(1, "needle one"), (2, "needle two")])
        index.catch_up(fresh=store.take_fresh())
        store.add_messages(room, "alice", TS, [(3, "needle three")])
        assert store.delete_messages(room, 3) == 3  # seq 1 indexed, 3 not yet
        assert notes(db_path)[1] == 3
        progress = index.catch_up(fresh=store.take_fresh())
        assert indexed(index) == 0 and found(index, "needle", room) == []
        store.index_taken(progress.backlog_done, progress.forget_done)
        store.add_messages(room, "alice", TS, [(4, "hay")])
        assert notes(db_path) == (1, 0)
    finally:
        index.close()


def test_a_catch_up_indexes_a_chunk_and_says_more_remain(db_path: str, store: ChatStore) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(seq, f"line {seq}") for seq in range(1, 11)])
    index = open_index(db_path)
    try:
        first = index.catch_up(limit=4, fresh=store.take_fresh())
        assert (first.indexed, first.more, indexed(index)) == (4, True, 4)
        assert (
            index.catch_up(limit=4, fresh=store.take_fresh()).more
            and not index.catch_up(limit=4, fresh=store.take_fresh()).more
        )
        assert found(index, "line", room) == list(range(10, 0, -1))
    finally:
        index.close()


def test_a_missing_index_file_is_rebuilt_from_every_message(db_path: str, store: ChatStore) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle"), (2, "hay")])
    index = open_index(db_path)
    progress = index.catch_up(fresh=store.take_fresh())
    index.close()
    store.index_taken(progress.backlog_done, progress.forget_done)
    store.add_messages(room, "alice", TS, [(3, "another needle")])
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + SUFFIX + suffix).unlink(missing_ok=True)
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())
        assert found(index, "needle", room) == [3, 1] and indexed(index) == 3
    finally:
        index.close()


def test_an_index_made_for_another_database_is_rebuilt(tmp_path: Path) -> None:
    first, second = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    for path, text in ((first, "needle"), (second, "thread")):
        store = ChatStore(path, exclusive=True)
        room, _ = store.open_room("r", "alice", 1, 2, None)
        store.add_messages(room, "alice", TS, [(1, text)])
        index = open_index(path)
        index.catch_up(fresh=store.take_fresh())
        index.close()
        store.close()
    Path(second + SUFFIX).unlink()
    Path(first + SUFFIX).rename(second + SUFFIX)  # a's index, beside b
    store = ChatStore(second, exclusive=True)
    index = open_index(second)
    try:
        index.catch_up(fresh=store.take_fresh())
        assert found(index, "needle", room) == [] and found(index, "thread", room) == [1]
    finally:
        index.close()
        store.close()


def test_a_file_message_is_noted_for_the_index_too(db_path: str, store: ChatStore) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    file = Attachment(0, "needle.txt", 3, "text/plain", "ab" * 32)
    AttachmentStore(store.db).post(room, 1, "alice", "a needle", TS, "alice", file)
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())
        assert [row[3] for row in find(index.db, "needle", [room], START, 5)] == ["a needle"]
    finally:
        index.close()


def test_without_a_worker_the_index_is_attached_to_the_stores_connection(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle")])
    index = SearchIndex.attached_to(store.db)
    index.catch_up(fresh=store.take_fresh())
    assert index.db is store.db and found(index, "needle", room) == [1]
    assert Path(db_path + SUFFIX).exists()


def test_every_schema_of_both_connections_keeps_a_small_page_cache(
    db_path: str, store: ChatStore
) -> None:
    # SQLite's default (2,000 KiB) per schema grew the server by megabytes under load.
    wanted = [(-SQLITE_CACHE_KIB,)]
    assert store.db.pragma("PRAGMA cache_size") == wanted
    index = open_index(db_path)  # the worker's: the index file, the chat database attached
    try:
        assert index.db.pragma("PRAGMA main.cache_size") == wanted
        assert index.db.pragma("PRAGMA chat.cache_size") == wanted
    finally:
        index.close()
    SearchIndex.attached_to(store.db)  # without a worker: the index attached to the store's
    assert store.db.pragma("PRAGMA search.cache_size") == wanted


def test_a_rebuild_merges_its_chunks_once_it_is_done(
    db_path: str, store: ChatStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged: list[int] = []
    real = SearchIndex.optimize
    monkeypatch.setattr(SearchIndex, "optimize", lambda index: merged.append(indexed(index)))
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(seq, f"line {seq}") for seq in range(1, 6)])
    index = open_index(db_path)  # a new index file: rebuilt from the messages
    try:
        assert index.catch_up(limit=3, fresh=store.take_fresh()).more and merged == []
        assert not index.catch_up(limit=3, fresh=store.take_fresh()).more and merged == [
            5
        ]  # once, when done
        store.add_messages(room, "alice", TS, [(6, "line 6")])
        index.catch_up(fresh=store.take_fresh())
        assert merged == [5]  # an ordinary catch-up merges nothing
        real(index)
        assert found(index, "line", room) == list(range(6, 0, -1))
    finally:
        index.close()


def test_a_turns_batches_are_handed_over_together_a_rooms_consecutive_ones_as_one_range(
    db_path: str, store: ChatStore
) -> None:
    """Group commit: one note a room for what its senders said in the turn, not one a batch
    (a statement costs more than its rows), and the index still takes every message."""
    one, _ = store.open_room("one", "alice", 1, 3, None)
    two, _ = store.open_room("two", "bob", 2, 3, None)
    store.add_message_groups(
        [
            (one, "alice", TS, [(1, "needle one")]),
            (one, "carol", TS, [(2, "needle two")]),
            (two, "bob", TS, [(1, "needle three")]),
            (one, "alice", TS, [(3, "needle four"), (4, "x"), (5, "y")]),  # json_each
        ]
    )
    assert notes(db_path) == (1, 0)  # the start's only
    fresh = store.take_fresh()
    assert fresh == {one: [(1, 5)], two: [(1, 1)]}
    assert store.unindexed == 6
    index = open_index(db_path)
    try:
        index.catch_up(fresh=fresh)
        assert found(index, "needle", one) == [3, 2, 1]
        assert found(index, "needle", two) == [1]
    finally:
        index.close()


def test_a_catch_up_writes_its_ranges_as_one_segment(db_path: str, store: ChatStore) -> None:
    first, _ = store.open_room("a", "alice", 1, 2, None)
    second, _ = store.open_room("b", "alice", 1, 2, None)
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())  # a new index file: built (from no messages)
        for start in (1, 11, 21):  # three batches a room, each noted as a range, in turn
            for room in (second, first):
                batch = [(seq, f"line {seq} of {room}") for seq in range(start, start + 10)]
                store.add_messages(room, "alice", TS, batch)
        index.catch_up(fresh=store.take_fresh())
        # FTS5 starts a segment at each statement's end, and at a rowid not above the last
        segments = "SELECT count(DISTINCT segid) FROM message_search_idx"
        assert index.db.rows(segments) == [(1,)]
        assert found(index, "line 3", first) == [30, 3]
    finally:
        index.close()


def test_an_index_made_before_rewrites_nothing_until_sixteen_segments_are_there(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("a", "alice", 1, 2, None)
    index = open_index(db_path)
    index.db.execute("DELETE FROM message_search_config WHERE k = 'automerge'").finish()
    index.close()  # as an index file made before the setting: FTS5's default, 4
    index = open_index(db_path)
    try:
        for start in range(1, 16_001, 2_000):  # eight catch-ups, a segment of pages each
            batch = [(seq, f"line {seq} of some text here") for seq in range(start, start + 2_000)]
            store.add_messages(room, "alice", TS, batch)
            index.catch_up(2_000, store.take_fresh())
        # at 4, the first four were merged into one by the fifth catch-up: 4 would be left
        segments = "SELECT count(DISTINCT segid) FROM message_search_idx"
        assert index.db.rows(segments) == [(8,)]
        assert found(index, "line 15999", room) == [15_999]
    finally:
        index.close()


def test_the_index_keeps_no_positions_and_each_candidates_text_decides(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    texts = ["ABCD here", "abcxbcd", "ÉCOLE du soir", "안녕하세요 여러분", "하세 요 안녕"]
    store.add_messages(room, "alice", TS, list(enumerate(texts, start=1)))
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())
        create = "SELECT sql FROM sqlite_master WHERE name = 'message_search'"
        assert "detail=none" in str(index.db.rows(create)[0][0])  # about 25 % less CPU
        # "abcxbcd" holds abc and bcd, "하세 요 안녕" 하세 and 세요 nowhere: not abcd, 하세요
        assert found(index, "abcd", room) == [1] and found(index, "하세요", room) == [4]
        assert found(index, "école", room) == [3] and found(index, "bcd", room) == [2, 1]
        assert found(index, 'a"b', room) == []
    finally:
        index.close()


@pytest.mark.parametrize("rooms", [1, 70], ids=["per room", "over every room"])
def test_candidates_not_holding_the_query_do_not_crowd_out_older_hits(
    db_path: str, store: ChatStore, rooms: int
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    hits = [(seq, f"needle {seq}") for seq in range(1, 4)]
    decoys = [(seq, "needle-less, idle time") for seq in range(4, 124)]  # all its trigrams
    store.add_messages(room, "alice", TS, hits + decoys)
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())
        readable = [room, *range(room + 1, room + rooms)]  # more than PER_ROOM_MAX: one query
        assert [row[1] for row in find(index.db, "needle ", readable, START, 2)] == [3, 2]
        assert [row[1] for row in find(index.db, "needle ", readable, START, 50)] == [3, 2, 1]
    finally:
        index.close()


def test_an_index_file_of_version_1_with_positions_is_rebuilt(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle")])
    index = open_index(db_path)
    index.catch_up(fresh=store.take_fresh())
    index.db.execute("DROP TABLE message_search").finish()  # as version 1 made it, empty
    index.db.execute(
        "CREATE VIRTUAL TABLE message_search USING fts5(text, tokenize='trigram', "
        "content='', contentless_delete=1)"
    ).finish()
    index.db.execute("UPDATE search_state SET version = 1").finish()
    index.close()
    index = open_index(db_path)
    try:
        index.catch_up(fresh=store.take_fresh())
        create = "SELECT sql FROM sqlite_master WHERE name = 'message_search'"
        assert "detail=none" in str(index.db.rows(create)[0][0])
        assert found(index, "needle", room) == [1]
    finally:
        index.close()


def index_file_bytes(db_path: str) -> bytes:
    """The index's file and its write-ahead log, as a forensic reader would see them."""
    path = Path(db_path + SUFFIX)
    wal = Path(db_path + SUFFIX + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_deleted_messages_trigrams_are_scrubbed_from_the_index_file(
    db_path: str, store: ChatStore
) -> None:
    clock = FakeClock()
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = SearchIndex.open_beside(SqliteTarget(db_path), clock)
    try:
        # "zqx" and "qxj" share no first letter with hay's trigrams, so FTS5 stores them
        # whole (terms are prefix-compressed against the one before).
        store.add_messages(room, "alice", TS, [(1, "hay stack"), (2, "ZQXJ password")])
        for _ in range(3):  # a few segments and merges, pages freed with the text on them
            store.add_messages(room, "alice", TS, [(3 + _, "hay")])
            index.catch_up(fresh=store.take_fresh())
        assert b"zqx" in index_file_bytes(db_path)  # else the test below could not fail
        store.delete_messages(room, 2)  # seqs 1 and 2
        index.catch_up(fresh=store.take_fresh())
        assert found(index, "zqxj", room) == []
        assert b"zqx" not in index_file_bytes(db_path)
        assert b"qxj" not in index_file_bytes(db_path)
        assert found(index, "hay", room) == [5, 4, 3]  # what was not deleted is still found

        # Another deletion within the interval waits for it, then goes too.
        store.add_messages(room, "alice", TS, [(6, "KWVY secret")])
        index.catch_up(fresh=store.take_fresh())
        store.delete_messages(room, 10)
        index.catch_up(fresh=store.take_fresh())
        assert found(index, "kwvy", room) == [] and b"kwv" in index_file_bytes(db_path)
        clock.advance(SCRUB_INTERVAL_S)
        index.catch_up(fresh=store.take_fresh())
        assert b"kwv" not in index_file_bytes(db_path)
    finally:
        index.close()


def test_a_rooms_consecutive_notes_from_many_commits_become_one_range_to_index(
    db_path: str, store: ChatStore
) -> None:
    """A paced room stores (and notes) each message in a commit of its own: the index
    takes a run of them as one range, not one range (one statement, one pass) each."""
    one, _ = store.open_room("one", "alice", 1, 3, None)
    two, _ = store.open_room("two", "bob", 2, 3, None)
    index = open_index(db_path)  # (made after the messages, it would be a rebuild)
    for seq in range(1, 6):
        store.add_messages(one, "alice", TS, [(seq, f"needle {seq}")])
        if seq <= 2:
            store.add_messages(two, "bob", TS, [(seq, f"needle {seq}")])
    store.add_messages(one, "alice", TS, [(7, "needle 7")])  # (6 never came)
    try:
        index.catch_up(limit=0, fresh=store.take_fresh())  # takes the notes, indexes nothing
        ranges = index.db.rows("SELECT room_id, first, last FROM search_ranges ORDER BY rowid")
        assert ranges == [(one, 1, 5), (one, 7, 7), (two, 1, 2)]
        index.catch_up(fresh=store.take_fresh())
        assert found(index, "needle", one) == [7, 5, 4, 3, 2, 1]
        assert found(index, "needle", two) == [2, 1]
    finally:
        index.close()


def test_a_search_is_told_every_message_not_yet_indexed_newest_first(
    db_path: str, store: ChatStore
) -> None:
    one, _ = store.open_room("one", "alice", 1, 3, None)
    two, _ = store.open_room("two", "bob", 2, 3, None)
    index = open_index(db_path)
    try:
        store.add_messages(one, "alice", TS, [(seq, "x") for seq in range(1, 4)])
        index.catch_up(
            limit=2, fresh=store.take_fresh()
        )  # 1-2 indexed, 3 taken as a range, not yet indexed
        store.add_messages(one, "alice", TS, [(seq, "x") for seq in range(4, 6)])
        store.add_messages(two, "bob", TS, [(1, "x")])
        store.add_messages(one, "alice", TS, [(seq, "x") for seq in range(8, 10)])
        with index.db.transaction():
            tail = unindexed_tail(index.db, [one, two])
        # 3 taken, not yet indexed; 4 and up stored, not yet handed over
        assert tail == {one: [(3, SEQ_TOP)], two: [(1, SEQ_TOP)]}
    finally:
        index.close()


def test_a_room_numbering_again_over_deleted_seqs_has_its_new_messages_indexed(
    db_path: str, store: ChatStore
) -> None:
    """Its newest messages deleted, a room reopened numbers on after the last one left
    (MessageLog.resume_after), and a new room may get a deleted room's id: the new
    messages reuse seqs the index took before, in this process or an earlier one."""
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    store.add_messages(room, "alice", TS, [(1, "hay"), (2, "old needle"), (3, "old needle")])
    index.catch_up(fresh=store.take_fresh())
    store.db.execute("DELETE FROM messages WHERE room_id = :r AND seq >= 2", r=room).finish()
    store.numbering_from(room, 0)  # the room's log, made again...
    store.numbering_from(room, 1)  # ...and told the last stored message
    store.add_messages(room, "alice", TS, [(2, "new needle")])
    index.catch_up(fresh=store.take_fresh())
    assert found(index, "needle", room) == [2]
    assert [row[3] for row in find(index.db, "new", [room], START, 5)] == ["new needle"]
    store.db.execute("DELETE FROM messages WHERE room_id = :r AND seq >= 2", r=room).finish()
    store.close()
    index.close()
    again = ChatStore(db_path, exclusive=True)  # a new process
    again.hands_over = True
    index = open_index(db_path)
    try:
        again.numbering_from(room, 0)
        again.numbering_from(room, 1)
        again.add_messages(room, "alice", TS, [(2, "newer needle"), (3, "newest needle")])
        index.catch_up(fresh=again.take_fresh())
        assert found(index, "needle", room) == [3, 2]
    finally:
        index.close()
        again.close()


def delete(store: ChatStore, room: int, seq: int) -> None:
    """One message deleted, as a moderator deletes it."""
    sql = "DELETE FROM messages WHERE room_id = :room AND seq = :seq"
    store.db.execute(sql, room=room, seq=seq).finish()


def reopened_over_deleted_seqs(db_path: str) -> int:
    """A room whose messages 1-3 were indexed and 2-3 then deleted (and forgotten), and a
    new process in which it reopens, as the server reopens persistent rooms: before the
    search worker exists (so before the store hands anything over), numbering after 1."""
    store = ChatStore(db_path, exclusive=True)
    store.hands_over = True
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    store.add_messages(room, "alice", TS, [(1, "hay"), (2, "old needle"), (3, "old needle")])
    index.catch_up(fresh=store.take_fresh())
    delete(store, room, 2)
    delete(store, room, 3)
    index.catch_up(fresh=store.take_fresh())
    index.close()
    store.close()
    return room


def test_new_messages_over_deleted_seqs_are_indexed_after_a_kill_before_any_catch_up(
    db_path: str,
) -> None:
    room = reopened_over_deleted_seqs(db_path)
    killed = ChatStore(db_path, exclusive=True)
    killed.numbering_from(room, 0)  # the room's log, made again...
    killed.numbering_from(room, 1)  # ...and told the last stored message
    killed.hands_over = True  # (the search worker, made after the rooms reopened)
    killed.add_messages(room, "alice", TS, [(2, "new needle"), (3, "newer needle")])
    killed.db.close()  # kill -9: committed, never taken by the index
    again = ChatStore(db_path, exclusive=True)
    again.hands_over = True
    index = open_index(db_path)
    try:
        index.catch_up(fresh=again.take_fresh())
        assert found(index, "needle", room) == [3, 2]
        assert indexed(index) == 3  # nothing of the deleted messages left
    finally:
        index.close()
        again.close()


def test_a_start_the_index_saw_before_it_was_handed_over_holds_across_a_kill(
    db_path: str,
) -> None:
    """The worker's snapshot can see a commit whose hand-over comes after it took the
    fresh messages: the start noted in that commit is applied then, so a kill before the
    next catch-up loses nothing. (A room's id is a deleted room's: numbering from 1.)"""
    killed = ChatStore(db_path, exclusive=True)
    killed.hands_over = True
    room, _ = killed.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    killed.add_messages(room, "alice", TS, [(1, "old needle"), (2, "old"), (3, "old")])
    index.catch_up(fresh=killed.take_fresh())
    for seq in (1, 2, 3):
        delete(killed, room, seq)
    index.catch_up(fresh=killed.take_fresh())
    killed.numbering_from(room, 0)
    killed.add_messages(room, "alice", TS, [(1, "new needle")])
    index.catch_up(fresh={})  # committed, not yet handed over
    killed.db.close()
    index.close()
    again = ChatStore(db_path, exclusive=True)
    again.hands_over = True
    index = open_index(db_path)
    try:
        index.catch_up(fresh=again.take_fresh())
        assert found(index, "needle", room) == [1] and indexed(index) == 1
    finally:
        index.close()
        again.close()


def test_a_late_deletion_note_does_not_take_the_new_message_on_its_seq(
    db_path: str, store: ChatStore
) -> None:
    room, _ = store.open_room("r", "alice", 1, 2, None)
    index = open_index(db_path)
    try:
        old = [(1, "old needle"), (2, "old needle ZQXJ"), (3, "old needle")]
        store.add_messages(room, "alice", TS, old)
        index.catch_up(fresh=store.take_fresh())
        delete(store, room, 3)
        delete(store, room, 2)  # noted last: forgotten two catch-ups on
        store.numbering_from(room, 1)
        store.add_messages(room, "alice", TS, [(2, "new needle")])
        for _ in range(3):  # one deletion note a catch-up
            index.catch_up(limit=1, fresh=store.take_fresh())
        assert found(index, "needle", room) == [2, 1] and indexed(index) == 2
        assert [row[3] for row in find(index.db, "new", [room], START, 5)] == ["new needle"]
        stale = "SELECT rowid FROM message_search WHERE message_search MATCH 'zqx'"
        assert index.db.rows(stale) == []  # the old message's entry went with its number
    finally:
        index.close()


def test_an_index_that_took_deletions_a_restored_backup_never_made_is_rebuilt(
    tmp_path: Path,
) -> None:
    """A backup made after the last start has issued every note the index took, but not
    the deletions that followed it."""
    db_path, backup = str(tmp_path / "chat.sqlite3"), str(tmp_path / "backup.sqlite3")
    store = ChatStore(db_path, exclusive=True)
    store.hands_over = True
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle one"), (2, "needle two")])
    index = open_index(db_path)
    index.catch_up(fresh=store.take_fresh())
    store.db.execute("VACUUM INTO :path", path=backup).finish()
    delete(store, room, 2)
    index.catch_up(fresh=store.take_fresh())  # the index forgets 2
    index.close()
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    Path(backup).rename(db_path)
    again = ChatStore(db_path, exclusive=True)
    again.hands_over = True
    index = open_index(db_path)
    try:
        while index.catch_up(fresh=again.take_fresh()).more:
            pass
        assert found(index, "needle", room) == [2, 1]
    finally:
        index.close()
        again.close()


def test_a_search_before_the_index_took_a_start_reads_the_new_messages_on_old_seqs(
    db_path: str,
) -> None:
    room = reopened_over_deleted_seqs(db_path)
    store = ChatStore(db_path, exclusive=True)
    store.hands_over = True
    store.numbering_from(room, 1)
    store.add_messages(room, "alice", TS, [(2, "new needle")])
    index = open_index(db_path)
    try:
        assert unindexed_tail(index.db, [room]) == {room: [(2, SEQ_TOP)]}
    finally:
        index.close()
        store.close()
