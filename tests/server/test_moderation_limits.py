"""The moderation limits are the server's flags: past them `bad_request`, nothing changed."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.server.test_moderation import audit, connect_to, make_scene

pytestmark = pytest.mark.both_engines

__all__ = ["connect_to"]  # the fixture, used by name


def test_minutes_reasons_and_slow_mode_stop_at_the_flags(
    qtbot: QtBot, make_server, connect_to, db_path: str
) -> None:
    server = make_server(max_moderation_minutes=60, max_reason_chars=10, max_slow_mode=30)
    scene = make_scene(qtbot, server, connect_to(server))
    before = audit(db_path)
    assert scene.act("olive", "ban", name="kim", minutes=61)["code"] == "bad_request"
    assert scene.act("olive", "mute", name="kim", minutes=61)["code"] == "bad_request"
    assert scene.act("olive", "kick", name="kim", reason="x" * 11)["code"] == "bad_request"
    assert scene.act("kim", "report", seq=1, reason="x" * 11)["code"] == "bad_request"
    answer = scene.act("olive", "room_settings", slow_mode_seconds=31)
    assert answer["code"] == "bad_request" and "30" in answer["message"]
    assert audit(db_path) == before
    assert scene.act("olive", "mute", name="kim", minutes=60, reason="x" * 10)["type"] == "ok"
    assert scene.act("olive", "room_settings", slow_mode_seconds=30)["type"] == "ok"


def test_the_defaults_keep_a_year_and_a_day_and_two_hundred_characters(
    qtbot: QtBot, make_server, connect_to
) -> None:
    server = make_server()
    scene = make_scene(qtbot, server, connect_to(server))
    assert scene.act("olive", "mute", name="kim", minutes=527_041)["code"] == "bad_request"
    assert scene.act("olive", "mute", name="kim", reason="x" * 201)["code"] == "bad_request"
    answer = scene.act("olive", "room_settings", slow_mode_seconds=86_401)
    assert answer["code"] == "bad_request"
    assert scene.act("olive", "mute", name="kim", minutes=527_040, reason="x" * 200)["type"] == "ok"
