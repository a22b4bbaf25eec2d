"""`--workers N`: N node processes under one command, their ports printed, all stopped
cleanly together."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import MAIN, PASSWORD
from tests.db_access import query_db
from tests.wire_client import WireClient

ON_POSTGRESQL = pytest.mark.parametrize("db_engine", ["postgresql"])


def nodes(db_path: str) -> list[str]:
    return [row[0] for row in query_db(db_path, "SELECT name FROM nodes ORDER BY name")]


@ON_POSTGRESQL
def test_three_workers_serve_one_lobby_and_stop_together(qtbot: QtBot, db_path: str) -> None:
    command = subprocess.Popen(
        [sys.executable, MAIN, "--mode", "server", "--headless", "--port", "0",
         "--db", db_path, "--hash-profile", "test", "--registrations-per-address", "0",
         "--workers", "3", "--node-name", "w"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert command.stdout is not None
        lines = [command.stdout.readline() for _ in range(3)]
        assert all(line.startswith("listening on 127.0.0.1:") for line in lines), lines
        ports = [int(line.rsplit(":", 1)[1]) for line in lines]
        assert len(set(ports)) == 3
        assert nodes(db_path) == ["w", "w-2", "w-3"]
        first, last = (WireClient(qtbot, port) for port in (ports[0], ports[2]))
        for client, name in ((first, "alice"), (last, "bob")):
            client.expect("welcome")
            client.request("register", "registered", name=name, password=PASSWORD)
            client.request("login", "logged_in", name=name, password=PASSWORD)
        last.request("create_room", "room_created", name="Shared", capacity=2)
        assert first.expect("room_added")["room"]["name"] == "Shared"
        first.close()
        last.close()
    finally:
        command.terminate()
        command.wait(timeout=60)
        if command.stdout is not None:
            command.stdout.close()
    assert command.returncode == 0
    assert nodes(db_path) == []  # every worker left cleanly


def test_workers_need_postgresql(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, MAIN, "--mode", "server", "--headless", "--port", "0",
         "--db", str(tmp_path / "chat.sqlite3"), "--workers", "2"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "error: --workers needs a PostgreSQL --db (SQLite is one server)"
    )
