"""Schema 3 and 4 on a database of schema 2: accounts kept, operators and skeletons added,
rooms temporary; the look-alike check goes by index."""

from __future__ import annotations

import pytest

from app.server.database import Database
from app.server.hashing import make_argon2
from app.server.store import MIGRATIONS, Account, ChatStore
from app.shared.validation import name_key, name_skeleton
from tests.conftest import PASSWORD
from tests.server.test_database import run_sql
from tests.server.test_persistence import query_db
from tests.wire_client import WireClient

TS = "2026-01-01T00:00:00.000Z"


@pytest.fixture(autouse=True)
def _qt_application(qapp) -> None:
    """QtSql needs a Qt application, even in a test that opens no window or socket."""


def make_version_2_database(path: str, password_hash: str) -> None:
    """A database as the code before operators made it, with two accounts and a room."""
    Database(path, MIGRATIONS[:2]).close()
    run_sql(
        path,
        "INSERT INTO users (name, name_key, password_hash, created_at) VALUES "
        f"('alice', 'alice', '{password_hash}', '{TS}'), ('김민준', '김민준', 'x', '{TS}')",
        f"INSERT INTO rooms (name, owner, port, capacity, created_at) "
        f"VALUES ('Old', 'alice', 1, 2, '{TS}')",
    )


def test_a_version_2_database_is_upgraded_with_its_accounts_kept(
    make_server, qtbot, db_path
) -> None:
    password_hash = make_argon2("test").hash(PASSWORD)
    make_version_2_database(db_path, password_hash)
    assert query_db(db_path, "PRAGMA user_version") == [(2,)]
    store = ChatStore(db_path)
    assert store.account(name_key("alice")) == Account("alice", password_hash, operator=False)
    rows = query_db(db_path, "SELECT name, operator, skeleton FROM users ORDER BY id")
    # filled by the migration (a Hangul skeleton is made of jamo)
    assert rows == [("alice", 0, "alice"), ("김민준", 0, name_skeleton("김민준"))]
    assert query_db(db_path, "SELECT persistent FROM rooms") == [(0,)]
    assert store.name_taken("a1ice", name_key("a1ice"))  # looks like the old account
    assert not store.name_taken("carol", name_key("carol"))
    store.close()
    assert query_db(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]

    server = make_server()
    assert server.directory.rooms == {}  # the old room was temporary: closed at start
    client = WireClient(qtbot, server.port)
    logged_in = client.request("login", "logged_in", name="alice", password=PASSWORD)
    assert logged_in["operator"] is False
    client.send(type="register", name="ALICE", password=PASSWORD)
    client.expect_error("name_taken")
    client.close()


def test_the_look_alike_check_finds_a_skeleton_by_index(db_path) -> None:
    store = ChatStore(db_path)
    assert store.add_account("alice", "alice", "h")
    assert not store.add_account("a1ice", name_key("a1ice"), "h")  # same skeleton
    plan = store.db.rows(
        "EXPLAIN QUERY PLAN SELECT 1 FROM users WHERE name_key = :k OR skeleton = :s LIMIT 1",
        k="x",
        s="y",
    )
    details = " ".join(str(row[-1]) for row in plan)
    assert "users_skeleton" in details and "SCAN" not in details, details
    store.close()
