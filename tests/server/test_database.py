"""The database module on both engines: schema versions, known failures sorted into one
plain line each, the instance id."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtSql import QSqlDatabase, QSqlError

from app.server.database import Condition, Database, DatabaseError, SchemaTooNewError, condition_of
from app.server.engines import SqliteEngine
from app.server.hashing import make_argon2
from app.server.store import MIGRATIONS, ChatStore
from tests.conftest import PASSWORD
from tests.db_access import (
    is_postgres,
    lock_writes,
    query_db,
    run_sql,
    schema_version,
    set_read_only,
    shown,
)
from tests.wire_client import WireClient

both_engines = pytest.mark.both_engines


@pytest.fixture(autouse=True)
def _qt_application(qapp) -> None:
    """QtSql needs a Qt application, even in a test that opens no window or socket."""


def make_database_as_main_did(path: str) -> None:
    """A database as the code before user_version made it: a `schema_version` table at 1."""
    run_sql(
        path,
        "PRAGMA journal_mode=WAL",
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version (version) VALUES (0)",
        *(SqliteEngine.ddl(step) for step in MIGRATIONS[0] if isinstance(step, str)),
        "UPDATE schema_version SET version = 1",
    )


def db_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "roomchat.db"]


def test_a_database_from_the_schema_version_table_days_keeps_its_data(
    make_server, qtbot, db_path
) -> None:
    make_database_as_main_did(db_path)
    run_sql(
        db_path,
        "INSERT INTO users (name, name_key, password_hash, created_at) VALUES ('alice', "
        f"'alice', '{make_argon2('test').hash(PASSWORD)}', '2026-01-01T00:00:00.000Z')",
        "INSERT INTO rooms (name, owner, port, capacity, created_at) "
        "VALUES ('Old', 'alice', 1, 2, '2026-01-01T00:00:00.000Z')",
        "INSERT INTO messages VALUES (1, 1, 'alice', 'kept', '2026-01-01T00:00:00.000Z')",
    )
    server = make_server()
    alice = WireClient(qtbot, server.port)
    alice.request("login", "logged_in", name="alice", password=PASSWORD)
    alice.close()
    server.shutdown()
    assert query_db(db_path, "SELECT sender, text FROM messages") == [("alice", "kept")]
    assert query_db(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    tables = query_db(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    assert ("schema_version",) not in tables


@both_engines
def test_migrations_run_once_and_are_counted(db_path, caplog) -> None:
    caplog.set_level(logging.INFO, "roomchat.db")
    ChatStore(db_path).close()
    assert schema_version(db_path) == len(MIGRATIONS)
    first = len(db_errors(caplog))
    ChatStore(db_path).close()
    assert len(db_errors(caplog)) == first  # nothing migrated the second time


@both_engines
@pytest.mark.parametrize("where", ["current place", "schema_version table"])
def test_a_newer_schema_is_refused_and_left_untouched(db_path, where) -> None:
    too_new = len(MIGRATIONS) + 1
    if where == "current place":
        ChatStore(db_path).close()
        if is_postgres(db_path):
            run_sql(db_path, f"UPDATE schema_version SET version = {too_new}")
        else:
            run_sql(db_path, f"PRAGMA user_version = {too_new}")
    elif is_postgres(db_path):
        pytest.skip("PostgreSQL databases never had the old schema_version table")
    else:
        make_database_as_main_did(db_path)
        run_sql(db_path, f"UPDATE schema_version SET version = {too_new}")
    with pytest.raises(SchemaTooNewError) as refused:
        ChatStore(db_path)
    assert refused.value.condition is Condition.SCHEMA_TOO_NEW
    assert str(refused.value) == (
        f"{shown(db_path)}: database was made by a newer RoomChat (schema version {too_new}; "
        f"this one "
        f"knows up to {len(MIGRATIONS)}): upgrade RoomChat or use another --db"
    )
    if where == "current place":
        assert schema_version(db_path) == too_new
    else:
        assert query_db(db_path, "SELECT version FROM schema_version") == [(too_new,)]


def test_instance_is_kept_by_the_file_and_new_for_a_new_file(tmp_path: Path) -> None:
    first = ChatStore(str(tmp_path / "a.sqlite3"))
    instance = first.instance
    first.close()
    again = ChatStore(str(tmp_path / "a.sqlite3"))
    other = ChatStore(str(tmp_path / "b.sqlite3"))
    assert again.instance == instance
    assert other.instance != instance
    assert len(instance) == 22 and instance.replace("-", "").replace("_", "").isalnum()
    again.close()
    other.close()


def test_an_old_database_gets_an_instance_too(db_path) -> None:
    make_database_as_main_did(db_path)
    store = ChatStore(db_path)
    instance = store.instance
    store.close()
    assert query_db(db_path, "SELECT key, value FROM meta") == [("instance", instance)]


@both_engines
def test_a_busy_database_says_server_busy_with_one_plain_line(
    connect, holder, db_path, caplog
) -> None:
    lock_writes(holder, db_path)
    client = connect()
    client.send(type="register", name="alice", password=PASSWORD, id=1)
    assert client.expect_error("server_busy")["retry_after"] == 1.0
    # Without an id a server_busy would read as "closed" (v1): it comes as rate_limited.
    client.send(type="register", name="alice", password=PASSWORD)
    assert client.expect_error("rate_limited")["retry_after"] == 1.0
    assert any(
        line.endswith("failed: database is busy (locked by another process)")
        for line in db_errors(caplog)
    )
    assert holder.exec("ROLLBACK")
    client.request("register", "registered", name="alice", password=PASSWORD)


@both_engines
@pytest.mark.server_config(persistent_rooms="everyone")
def test_a_deletion_the_database_cannot_record_changes_nothing(
    server, login, holder, db_path
) -> None:
    alice = login("alice")
    room = alice.request("create_room", "room_created", name="Kept", capacity=2, persistent=True)[
        "room"
    ]
    lock_writes(holder, db_path)
    alice.send(type="delete_room", room_id=room["id"], id=1)
    assert alice.expect_error("server_busy")["id"] == 1
    server.close_room(room["id"])  # the admin window's Close room: logged, nothing changes
    assert holder.exec("ROLLBACK")
    assert room["id"] in server.directory.rooms and "room_deleted" not in alice.types()
    assert query_db(db_path, "SELECT COUNT(*) FROM rooms WHERE closed_at IS NULL") == [(1,)]
    alice.request("delete_room", "room_deleted", room_id=room["id"])


@both_engines
def test_a_read_only_database_fails_the_request_with_one_plain_line(
    server, connect, db_path, caplog
) -> None:
    set_read_only(server.store.db, True)
    client = connect()
    client.send(type="register", name="alice", password=PASSWORD)
    client.expect_error("internal_error")
    assert any(line.endswith("failed: database is read-only") for line in db_errors(caplog))


def test_a_full_disk_fails_the_message_with_one_plain_line(server, login, qtbot, caplog) -> None:
    alice = login("alice")
    created = alice.request("create_room", "room_created", name="Full", capacity=2)
    member = WireClient(qtbot, created["room"]["port"])
    member.request("enter", "entered", ticket=created["ticket"])
    pages = server.store.db.rows("PRAGMA page_count")[0][0]
    server.store.db.execute(f"PRAGMA max_page_count = {pages}").finish()
    for _ in range(5):  # needs pages the file may not grow to
        member.send(type="say", text="x" * 4000)
    member.expect_error("internal_error")
    room = created["room"]["id"]
    assert f"room {room}: messages not stored: database or disk is full" in db_errors(caplog)
    member.close()


def test_a_file_that_is_not_a_database_is_refused_as_corrupt(db_path) -> None:
    Path(db_path).write_bytes(b"this is not SQLite" * 300)
    with pytest.raises(DatabaseError) as refused:
        ChatStore(db_path)
    assert refused.value.condition is Condition.CORRUPT
    assert str(refused.value) == f"{db_path}: database file is corrupt (or not a database)"


def test_a_folder_that_does_not_exist_cannot_be_opened(tmp_path: Path) -> None:
    path = str(tmp_path / "missing" / "chat.sqlite3")
    with pytest.raises(DatabaseError) as refused:
        ChatStore(path)
    assert refused.value.condition is Condition.CANNOT_OPEN
    assert str(refused.value) == f"{path}: database file cannot be opened"


@pytest.mark.parametrize(
    ("code", "condition"),
    [("10", Condition.IO_ERROR), ("522", Condition.IO_ERROR), ("6", Condition.BUSY),
     ("11", Condition.CORRUPT), ("19", Condition.BUG), ("", Condition.BUG)],
)  # fmt: skip
def test_sqlite_result_codes_sort_into_conditions(code: str, condition: Condition) -> None:
    # An I/O error cannot be made on demand; 522 is SQLITE_IOERR_SHORT_READ (extended).
    error = QSqlError(
        "Unable to fetch row", "disk I/O error", QSqlError.ErrorType.StatementError, code
    )
    assert condition_of(error) is condition


@both_engines
def test_a_bug_is_logged_with_its_details_but_not_its_values(db_path, caplog) -> None:
    store = ChatStore(db_path)
    insert = (
        "INSERT INTO users (name, name_key, password_hash, created_at) VALUES (:n, :k, :h, :at)"
    )
    store.db.execute(insert, n="alice", k="alice", h="secret-hash-1", at="now").finish()
    with pytest.raises(DatabaseError) as failed:
        store.db.execute(insert, n="alice", k="alice", h="secret-hash-2", at="now")
    store.close()
    assert failed.value.condition is Condition.BUG
    [line] = db_errors(caplog)
    if is_postgres(db_path):
        assert line.startswith(
            f"database bug: {insert}: ERROR: duplicate key value violates unique constraint "
            '"users_name_key_key"'
        )
        assert "SQLSTATE 23505" in line and "DETAIL" not in line  # it quotes the key
    else:
        assert line.startswith(f"database bug: {insert}: UNIQUE constraint failed: users.name_key")
        assert "SQLite code 2067" in line
    assert "secret-hash" not in line and "secret-hash" not in str(failed.value)


@both_engines
def test_messages_wait_for_a_busy_database_while_the_room_goes_on(
    login, qtbot, holder, db_path, caplog
) -> None:
    """Another process holds the write lock: a message waits, in order, and is delivered
    once stored; meanwhile the server still answers everyone (it never waits on the lock)."""
    alice, bob = login("alice"), login("bob")
    created = alice.request("create_room", "room_created", name="Busy", capacity=3)
    port = created["room"]["port"]
    alice_room = WireClient(qtbot, port)
    alice_room.request("enter", "entered", ticket=created["ticket"])
    granted = bob.request("join_room", "join_granted", room_id=created["room"]["id"])
    bob_room = WireClient(qtbot, port)
    bob_room.request("enter", "entered", ticket=granted["ticket"])
    lock_writes(holder, db_path)
    alice_room.send(type="say", text="first", id=1)
    alice_room.send(type="say", text="second", id=2)
    bob_room.request("ping", "pong")
    bob.request("list_rooms", "rooms")
    assert "message" not in bob_room.types()  # not delivered: not stored yet
    assert any("holding messages" in line for line in db_errors(caplog))
    assert holder.exec("COMMIT")
    texts = [bob_room.expect("message") for _ in range(2)]
    assert [(m["seq"], m["text"]) for m in texts] == [(1, "first"), (2, "second")]
    assert [m["seq"] for m in (alice_room.expect("message"), alice_room.expect("message"))] == [
        1,
        2,
    ]
    assert "error" not in alice_room.types()


@both_engines
def test_a_closed_database_is_never_opened_again(db_path) -> None:
    """A statement after shutdown (a session closing late) once opened a new connection,
    left behind for PostgreSQL to cut."""
    database = Database(db_path, MIGRATIONS)
    database.close()
    before = set(QSqlDatabase.connectionNames())
    with pytest.raises(DatabaseError) as refused:
        database.rows("SELECT 1")
    assert refused.value.condition == Condition.CONNECTION_LOST
    assert set(QSqlDatabase.connectionNames()) == before  # no connection left behind


def test_rows_of_any_count_go_in_through_a_few_prepared_statements(tmp_path: Path) -> None:
    """Each statement stays prepared for good: one per count (1 to 100) would be 100."""
    store = ChatStore(str(tmp_path / "rows.sqlite3"))
    db = store.db
    db.execute("CREATE TABLE pairs (a INTEGER NOT NULL, b TEXT NOT NULL)").finish()
    insert = "INSERT INTO pairs (a, b) VALUES"
    total = 0
    for count in range(1, 101):
        rows = [(total + i, f"row {total + i}") for i in range(count)]
        assert db.insert_rows(insert, 2, rows) == count
        total += count
    assert db.rows("SELECT count(*), count(DISTINCT a) FROM pairs") == [(total, total)]
    assert len([sql for sql in db._statements if sql.startswith(insert)]) <= 7
    store.close()
