"""Mutes and a room's modes survive a server restart: a persistent room reopens as left."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.fake_clock import FakeClock
from tests.server.test_moderation import WALL, connect_to
from tests.server.test_persistent_rooms import log_in
from tests.server.test_rooms import join

__all__ = ["connect_to"]  # the fixture, used by name
pytestmark = pytest.mark.both_engines


def test_mutes_and_slow_mode_hold_across_a_restart(
    qtbot: QtBot, make_server, connect_to, db_path: str
) -> None:
    wall = FakeClock(WALL)
    first = make_server(persistent_rooms="everyone", wall_clock=wall)
    olive = log_in(qtbot, first, "olive")
    created = olive.request("create_room", "room_created", name="Club", capacity=9,
                            persistent=True)  # fmt: skip
    room = created["room"]
    owner = connect_to(first)(port=room["port"])
    owner.request("enter", "entered", ticket=created["ticket"])
    for request in (
        {"type": "mute", "name": "kim", "minutes": 10},
        {"type": "mute", "name": "lee"},  # until unmuted
        {"type": "mute", "name": "pat", "minutes": 5},
        {"type": "unmute", "name": "pat"},
        {"type": "room_settings", "slow_mode_seconds": 30, "locked_doors": False},
    ):
        owner.send(request)
        owner.expect("ok")
    olive.close()
    owner.close()
    first.shutdown()

    second = make_server(persistent_rooms="everyone", wall_clock=wall)
    inside = {name: join(connect_to(second), log_in(qtbot, second, name), room)
              for name in ("kim", "lee", "pat")}  # fmt: skip
    inside["kim"].send(type="say", text="hello?")
    assert inside["kim"].expect_error("muted")["until"].startswith("2027-01-15T08:")
    inside["lee"].send(type="say", text="hello?")
    assert "until" not in inside["lee"].expect_error("muted")
    inside["pat"].send(type="say", text="one")
    inside["pat"].expect("message")
    inside["pat"].send(type="say", text="two")
    assert inside["pat"].expect_error("slow_mode")["retry_after"] > 0
    wall.advance(11 * 60)
    kim = inside["kim"]
    kim.send(type="say", text="back")
    kim.wait_until(lambda: any(m.get("text") == "back" for m in kim.inbox))
    assert "error" not in kim.types()
