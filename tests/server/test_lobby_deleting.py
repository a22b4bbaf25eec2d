"""`delete_room`'s rule driven alone: no socket, no room; only who asks and what the lobby
found."""

from __future__ import annotations

import pytest

from app.server.lobby_deleting import Doomed, delete_room
from app.server.lobby_effects import CloseRoom
from app.shared.protocol import DeleteRoom, ErrorCode, ProtocolError

ROOM = Doomed(7, "Study", owner="Alice")


def test_the_owner_deletes_their_room() -> None:
    assert delete_room(DeleteRoom(7, "d"), ROOM, "Alice", False) == [CloseRoom(7, "Study", "d")]


def test_an_operator_deletes_anyones_room() -> None:
    assert delete_room(DeleteRoom(7, "d"), ROOM, "Root", True) == [CloseRoom(7, "Study", "d")]


def test_anyone_else_is_not_allowed() -> None:
    with pytest.raises(ProtocolError) as refused:
        delete_room(DeleteRoom(7, "d"), ROOM, "Bob", False)
    assert refused.value.code == ErrorCode.NOT_ALLOWED and refused.value.request_id == "d"


def test_an_unknown_room_is_no_such_room_even_for_an_operator() -> None:
    with pytest.raises(ProtocolError) as refused:
        delete_room(DeleteRoom(8, "d"), None, "Root", True)
    assert refused.value.code == ErrorCode.NO_SUCH_ROOM
