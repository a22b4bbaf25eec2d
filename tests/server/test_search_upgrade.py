"""Schema 13 on an SQLite database of schema 12, whose search index was a table inside it:
the table goes, and the index file beside it is built from every stored message."""

from __future__ import annotations

import pytest

from app.server.database import Database
from app.server.db_target import SqliteTarget
from app.server.search_index import SearchIndex
from app.server.search_sql import START, find
from app.server.store import MIGRATIONS, ChatStore
from tests.db_access import query_db, run_sql, schema_version

TS = "2026-01-01T00:00:00.000Z"


@pytest.fixture(autouse=True)
def _qt_application(qapp) -> None:
    """QtSql needs a Qt application, even in a test that opens no window or socket."""


def test_a_version_12_index_inside_the_database_moves_to_its_own_file(db_path: str) -> None:
    assert len(MIGRATIONS) == 14
    Database(db_path, MIGRATIONS[:12]).close()
    run_sql(
        db_path,
        f"INSERT INTO rooms (name, owner, port, capacity, created_at, persistent) "
        f"VALUES ('Old', 'alice', 1, 2, '{TS}', 1)",
        "INSERT INTO messages (room_id, seq, sender, text, ts) VALUES "
        f"(1, 1, 'alice', 'an old needle', '{TS}'), (1, 2, 'alice', 'hay', '{TS}')",
        "INSERT INTO message_search (rowid, text) SELECT room_id * 4294967296 + seq, text "
        "FROM messages",  # as the old server indexed it
    )
    store = ChatStore(db_path, exclusive=True)
    try:
        assert schema_version(db_path) == len(MIGRATIONS)
        tables = "SELECT name FROM sqlite_master WHERE name LIKE 'message_search%'"
        assert query_db(db_path, tables) == []
        index = SearchIndex.open_beside(SqliteTarget(db_path))
        try:
            index.catch_up()
            assert [row[3] for row in find(index.db, "needle", [1], START, 5)] == ["an old needle"]
        finally:
            index.close()
        store.delete_messages(1, 1)  # the new trigger notes the deletion for the index
        assert query_db(db_path, "SELECT room_id, seq FROM search_forget") == [(1, 1)]
    finally:
        store.close()


def test_version_14_numbers_notes_on_above_every_id_autoincrement_issued(db_path: str) -> None:
    Database(db_path, MIGRATIONS[:13]).close()
    run_sql(
        db_path,
        f"INSERT INTO rooms (name, owner, port, capacity, created_at, persistent) "
        f"VALUES ('Old', 'alice', 1, 2, '{TS}', 1)",
        *["INSERT INTO search_backlog (room_id, first, last) VALUES (1, 1, 0)"] * 7,
        "DELETE FROM search_backlog",  # every note taken: sqlite_sequence alone keeps 7
    )
    store = ChatStore(db_path, exclusive=True)
    try:
        store.add_messages(1, "alice", TS, [(1, "new")])
        assert query_db(db_path, "SELECT id FROM search_backlog ORDER BY id") == [(7,), (8,)]
        assert query_db(
            db_path, "SELECT count(*) FROM sqlite_sequence WHERE name = 'search_backlog'"
        ) == [(0,)]
    finally:
        store.close()
