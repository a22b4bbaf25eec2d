"""The Nodes tab and the Rooms view's Node column: this server alone on SQLite; on
PostgreSQL every node, live as nodes join and rooms open on one node or another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow, CoreThread, open_admin_window
from app.server.admin.models import Column
from app.server.admin.node_model import NodeColumn, NodesModel
from app.server.admin.snapshots import NodeState
from app.server.server import ChatServer
from tests.conftest import base_config
from tests.server.admin.conftest import TIMEOUT_MS, ListeningCore, proxy_row, select_room
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

YES = QMessageBox.StandardButton.Yes
Login = Callable[..., WireClient]
Connect = Callable[..., WireClient]
NodeClient = Callable[..., WireClient]


def nodes_shown(admin: AdminWindow) -> list[tuple[str, ...]]:
    model = admin.nodes_tab.view.model()
    return [
        tuple(str(model.index(row, column).data()) for column in NodeColumn)
        for row in range(model.rowCount())
    ]


def node_of(admin: AdminWindow, room_id: int) -> str:
    row = proxy_row(admin, room_id)
    return str(admin.rooms_view.model().index(row, Column.NODE).data()) if row >= 0 else ""


def test_on_sqlite_the_tab_shows_this_server_alone_and_the_node_column_is_hidden(
    qtbot: QtBot, admin: AdminWindow, server: ListeningCore, login: Login, connect: Connect
) -> None:
    port = str(server.port)
    assert nodes_shown(admin) == [
        ("this server (this node)", "127.0.0.1", port, "0", "0", "none (SQLite)")
    ]
    index = admin.nodes_tab.model.index(0, NodeColumn.NAME)
    font = index.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert admin.rooms_view.isColumnHidden(Column.NODE)
    assert "SQLite" in admin.nodes_tab.hint.text()
    # Its load follows its rooms.
    room, ticket = create(login("alice"))
    qtbot.waitUntil(lambda: nodes_shown(admin)[0][NodeColumn.ROOMS] == "1", timeout=TIMEOUT_MS)
    enter(connect, room, ticket)
    qtbot.waitUntil(lambda: nodes_shown(admin)[0][NodeColumn.MEMBERS] == "1", timeout=TIMEOUT_MS)


def test_the_model_says_which_lease_ran_out(qtmodeltester) -> None:
    model = NodesModel()
    model.reset(
        [
            NodeState("a", "10.0.0.1", 7000, 2, 5, True, True),
            NodeState("b", "10.0.0.2", 7001, 1, 0, False, False),
        ]
    )
    qtmodeltester.check(model)
    lease = [str(model.index(row, NodeColumn.LEASE).data()) for row in range(2)]
    assert lease == ["live", "expired"]
    assert model.index(0, NodeColumn.NAME).data() == "a (this node)"
    assert model.index(1, NodeColumn.NAME).data() == "b"
    assert model.index(1, NodeColumn.NAME).data(Qt.ItemDataRole.FontRole) is None


@pytest.fixture
def node_a(db_path: str, tmp_path: Path) -> Iterator[CoreThread]:
    """The window's server: node "a" on the test's PostgreSQL database, on its own thread."""
    # A long lease: its renewal (every 20 s) is not what shows the changes in time.
    config = base_config(db_path, node_name="a", node_lease=60.0, files_dir=str(tmp_path / "files"))
    running = CoreThread(lambda parent: ChatServer(config, parent))
    running.start()
    try:
        assert running.listen() is not None
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("db_engine", ["postgresql"])
def test_on_postgresql_the_tab_follows_the_nodes_and_the_rooms_say_where_they_run(
    qtbot: QtBot,
    node_a: CoreThread,
    node: Callable[..., ChatServer],
    node_client: NodeClient,
) -> None:
    admin = open_admin_window(node_a.bridge)
    qtbot.waitUntil(lambda: admin.synced, timeout=TIMEOUT_MS)
    a = ListeningCore(node_a, node_a.bridge.address)
    port_a = str(a.port)
    assert nodes_shown(admin) == [("a (this node)", "127.0.0.1", port_a, "0", "0", "live")]
    assert not admin.rooms_view.isColumnHidden(Column.NODE)

    b = node("b", advertise_host="127.0.0.2")  # joins: it tells the others at once
    port_b = str(b.port)
    # (A may have read B's row before B's port was open: it said port 0 then.)
    b_row = ("b", "127.0.0.2", port_b, "0", "0", "live")
    qtbot.waitUntil(lambda: nodes_shown(admin)[1:] == [b_row], timeout=TIMEOUT_MS)

    # Both are idle: a room created on B's lobby opens on B; A lists it as B's.
    on_b, _ = create(node_client(b, "bob"), "Lounge")
    qtbot.waitUntil(lambda: node_of(admin, on_b["id"]) == "b", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: nodes_shown(admin)[1][NodeColumn.ROOMS] == "1", timeout=TIMEOUT_MS)
    select_room(qtbot, admin, on_b["id"])  # listed only: b's own window acts on it
    assert admin.members_group.title() == "Members of Lounge (on the node b)"
    assert not admin.close_room_button.isEnabled()
    assert not admin.room_moderation.apply_button.isEnabled()
    # B runs one room now: the next one, created on A's lobby, opens on A.
    on_a, _ = create(node_client(a, "alice"), "Attic")
    qtbot.waitUntil(lambda: node_of(admin, on_a["id"]) == "a (this node)", timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: [row[NodeColumn.ROOMS] for row in nodes_shown(admin)] == ["1", "1"],
        timeout=TIMEOUT_MS,
    )

    b.shutdown()  # leaves: its row goes, and its room with it
    qtbot.waitUntil(lambda: len(nodes_shown(admin)) == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: proxy_row(admin, on_b["id"]) < 0, timeout=TIMEOUT_MS)
    admin.form.close()
    assert admin.confirmation is not None  # alice is still logged in: stop anyway
    qtbot.mouseClick(admin.confirmation.button(YES), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not admin.form.isVisible(), timeout=TIMEOUT_MS)
