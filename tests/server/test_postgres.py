"""What only PostgreSQL has: a lost connection reopened while the server goes on, one live
node per node name, the password from PGPASSFILE or a service file, and never a password in
a line the server writes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSysInfo

from app.server.database import Condition, DatabaseError
from app.server.db_target import PostgresTarget, parse_db
from app.server.node_registry import NodeNameInUseError
from app.server.store import ChatStore
from tests.conftest import MAIN, PASSWORD
from tests.db_access import query_db, shown
from tests.pg_cluster import PASSWORD as PG_PASSWORD
from tests.pg_cluster import USER, PgCluster
from tests.wire_client import WireClient

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])


@pytest.fixture(autouse=True)
def _qt_application(qapp) -> None:
    """QtSql needs a Qt application, even in a test that opens no window or socket."""


def dbname(db_path: str) -> str:
    target = parse_db(db_path)
    assert isinstance(target, PostgresTarget)
    return target.dbname


def cut_server_connections(cluster: PgCluster, db_path: str) -> None:
    """End every RoomChat connection to the database, as a PostgreSQL restart would."""
    cluster.admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{dbname(db_path)}' AND application_name LIKE 'roomchat:%'"
    )


def nodes(db_path: str) -> list[str]:
    return [row[0] for row in query_db(db_path, "SELECT name FROM nodes ORDER BY name")]


def db_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "roomchat.db"]


# The node bus's listening connection is cut too: Qt notes that it disables its socket.
LOST_LISTENER = "QSocketNotifier: Invalid socket"


@pytest.mark.qt_log_ignore(LOST_LISTENER)
def test_messages_wait_for_a_lost_connection_and_go_through_once_it_is_back(
    login, qtbot, pg_cluster, db_path, caplog
) -> None:
    caplog.set_level(logging.INFO, "roomchat.db")
    alice = login("alice")
    created = alice.request("create_room", "room_created", name="Lost", capacity=2)
    room = WireClient(qtbot, created["room"]["port"])
    room.request("enter", "entered", ticket=created["ticket"])
    room.request("say", "message", text="before")
    cut_server_connections(pg_cluster, db_path)
    room.send(type="say", text="after", id=7)
    message = room.expect("message")
    assert (message["seq"], message["text"]) == (2, "after")
    assert "error" not in room.types()
    lines = db_lines(caplog)
    assert f"{shown(db_path)}: connection to the database was lost; reconnecting" in lines
    assert f"{shown(db_path)}: connection to the database is back" in lines
    assert any("holding messages" in line for line in lines)
    assert query_db(db_path, "SELECT seq, text FROM messages ORDER BY seq") == [
        (1, "before"),
        (2, "after"),
    ]
    assert len(nodes(db_path)) == 1  # the node is still there, its lease renewed
    room.close()


@pytest.mark.qt_log_ignore(LOST_LISTENER)
def test_a_request_that_meets_a_lost_connection_is_told_to_retry(
    connect, pg_cluster, db_path
) -> None:
    client = connect()
    client.request("register", "registered", name="alice", password=PASSWORD)
    cut_server_connections(pg_cluster, db_path)
    client.send(type="register", name="bob", password=PASSWORD, id=1)
    assert client.expect_error("server_busy")["retry_after"] == 1.0
    client.request("register", "registered", name="bob", password=PASSWORD)


def test_one_live_node_per_node_name(make_server, db_path) -> None:
    first = make_server(node_name="north")
    with pytest.raises(NodeNameInUseError) as refused:
        make_server(node_name="north")
    assert str(refused.value) == (
        f"{shown(db_path)}: node name 'north' is in use by a live node "
        f"(process {os.getpid()} on {QSysInfo.machineHostName()})"
    )
    assert refused.value.pid == os.getpid()
    second = make_server(node_name="south")  # another name: another node of the server
    assert nodes(db_path) == ["north", "south"]
    ChatStore(db_path).close()  # --add-user and friends are no node
    first.shutdown()
    second.shutdown()
    assert nodes(db_path) == []
    make_server(node_name="north")


def start_server(*flags: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, MAIN, "--mode", "server", "--headless", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_second_process_of_the_same_node_name_is_refused_in_one_line_and_no_password_is_written(
    db_path,
) -> None:
    first = start_server("--db", db_path, "--log-level", "info", "--node-name", "north")
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("listening on 127.0.0.1:")
        second = start_server("--db", db_path, "--node-name", "north")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2 and out == ""
        assert err.splitlines() == [
            f"error: {shown(db_path)}: node name 'north' is in use by a live node "
            f"(process {first.pid} on {QSysInfo.machineHostName()})"
        ]
    finally:
        first.terminate()
        _, first_err = first.communicate(timeout=60)
    assert first.returncode == 0
    assert f"database: {shown(db_path)}" in first_err
    assert PG_PASSWORD not in first_err + err and ":***@" in first_err
    assert nodes(db_path) == []  # a node that stops cleanly removes itself


def test_a_database_that_cannot_be_reached_is_one_line(pg_cluster, db_path) -> None:
    url = f"postgresql://{USER}:{PG_PASSWORD}@127.0.0.1:1/{dbname(db_path)}"
    result = start_server("--db", url)
    out, err = result.communicate(timeout=60)
    assert result.returncode == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"error: {shown(url)}: cannot connect: connection to server at")
    assert PG_PASSWORD not in line


def test_the_password_may_come_from_pgpassfile(
    pg_cluster, db_path, tmp_path: Path, monkeypatch
) -> None:
    url = pg_cluster.url(dbname(db_path), password=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(DatabaseError) as refused:
        ChatStore(url)
    assert refused.value.condition is Condition.CANNOT_OPEN
    assert str(refused.value).startswith(f"{url}: cannot connect: ")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"{pg_cluster.host}:{pg_cluster.port}:*:{USER}:{PG_PASSWORD}\n")
    passfile.chmod(0o600)  # libpq ignores a password file others can read
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    store = ChatStore(url)
    assert store.add_account("alice", "alice", "h")
    store.close()


def test_a_libpq_service_names_the_database(
    pg_cluster, db_path, tmp_path: Path, monkeypatch, caplog
) -> None:
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[roomchat]\nhost={pg_cluster.host}\nport={pg_cluster.port}\n"
        f"dbname={dbname(db_path)}\nuser={USER}\npassword={PG_PASSWORD}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    caplog.set_level(logging.INFO, "roomchat.db")
    store = ChatStore("service=roomchat")
    assert store.db.path == "service=roomchat"
    store.close()
    assert query_db(db_path, "SELECT version FROM schema_version")  # the same database
