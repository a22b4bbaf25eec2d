"""A large history for the `history` and `search` scenarios, generated inside SQLite.

One INSERT … SELECT over a recursive CTE writes every message and notes them for the search
index; then the index file is built here (`build_index`), as the server's search worker would
build it in the background, so that the scenario measures a server that has finished. (An
older checkout's server, under `--repo`, builds its own index from the notes at start-up.)
It runs on Qt's bundled SQLite, because the index needs FTS5 options the system's Python
SQLite may lack.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtSql import QSqlDatabase, QSqlQuery

from app.server.db_target import SqliteTarget
from app.server.search_index import SearchIndex

WORDS = 2_000  # each message is six of them: any one word is in about 0.3% of messages
START_TS = time.time() - 30 * 86_400
BUILD_CHUNK = 100_000  # messages a transaction of the index build indexes


def words() -> list[str]:
    """Half English-like, half Korean-like pseudo-words, all distinct."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    english = [
        consonants[i % 16] + vowels[i // 16 % 5] + consonants[i // 80 % 16] + vowels[i % 5] + "n"
        for i in range(WORDS // 2)
    ]
    korean = [chr(0xAC00 + (i * 37) % 11_172) + chr(0xAC00 + (i * 101 + 7) % 11_172) + "다"
              for i in range(WORDS // 2)]  # fmt: skip
    return english + korean


def fill(db_path: str, rooms: int, messages: int, reader_key: str) -> float:
    """Add `rooms` persistent rooms holding `messages` in all, which `reader_key` has
    entered; returns the seconds it took."""
    QCoreApplication.instance() or QCoreApplication([])
    began = time.perf_counter()
    _fill(db_path, rooms, messages, reader_key)
    QSqlDatabase.removeDatabase("bench-fill")  # once no object of it is left
    build_index(db_path)
    return time.perf_counter() - began


def build_index(db_path: str) -> None:
    """Index every message into the index file beside the database (a database of this
    checkout's schema: one whose index is still inside it is left alone)."""
    db = QSqlDatabase.addDatabase("QSQLITE", "bench-schema")
    db.setDatabaseName(db_path)
    assert db.open(), db.lastError().text()
    query = QSqlQuery("SELECT 1 FROM sqlite_master WHERE name = 'search_forget'", db)
    separate = query.next()
    query.finish()
    del query
    db.close()
    del db
    QSqlDatabase.removeDatabase("bench-schema")
    if not separate:
        return
    index = SearchIndex.open_beside(SqliteTarget(db_path))
    try:
        while index.catch_up(BUILD_CHUNK).more:
            pass
        index.optimize()
    finally:
        index.close()


def _fill(db_path: str, rooms: int, messages: int, reader_key: str) -> None:
    db = QSqlDatabase.addDatabase("QSQLITE", "bench-fill")
    db.setDatabaseName(db_path)
    assert db.open(), db.lastError().text()
    query = QSqlQuery(db)

    def run(sql: str, *values: object) -> None:
        assert query.prepare(sql), query.lastError().text()
        for position, value in enumerate(values):
            query.bindValue(position, value)
        assert query.exec(), query.lastError().text()

    run("PRAGMA journal_mode = WAL")
    run("BEGIN")
    for n in range(1, rooms + 1):
        run(
            "INSERT INTO rooms (name, owner, port, capacity, created_at, persistent) "
            "VALUES (?, 'reader', 0, 100, '2026-01-01T00:00:00.000Z', 1)",
            f"Archive {n}",
        )
        run("INSERT INTO room_entries (room_id, user_key) SELECT max(id), ? FROM rooms", reader_key)
    run("CREATE TEMP TABLE words (id INTEGER PRIMARY KEY, w TEXT NOT NULL)")
    for index, word in enumerate(words()):
        run("INSERT INTO words (id, w) VALUES (?, ?)", index, word)
    pick = " || ' ' || ".join(
        f"(SELECT w FROM words WHERE id = (i * {p} + {k}) % {WORDS})"
        for p, k in ((7, 1), (13, 5), (31, 11), (61, 17), (101, 23), (151, 29))
    )
    first = "(SELECT min(id) FROM rooms WHERE name = 'Archive 1')"
    run(
        f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        f"INSERT INTO messages (room_id, seq, sender, text, ts) "
        f"SELECT {first} + i % ?, i / ? + 1, 'user' || (i % 50), {pick}, "
        f"strftime('%Y-%m-%dT%H:%M:%fZ', ? + i * 2.0, 'unixepoch') FROM n",
        messages - 1,
        rooms,
        rooms,
        START_TS,
    )
    run(
        "INSERT INTO search_backlog (room_id, first, last) "
        "SELECT room_id, min(seq), max(seq) FROM messages GROUP BY room_id"
    )
    run("COMMIT")
    query.finish()
    db.close()
