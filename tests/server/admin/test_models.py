"""The admin models checked by Qt's model tester while a real server changes under them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.server.admin.log_feed import LEVEL_ROLE, EventLogModel
from app.server.admin.models import ROOM_ID_ROLE, SORT_ROLE, Column, MembersModel, RoomsModel
from app.server.server import ChatServer
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def test_rooms_model_stays_consistent_as_rooms_open_fill_and_close(
    qtbot: QtBot, qtmodeltester, server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    early, early_ticket = create(alice, "Early")
    model = RoomsModel(server.directory)  # sees rooms opened before it
    qtmodeltester.check(model, force_py=False)
    assert model.room_ids() == [early["id"]]
    later, _ = create(bob, "later", capacity=2, password="pw12")
    early_room = enter(connect, early, early_ticket)
    join(connect, bob, early)
    row = model.row_of(early["id"])
    assert model.index(row, Column.MEMBERS).data() == "2 / 4"
    assert model.index(row, Column.MEMBERS).data(SORT_ROLE) == 2
    assert model.index(row, Column.NAME).data(ROOM_ID_ROLE) == early["id"]
    assert model.index(model.row_of(later["id"]), Column.LOCKED).data() == "locked"
    assert model.headerData(Column.OPENED, Qt.Orientation.Horizontal) == "Opened at"
    server.close_room(early["id"])
    early_room.wait_closed()
    assert model.room_ids() == [later["id"]]
    # `later` was never entered: its owner's ticket holds it open for the ticket's life.
    server.close_room(later["id"])
    assert model.rowCount() == 0


def test_members_model_follows_the_chosen_room(
    qtbot: QtBot, qtmodeltester, server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    other, other_ticket = create(bob, "Other")
    model = MembersModel(server.directory)
    qtmodeltester.check(model, force_py=False)
    alice_room = enter(connect, room, ticket)
    model.set_room(room["id"])
    assert model.names() == ["alice"]
    bob_room = join(connect, bob, room)
    enter(connect, other, other_ticket)  # another room's member is not shown
    assert model.names() == ["alice", "bob"]
    alice_room.close()
    qtbot.waitUntil(lambda: model.names() == ["bob"], timeout=5_000)
    model.set_room(other["id"])
    assert model.names() == ["bob"] and model.room_id == other["id"]
    model.set_room(room["id"])
    server.close_room(room["id"])
    bob_room.wait_closed()
    assert model.names() == [] and model.room_id is None
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
