"""A room on another node keeps its locked doors: the lobby of any node refuses newcomers
with `room_locked` (no ticket), and lets a server operator in, as one process does."""

from __future__ import annotations

import pytest

from tests.server.test_persistent_rooms import log_in
from tests.wire_client import WireClient

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])


def test_locked_doors_of_a_room_on_another_node_keep_newcomers_out(
    node, node_client, qtbot
) -> None:
    a, b = node("a"), node("b")
    bob = node_client(b, "bob")
    created = bob.request("create_room", "room_created", name="Quiet", capacity=5)
    room_id = created["room"]["id"]
    assert room_id in b.directory.rooms  # placed on B, the node bob asked
    owner = WireClient(qtbot, created["room"]["port"])
    owner.request("enter", "entered", ticket=created["ticket"])
    alice = node_client(a, "alice")
    alice.request("join_room", "join_granted", room_id=room_id)  # open doors: a ticket
    assert owner.request("room_settings", "ok", locked_doors=True)["type"] == "ok"
    alice.send(type="join_room", room_id=room_id, id=7)
    assert alice.expect_error("room_locked")["id"] == 7
    otto = log_in(qtbot, a, "otto", operator=True)  # an operator is kept out of no room
    granted = otto.request("join_room", "join_granted", room_id=room_id)
    inside = WireClient(qtbot, granted["room"]["port"])
    assert "otto" in inside.request("enter", "entered", ticket=granted["ticket"])["members"]
    assert owner.request("room_settings", "ok", locked_doors=False)["type"] == "ok"
    alice.request("join_room", "join_granted", room_id=room_id)
    for each in (owner, inside, otto):
        each.close()
