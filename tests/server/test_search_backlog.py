"""SQLite's search index written in bulk: stored messages wait in `search_backlog` (as
ranges of seqs) and
reach the index before any search, in a group commit once enough wait, and at start-up
after a server that was killed before indexing them."""

from __future__ import annotations

import pytest

from app.server.attachment_store import AttachmentStore
from app.server.search_sql import SEARCH_INDEX_BATCH, START, find
from app.server.store import ChatStore
from app.shared.protocol import Attachment
from tests.db_access import query_db

# A QtSql connection needs the application object, which qtbot makes.
pytestmark = pytest.mark.usefixtures("qtbot")

TS = "2026-01-01T00:00:01.000Z"


def indexed(db_path: str) -> int:
    return int(query_db(db_path, "SELECT count(*) FROM message_search")[0][0])


def backlog(db_path: str) -> int:
    waiting = "SELECT coalesce(sum(last - first + 1), 0) FROM search_backlog"
    return int(query_db(db_path, waiting)[0][0])


def test_messages_left_unindexed_by_a_killed_server_are_indexed_at_the_next_start(
    db_path: str,
) -> None:
    store = ChatStore(db_path, exclusive=True)
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle"), (2, "hay")])
    assert indexed(db_path) == 0 and backlog(db_path) == 2
    store.db.close()  # as kill -9 leaves it: committed, not yet indexed
    again = ChatStore(db_path, exclusive=True)
    try:
        assert indexed(db_path) == 2 and backlog(db_path) == 0
        assert find(again.db, "needle", [room], START, 5) == [(room, 1, "alice", "needle", TS)]
    finally:
        again.close()


def test_a_message_deleted_before_it_was_indexed_never_enters_the_index(db_path: str) -> None:
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        store.add_messages(room, "alice", TS, [(1, "needle one"), (2, "needle two")])
        assert store.delete_messages(room, 1) == 1
        store.index_messages()
        assert indexed(db_path) == 1 and backlog(db_path) == 0
        assert [row[1] for row in find(store.db, "needle", [room], START, 5)] == [2]
    finally:
        store.close()


def test_a_group_commit_indexes_the_backlog_once_a_batch_waits(db_path: str) -> None:
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        store.add_messages(room, "alice", TS, [(1, "first")])
        assert backlog(db_path) == 1
        rows = [(seq, f"line {seq}") for seq in range(2, SEARCH_INDEX_BATCH + 1)]
        store.add_messages(room, "alice", TS, rows)
        assert backlog(db_path) == 0 and indexed(db_path) == SEARCH_INDEX_BATCH
    finally:
        store.close()


def test_closing_the_store_indexes_what_waits(db_path: str) -> None:
    store = ChatStore(db_path)
    room, _ = store.open_room("r", "alice", 1, 2, None)
    store.add_messages(room, "alice", TS, [(1, "needle")])
    store.close()
    assert indexed(db_path) == 1 and backlog(db_path) == 0


def test_a_file_message_is_noted_for_the_index_too(db_path: str) -> None:
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        file = Attachment(0, "needle.txt", 3, "text/plain", "ab" * 32)
        AttachmentStore(store.db).post(room, 1, "alice", "a needle", TS, "alice", file)
        store.index_messages()
        assert [row[3] for row in find(store.db, "needle", [room], START, 5)] == ["a needle"]
    finally:
        store.close()
