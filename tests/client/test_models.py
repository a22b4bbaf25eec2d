"""The client's models under Qt's model tester, and their updates row by row."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt

from app.client.chat_models import (
    KIND_ROLE,
    ChatEntry,
    EntryKind,
    MembersModel,
    MessagesModel,
    local_time,
)
from app.client.rooms_model import FULL_ROLE, LOCKED_ROLE, Column, RoomsModel
from app.shared.protocol import RoomSummary


def _room(
    room_id: int, name: str, members: int = 0, capacity: int = 5, locked: bool = False
) -> RoomSummary:
    created_at = "2026-11-24T20:15:03.120Z"
    return RoomSummary(
        room_id, name, 40000 + room_id, members, capacity, locked, "alice", created_at
    )


def test_rooms_model(qtmodeltester, qtbot) -> None:
    model = RoomsModel()
    model.set_rooms([_room(2, "Zebra"), _room(1, "apple", locked=True)])
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(2)] == ["apple", "Zebra"]  # by name
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert(_room(3, "Mango", members=5, capacity=5))
    assert model.index(1, Column.NAME).data() == "Mango"
    assert model.index(1, 0).data(FULL_ROLE) and "full" in model.index(1, Column.MEMBERS).data()
    assert model.index(0, 0).data(LOCKED_ROLE) is True
    with qtbot.waitSignal(model.dataChanged):
        model.upsert(_room(3, "Mango", members=4, capacity=5))
    assert model.index(1, Column.MEMBERS).data() == "4 / 5"
    with qtbot.waitSignal(model.rowsRemoved):
        model.remove(2)
    model.set_rooms([_room(1, "apple", locked=True), _room(4, "Kiwi")])
    assert [model.index(r, 0).data() for r in range(2)] == ["apple", "Kiwi"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Room"
    qtmodeltester.check(model)
    model.clear()
    assert model.rowCount() == 0


def test_members_model(qtmodeltester, qtbot) -> None:
    model = MembersModel()
    model.me = "bob"
    model.set_members(["carol", "Bob", "alice"])
    qtmodeltester.check(model)
    assert model.names == ["alice", "Bob", "carol"]
    assert model.index(1, 0).data() == "Bob (you)"
    with qtbot.waitSignal(model.rowsRemoved):
        model.set_members(["alice", "Bob"])
    with qtbot.waitSignal(model.rowsInserted):
        model.set_members(["alice", "Bob", "dave", "Ann"])
    assert model.names == ["alice", "Ann", "Bob", "dave"]
    qtmodeltester.check(model)


def test_messages_model(qtmodeltester, qtbot) -> None:
    model = MessagesModel(max_entries=50)
    when = local_time("2026-11-24T20:15:03.120Z")
    assert when is not None and when.timeSpec() != Qt.TimeSpec.UTC
    model.append(ChatEntry(EntryKind.NOTICE, "bob joined", when=when))
    model.append(ChatEntry(EntryKind.MESSAGE, "hi", "bob", when, 1))
    model.append(ChatEntry(EntryKind.OWN, "hello", "alice", QDateTime.currentDateTime(), 2))
    qtmodeltester.check(model)
    assert model.index(1, 0).data() == "bob: hi"
    assert model.index(2, 0).data(KIND_ROLE) == "own"
    assert model.last_seq == 2
    for number in range(50):
        model.append(ChatEntry(EntryKind.MESSAGE, str(number), "bob", when, number + 3))
    assert model.rowCount() == 50
    assert model.entry(0).text == "0"
    qtmodeltester.check(model)
