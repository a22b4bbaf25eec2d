"""Shared fixtures: a real server on 127.0.0.1 port 0 and protocol clients that talk to it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QProcess
from PySide6.QtSql import QSqlQuery
from pytestqt.qtbot import QtBot

from app.server import connection as connection_module
from app.server.config import ServerConfig
from app.server.server import ChatServer
from app.shared.limits import Clock
from tests.db_access import connection
from tests.fake_clock import FakeClock
from tests.pg_cluster import PgCluster, why_not_available
from tests.wire_client import WireClient

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "main.py")

PASSWORD = "correct horse"


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test (or module) marked `both_engines` runs once on SQLite, once on PostgreSQL;
    one also marked `sqlite_only(reason)` has its PostgreSQL run skipped for that reason."""
    if metafunc.definition.get_closest_marker("both_engines") and (
        "db_engine" in metafunc.fixturenames
    ):
        only = metafunc.definition.get_closest_marker("sqlite_only")
        if only is None:
            metafunc.parametrize("db_engine", ENGINES)
            return
        (reason,) = only.args  # the reason is required: it is what the skip says
        skipped = pytest.param(
            "postgresql", marks=pytest.mark.skip(reason=f"SQLite only: {reason}")
        )
        metafunc.parametrize("db_engine", ["sqlite", skipped])


def base_config(db_path: str, **overrides: Any) -> ServerConfig:
    """The settings every test server starts from: port 0, cheap hashing, `overrides`."""
    return replace(
        # Every test client comes from 127.0.0.1: tests of the registration throttle
        # turn it on with `registrations_per_address`.
        ServerConfig(
            db_path=db_path,
            port=0,
            hash_profile="test",
            empty_room_grace=10.0,
            registrations_per_address=0,
        ),
        **overrides,
    )


@pytest.fixture
def db_engine() -> str:
    """The engine `db_path` is on: SQLite unless the test is marked `both_engines`."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_cluster(qapp: Any) -> Iterator[PgCluster]:
    """One throw-away PostgreSQL server for the whole session (skipped where there is none)."""
    reason = why_not_available()
    if reason is not None:
        pytest.skip(reason)
    cluster = PgCluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path, db_engine: str) -> Iterator[str]:
    """The test's `--db`: a fresh SQLite file, or a fresh PostgreSQL database's URL."""
    if db_engine == "sqlite":
        yield str(tmp_path / "chat.sqlite3")
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name, url = cluster.new_database()
    yield url
    cluster.drop_database(name)


@pytest.fixture
def holder(qapp: Any, db_path: str) -> Iterator[QSqlQuery]:
    """Another connection to the database, as a second process would hold one (see
    `tests.db_access.lock_writes`); whatever it began is rolled back at the end."""
    with connection(db_path, "holder") as query:
        yield query
        query.exec("ROLLBACK")


@pytest.fixture
def make_server(
    qapp: Any, db_path: str, db_engine: str, tmp_path: Path
) -> Iterator[Callable[..., ChatServer]]:
    # qapp: a server is QObjects and QtSql, which need a Qt application even in a test
    # that opens no window.
    servers: list[ChatServer] = []
    # PostgreSQL's default files folder is in the user's app-data one, a folder per
    # database, but the test databases' names come back in every run (and in other runs at
    # once, whose part files and unused files a start deletes).
    files = {} if db_engine == "sqlite" else {"files_dir": str(tmp_path / "files")}

    def start(
        clock: Clock = time.monotonic, wall_clock: Clock = time.time, **overrides: Any
    ) -> ChatServer:
        config = base_config(**{"db_path": db_path, **files, **overrides})
        server = ChatServer(config, clock=clock, wall_clock=wall_clock)
        assert server.listen()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.deleteLater()


@pytest.fixture
def key_per_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection from 127.0.0.1 gets an address key of its own, as if each came from
    its own network (per-address limits then tell them apart)."""
    monkeypatch.setattr(connection_module, "address_key", lambda *_: f"net{next(ports)}")
    ports = iter(range(1_000_000))


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock that moves only when the test moves it; a test that asks for it gets a
    `server` on it (deadlines, idle checks, tickets, login throttles; `server.sweep()`
    then applies the deadlines the clock passed)."""
    return FakeClock()


@pytest.fixture
def server(request: pytest.FixtureRequest, make_server: Callable[..., ChatServer]) -> ChatServer:
    """The server the `connect` and `login` clients talk to; `@pytest.mark.server_config(...)`
    overrides its settings."""
    marker = request.node.get_closest_marker("server_config")
    overrides = dict(marker.kwargs) if marker else {}
    if "fake_clock" in request.fixturenames:
        overrides["clock"] = request.getfixturevalue("fake_clock")
    return make_server(**overrides)


@pytest.fixture
def connect(qtbot: QtBot, server: ChatServer) -> Iterator[Callable[..., WireClient]]:
    """Open a main-port client (its welcome already read) or, with `port=`, any port."""
    clients: list[WireClient] = []

    def open_client(port: int | None = None) -> WireClient:
        client = WireClient(qtbot, port if port is not None else server.port)
        clients.append(client)
        if port is None:
            client.expect("welcome")
        return client

    yield open_client
    for client in clients:
        client.close()


@pytest.fixture
def login(connect: Callable[..., WireClient]) -> Callable[[str], WireClient]:
    """Register (once) and log in `name`; returns the logged-in main-port client."""
    registered: set[str] = set()

    def log_in(name: str, password: str = PASSWORD) -> WireClient:
        client = connect()
        if name not in registered:
            client.request("register", "registered", name=name, password=password)
            registered.add(name)
        client.request("login", "logged_in", name=name, password=password)
        return client

    return log_in


@pytest.fixture
def server_process(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple]:
    """A real `main.py --mode server --headless` process: `start(*flags)` returns its port."""
    process = QProcess()
    process.setWorkingDirectory(str(ROOT))
    output = bytearray()
    process.readyReadStandardOutput.connect(
        lambda: output.extend(process.readAllStandardOutput().data())
    )

    def start(*extra: str) -> int:
        output.clear()
        process.start(
            sys.executable,
            [
                MAIN,
                "--mode",
                "server",
                "--headless",
                "--port",
                "0",
                "--db",
                str(tmp_path / "x.sqlite3"),
                "--hash-profile",
                "test",
                "--registrations-per-address",  # every test client comes from 127.0.0.1
                "0",
                *extra,
            ],
        )
        qtbot.waitUntil(lambda: b"\n" in output, timeout=20_000)
        line = output.decode().splitlines()[0]
        assert line.startswith("listening on 127.0.0.1:"), line
        return int(line.rsplit(":", 1)[1])

    yield start, process, output
    if process.state() != QProcess.ProcessState.NotRunning:
        process.kill()
        qtbot.waitUntil(lambda: process.state() == QProcess.ProcessState.NotRunning)


@pytest.fixture
def korean(tmp_path: Path) -> Iterator[None]:
    """Every Korean translation (the client's and the admin window's), freshly compiled from
    resources/translations/*_ko.ts and installed for one test."""
    from PySide6.QtWidgets import QApplication

    from app.shared import i18n

    lrelease = str(Path(sys.executable).parent / "pyside6-lrelease")
    for ts in sorted(i18n.TRANSLATIONS_DIR.glob("*_ko.ts")):
        qm = tmp_path / f"{ts.stem}.qm"
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    catalogs = (i18n.CLIENT_CATALOG, i18n.SERVER_CATALOG)
    translators = i18n.install_translators(app, "ko", tmp_path, catalogs)
    assert translators
    yield
    i18n.remove_translators(app, translators)
