"""The admin models checked by Qt's model tester while a real server, on its own thread,
changes under them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Slot
from pytestqt.qtbot import QtBot

from app.server.admin import CoreBridge, CoreThread
from app.server.admin.log_feed import LEVEL_ROLE, EventLogModel
from app.server.admin.models import ROOM_ID_ROLE, SORT_ROLE, Column, MembersModel, RoomsModel
from app.server.admin.snapshots import CoreState
from tests.server.admin.conftest import TIMEOUT_MS
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


class Published(QObject):
    """Takes the core's snapshots on the test's thread (a plain function connected to the
    bridge would run on the core's thread)."""

    def __init__(self, core: CoreBridge) -> None:
        super().__init__()
        self.states: list[CoreState] = []
        core.state_published.connect(self._on_core_state_published)

    @Slot(object)
    def _on_core_state_published(self, state: CoreState) -> None:
        self.states.append(state)


def snapshot(qtbot: QtBot, core: CoreBridge) -> CoreState:
    published = Published(core)
    core.publish()
    qtbot.waitUntil(lambda: bool(published.states), timeout=TIMEOUT_MS)
    return published.states[0]


def test_rooms_model_stays_consistent_as_rooms_open_fill_and_close(
    qtbot: QtBot, qtmodeltester, core: CoreThread, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    early, early_ticket = create(alice, "Early")
    model = RoomsModel()
    model.follow(core.bridge)
    changed_on: set[threading.Thread] = set()
    for signal in (model.rowsInserted, model.dataChanged, model.rowsRemoved):
        signal.connect(lambda *_: changed_on.add(threading.current_thread()))
    model.reset(snapshot(qtbot, core.bridge).rooms)  # sees rooms opened before it
    qtmodeltester.check(model, force_py=False)
    assert model.room_ids() == [early["id"]]
    later, _ = create(bob, "later", capacity=2, password="pw12")
    early_room = enter(connect, early, early_ticket)
    join(connect, bob, early)
    qtbot.waitUntil(lambda: model.index(0, Column.MEMBERS).data() == "2 / 4", timeout=TIMEOUT_MS)
    row = model.row_of(early["id"])
    assert model.index(row, Column.MEMBERS).data(SORT_ROLE) == 2
    assert model.index(row, Column.NAME).data(ROOM_ID_ROLE) == early["id"]
    assert model.index(model.row_of(later["id"]), Column.LOCKED).data() == "locked"
    assert model.headerData(Column.OPENED, Qt.Orientation.Horizontal) == "Opened at"
    core.bridge.close_room(early["id"])
    early_room.wait_closed()
    qtbot.waitUntil(lambda: model.room_ids() == [later["id"]], timeout=TIMEOUT_MS)
    # `later` was never entered: its owner's ticket holds it open for the ticket's life.
    core.bridge.close_room(later["id"])
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=TIMEOUT_MS)
    assert changed_on == {threading.main_thread()}  # queued to the model's thread


def test_members_model_follows_the_chosen_room(
    qtbot: QtBot, qtmodeltester, core: CoreThread, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    other, other_ticket = create(bob, "Other")
    rooms = RoomsModel()
    rooms.follow(core.bridge)
    model = MembersModel(rooms.room)
    model.follow(core.bridge)
    rooms.reset(snapshot(qtbot, core.bridge).rooms)
    qtmodeltester.check(model, force_py=False)
    alice_room = enter(connect, room, ticket)
    qtbot.waitUntil(lambda: rooms.index(0, Column.MEMBERS).data() == "1 / 4", timeout=TIMEOUT_MS)
    model.set_room(room["id"])
    assert model.names() == ["alice"]
    bob_room = join(connect, bob, room)
    enter(connect, other, other_ticket)  # another room's member is not shown
    qtbot.waitUntil(lambda: model.names() == ["alice", "bob"], timeout=TIMEOUT_MS)
    alice_room.close()
    qtbot.waitUntil(lambda: model.names() == ["bob"], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: rooms.index(1, Column.MEMBERS).data() == "1 / 4", timeout=TIMEOUT_MS)
    model.set_room(other["id"])
    assert model.names() == ["bob"] and model.room_id == other["id"]
    model.set_room(room["id"])
    core.bridge.close_room(room["id"])
    bob_room.wait_closed()
    qtbot.waitUntil(lambda: model.room_id is None, timeout=TIMEOUT_MS)
    assert model.names() == []
    model.set_room(12345)
    assert model.room_id is None and model.rowCount() == 0


def test_event_log_model_keeps_the_newest_lines(qtmodeltester) -> None:
    model = EventLogModel(limit=3)
    qtmodeltester.check(model, force_py=False)
    for number in range(5):
        model.append(logging.INFO, f"line {number}")
    assert model.lines() == ["line 2", "line 3", "line 4"]
    model.append(logging.ERROR, "broken")
    assert model.lines() == ["line 3", "line 4", "broken"]
    assert model.index(2, 0).data(LEVEL_ROLE) == logging.ERROR
    assert model.index(2, 0).data(0) == "broken"
