"""Fixtures of the tests of nodes sharing one PostgreSQL database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.wire_client import WireClient


@pytest.fixture
def node(make_server: Callable[..., ChatServer]) -> Callable[..., ChatServer]:
    """A node named `name` on the test's database (every node shares it)."""

    def start(name: str, **overrides) -> ChatServer:
        return make_server(node_name=name, **overrides)

    return start


@pytest.fixture
def node_client(qtbot: QtBot) -> Iterator[Callable[[ChatServer, str], WireClient]]:
    """`node_client(server, name)`: a main-port client of that node, registered once, logged in."""
    clients: list[WireClient] = []
    registered: set[str] = set()

    def log_in(server: ChatServer, name: str) -> WireClient:
        main = WireClient(qtbot, server.port)
        clients.append(main)
        main.expect("welcome")
        if name not in registered:
            main.request("register", "registered", name=name, password=PASSWORD)
            registered.add(name)
        main.request("login", "logged_in", name=name, password=PASSWORD)
        return main

    yield log_in
    for each in clients:
        each.close()
