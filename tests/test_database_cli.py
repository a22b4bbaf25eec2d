"""A database the server cannot use, as an operator starting `main.py` sees it: one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, QSysInfo

from app.server.db_lock import DatabaseInUseError
from app.server.store import MIGRATIONS, ChatStore
from tests.conftest import MAIN
from tests.db_access import run_sql
from tests.wire_client import WireClient


@pytest.fixture(autouse=True)
def _qt_application(qapp) -> None:
    """QtSql needs a Qt application, even in a test that opens no window or socket."""


def start_server(db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, MAIN, "--mode", "server", "--headless", "--port", "0", "--db", db],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_second_server_on_the_same_database_is_refused(qtbot, server_process, tmp_path) -> None:
    start, process, _ = server_process
    port = start()
    db = str(tmp_path / "x.sqlite3")  # the fixture's --db
    second = start_server(db)
    assert second.returncode == 2
    assert second.stdout == ""
    assert second.stderr.splitlines() == [
        f"error: {db}: database is in use by another RoomChat server "
        f"(process {process.processId()} on {QSysInfo.machineHostName()})"
    ]
    client = WireClient(qtbot, port)  # the first goes on serving
    client.expect("welcome")
    client.close()
    assert process.state() == QProcess.ProcessState.Running


def test_a_stopped_server_leaves_the_database_free(qtbot, server_process) -> None:
    start, process, _ = server_process
    start()
    process.terminate()
    qtbot.waitUntil(lambda: process.state() == QProcess.ProcessState.NotRunning, timeout=10_000)
    start()  # the same --db again


@pytest.mark.both_engines
def test_one_process_cannot_serve_one_database_twice(make_server, db_path) -> None:
    first = make_server()
    with pytest.raises(DatabaseInUseError) as refused:
        make_server()
    assert refused.value.pid == os.getpid()
    first.shutdown()
    make_server()


@pytest.mark.parametrize("problem", ["newer schema", "not a database"])
def test_an_unusable_database_is_one_line_and_no_traceback(tmp_path: Path, problem) -> None:
    db = str(tmp_path / "that.sqlite3")
    if problem == "newer schema":
        ChatStore(db).close()
        run_sql(db, f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
        expected = "database was made by a newer RoomChat"
    else:
        Path(db).write_bytes(b"\0garbage" * 1000)
        expected = "database file is corrupt (or not a database)"
    result = start_server(db)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {db}: {expected}")
    assert result.stdout == ""
