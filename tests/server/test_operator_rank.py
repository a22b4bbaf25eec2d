"""A server operator outranks every room role, in the room or not, and is kept out of none."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.shared.names import name_key
from tests.server.test_moderation import Scene, connect_to, scene, wall
from tests.server.test_persistent_rooms import log_in
from tests.server.test_rooms import create, join

__all__ = ["connect_to", "scene", "wall"]  # the fixtures, used by name
pytestmark = pytest.mark.both_engines


@pytest.mark.parametrize(
    ("actor", "kind", "fields"),
    [
        ("olive", "ban", {"name": "oscar", "minutes": 10}),
        ("olive", "mute", {"name": "oscar", "minutes": 10}),
        ("mona", "ban", {"name": "oscar"}),
        ("mona", "mute", {"name": "oscar"}),
    ],
)
def test_an_operator_not_in_the_room_is_still_an_operator(
    scene: Scene, actor: str, kind: str, fields: dict
) -> None:
    oscar = scene.inside.pop("oscar")
    oscar.send(type="leave")
    scene.inside["lee"].expect("left")
    assert scene.act(actor, kind, **fields)["code"] == "not_allowed"
    assert scene.act(actor, "bans")["bans"] == []


def test_an_operator_who_owns_a_room_outranks_its_moderators_and_other_owners(
    qtbot: QtBot, scene: Scene, connect_to
) -> None:
    otto = log_in(qtbot, scene.server, "otto", operator=True)
    room, ticket = create(otto, "Otto's", capacity=5)
    owner = connect_to(scene.server)(port=room["port"])
    owner.request("enter", "entered", ticket=ticket)
    oscar = join(connect_to(scene.server), scene.lobbies["oscar"], room)
    owner.send(type="mute", name="oscar", minutes=5, id=1)
    assert owner.expect_error("not_allowed")["id"] == 1  # one operator and another
    oscar.send(type="mute", name="otto", minutes=5, id=3)
    assert oscar.expect_error("not_allowed")["id"] == 3  # the owner is an operator too
    kim = join(connect_to(scene.server), scene.lobbies["kim"], room)
    owner.send(type="set_role", name="kim", role="moderator")
    owner.expect("ok")
    kim.send(type="kick", name="otto", id=2)
    assert kim.expect_error("not_allowed")["id"] == 2
    for client in (otto, owner, oscar, kim):
        client.close()


def test_neither_a_ban_nor_locked_doors_keep_an_operator_out(qtbot: QtBot, scene: Scene) -> None:
    assert scene.act("olive", "ban", name="pat", reason="before")["type"] == "ok"
    assert scene.act("olive", "room_settings", locked_doors=True)["type"] == "ok"
    pat = log_in(qtbot, scene.server, "pat")
    pat.send(type="join_room", room_id=scene.room["id"])
    pat.expect_error("banned")
    scene.server.store.set_operator(name_key("pat"), True)
    pat.close()
    pat = log_in(qtbot, scene.server, "pat", operator=True)
    pat.request("join_room", "join_granted", room_id=scene.room["id"])
    pat.close()
