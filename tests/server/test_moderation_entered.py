"""Whoever enters a room is told its modes and their own mute in `entered`, on a real server:
a newcomer learns read-only, slow mode and locked doors, a muted member coming back their mute."""

from __future__ import annotations

import pytest

from tests.fake_clock import FakeClock
from tests.server.test_moderation import Scene, connect_to, scene, wall

__all__ = ["connect_to", "scene", "wall"]  # the fixtures, used by name
pytestmark = pytest.mark.both_engines

OFF = {"slow_mode_seconds": 0, "read_only": False, "locked_doors": False}


def enter_again(scene: Scene, connect, who: str) -> dict:
    """`who` (in the lobby) asks a ticket and enters; their `entered`."""
    granted = scene.lobbies[who].request("join_room", "join_granted", room_id=scene.room["id"])
    client = connect(port=scene.room["port"])
    entered = client.request("enter", "entered", ticket=granted["ticket"])
    scene.inside[who] = client
    return entered


def leave(scene: Scene, who: str) -> None:
    scene.inside[who].send(type="leave")
    scene.inside[who].wait_closed()


def test_a_newcomer_is_told_read_only_slow_mode_and_locked_doors(scene: Scene, connect_to) -> None:
    connect = connect_to(scene.server)
    leave(scene, "kim")
    assert enter_again(scene, connect, "kim")["settings"] == OFF
    leave(scene, "kim")
    ticket = scene.lobbies["kim"].request("join_room", "join_granted", room_id=scene.room["id"])
    changed = {"slow_mode_seconds": 30, "read_only": True, "locked_doors": True}
    assert scene.act("olive", "room_settings", **changed)["type"] == "ok"
    kim = connect(port=scene.room["port"])  # with the ticket asked before the doors locked
    entered = kim.request("enter", "entered", ticket=ticket["ticket"])
    assert entered["settings"] == changed and "muted" not in entered
    kim.send(type="say", text="may I", id=1)
    assert kim.expect_error("read_only")["id"] == 1  # as it said


def test_a_muted_member_coming_back_is_told_the_mute_and_till_when(
    scene: Scene, connect_to, wall: FakeClock
) -> None:
    connect = connect_to(scene.server)
    assert scene.act("mona", "mute", name="kim", minutes=5)["type"] == "ok"
    assert scene.act("mona", "mute", name="lee")["type"] == "ok"  # until unmuted
    scene.inside["kim"].send(type="say", text="let me", id="s")
    until = scene.inside["kim"].expect_error("muted")["until"]
    for who in ("kim", "lee"):
        leave(scene, who)
    kim = enter_again(scene, connect, "kim")
    assert kim["muted"] == {"until": until} and kim["settings"] == OFF
    assert enter_again(scene, connect, "lee")["muted"] == {"until": None}
    leave(scene, "kim")
    wall.advance(5 * 60)  # the mute is over: nothing said of it
    assert "muted" not in enter_again(scene, connect, "kim")


def test_whoever_may_unmute_is_told_who_is_muted_on_entering_and_a_member_is_not(
    scene: Scene, connect_to, wall: FakeClock
) -> None:
    connect = connect_to(scene.server)
    assert scene.act("mona", "mute", name="kim", minutes=5)["type"] == "ok"
    assert scene.act("olive", "mute", name="lee")["type"] == "ok"  # until unmuted
    scene.inside["kim"].send(type="say", text="let me", id="s")
    until = scene.inside["kim"].expect_error("muted")["until"]
    leave(scene, "lee")  # away: named by the account's key
    told = [{"name": "kim", "until": until}, {"name": "lee", "until": None}]
    for who in ("olive", "oscar", "mona"):  # the owner, an operator, a moderator
        leave(scene, who)
        assert enter_again(scene, connect, who)["mutes"] == told, who
    leave(scene, "kim")
    assert "mutes" not in enter_again(scene, connect, "kim")  # a plain member: not told
    assert scene.act("mona", "unmute", name="lee")["type"] == "ok"  # as told, though away
    wall.advance(5 * 60)  # kim's mute is over
    leave(scene, "mona")
    assert enter_again(scene, connect, "mona")["mutes"] == []  # told: nobody
