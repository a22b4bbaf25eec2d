"""A deleted room's messages go in batches, wait out a busy database, and finish at shutdown."""

from __future__ import annotations

import pytest
from PySide6.QtSql import QSqlQuery
from pytestqt.qtbot import QtBot

from app.server.history_eraser import BATCH, HistoryEraser
from app.server.store import ChatStore
from tests.server.test_database import holder  # noqa: F401  (a fixture used below)
from tests.server.test_persistence import query_db

TS = "2026-11-24T20:15:03.120Z"


@pytest.fixture
def store(qapp, db_path: str):
    opened = ChatStore(db_path)
    yield opened
    opened.close()


def rooms_with_messages(store: ChatStore, counts: list[int]) -> list[int]:
    ids = []
    for number, count in enumerate(counts):
        room_id, _ = store.open_room(f"R{number}", "alice", 1, 2, None, persistent=True)
        store.add_messages(room_id, "alice", TS, [(seq, "x") for seq in range(1, count + 1)])
        ids.append(room_id)
    return ids


def test_rooms_are_erased_in_batches_and_others_are_left(
    qtbot: QtBot, store: ChatStore, db_path: str
) -> None:
    first, second, kept = rooms_with_messages(store, [BATCH * 2 + 1, 3, 5])
    eraser = HistoryEraser(store)
    eraser.erase(first)
    eraser.erase(second)
    assert query_db(db_path, "SELECT COUNT(*) FROM messages") == [(BATCH * 2 + 9,)]  # not yet
    qtbot.waitUntil(lambda: eraser.pending == 0)
    assert query_db(db_path, "SELECT room_id, COUNT(*) FROM messages GROUP BY 1") == [(kept, 5)]


def test_a_busy_database_is_waited_out(
    qtbot: QtBot,
    store: ChatStore,
    db_path: str,
    holder: QSqlQuery,  # noqa: F811  (the fixture imported above)
    caplog,
) -> None:
    [room] = rooms_with_messages(store, [10])
    assert holder.exec("BEGIN EXCLUSIVE")
    eraser = HistoryEraser(store)
    eraser.erase(room)
    qtbot.waitUntil(lambda: "its messages are deleted later" in caplog.text)
    assert eraser.pending == 1
    assert holder.exec("ROLLBACK")
    qtbot.waitUntil(lambda: eraser.pending == 0, timeout=5000)
    assert query_db(db_path, "SELECT COUNT(*) FROM messages") == [(0,)]


def test_finish_erases_what_is_left_at_once(store: ChatStore, db_path: str) -> None:
    [room] = rooms_with_messages(store, [BATCH + 1])
    eraser = HistoryEraser(store)
    eraser.erase(room)
    eraser.finish()  # no event loop turn needed
    assert eraser.pending == 0
    assert query_db(db_path, "SELECT COUNT(*) FROM messages") == [(0,)]
