"""A room's password set and cleared on its own port: hashed, kept, told without itself."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.db_access import query_db
from tests.server.test_moderation import Scene, audit, connect_to, scene, wall
from tests.server.test_persistent_rooms import log_in

__all__ = ["connect_to", "scene", "wall"]  # the fixtures, used by name
pytestmark = pytest.mark.both_engines
NEW = "hunter22"


def stored_hash(db_path: str) -> str | None:
    [(password_hash,)] = query_db(db_path, "SELECT password_hash FROM rooms")
    return password_hash or None


@pytest.mark.parametrize("actor", ["olive", "oscar", "mona"])
def test_a_password_set_locks_the_room_and_clearing_it_opens_it(
    qtbot: QtBot, scene: Scene, actor: str, db_path: str
) -> None:
    assert scene.act(actor, "room_settings", password=NEW)["type"] == "ok"
    changed = scene.inside["kim"].expect("room_settings_changed")
    assert changed == {"type": "room_settings_changed", "by": actor, "changes": {"locked": True}}
    lobby = scene.lobbies["lee"]
    lobby.wait_until(lambda: any(m.get("room", {}).get("locked") is True for m in lobby.inbox))
    password_hash = stored_hash(db_path)
    assert password_hash is not None and password_hash.startswith("$argon2id$")
    assert audit(db_path)[-1] == (actor, "room_settings", None, None, "password")
    assert NEW not in repr(query_db(db_path, "SELECT * FROM audit_log"))

    nina = log_in(qtbot, scene.server, "nina")
    nina.send(type="join_room", room_id=scene.room["id"])
    nina.expect_error("password_required")
    nina.send(type="join_room", room_id=scene.room["id"], password="wrong one")
    nina.expect_error("wrong_password")
    nina.request("join_room", "join_granted", room_id=scene.room["id"], password=NEW)

    assert scene.act(actor, "room_settings", password=None)["type"] == "ok"
    cleared = scene.inside["kim"].expect("room_settings_changed")
    assert cleared["changes"] == {"locked": False}
    assert stored_hash(db_path) is None
    pat = log_in(qtbot, scene.server, "pat")
    pat.request("join_room", "join_granted", room_id=scene.room["id"])
    for client in (nina, pat):
        client.close()


def test_a_short_password_or_a_plain_member_changes_nothing(scene: Scene, db_path: str) -> None:
    answer = scene.act("olive", "room_settings", password="abc")
    assert answer["code"] == "invalid_password"
    assert scene.act("kim", "room_settings", password=NEW)["code"] == "not_allowed"
    assert scene.act("kim", "room_settings", password=None)["code"] == "not_allowed"
    assert stored_hash(db_path) is None
    assert "room_settings_changed" not in scene.inside["lee"].types()


def test_requests_after_a_password_are_answered_after_it(scene: Scene) -> None:
    olive = scene.inside["olive"]
    olive.send(type="room_settings", password=NEW, id="first")
    olive.send(type="bans", id="second")
    olive.wait_until(lambda: any(m.get("id") == "second" for m in olive.inbox))
    answered = [m.get("id") for m in olive.inbox if m.get("id") in ("first", "second")]
    assert answered == ["first", "second"]
