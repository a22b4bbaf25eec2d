"""The Rooms tab moderates a live room as the server, driven by mouse and keyboard over a
real core on its own thread with real members: mute, ban, roles, the owner, the settings;
what the members are told, what they may then do, and what the window shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow
from tests.server.admin.conftest import TIMEOUT_MS, answer, select_member, select_room
from tests.server.admin.test_moderation_tabs import Connect, Login, rows, say
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

YES = QMessageBox.StandardButton.Yes
LEFT = Qt.MouseButton.LeftButton


def lounge(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> tuple[WireClient, WireClient, WireClient, dict]:
    """alice owns Lounge, bob is in it; the window has it selected: both room connections,
    bob's lobby connection and the room."""
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice, "Lounge", capacity=4)
    alice_in = enter(connect, room, ticket)
    bob_in = join(connect, bob, room)
    alice_in.expect("joined")
    select_room(qtbot, admin, room["id"])
    return alice_in, bob_in, bob, room


def status(qtbot: QtBot, admin: AdminWindow, text: str) -> None:
    qtbot.waitUntil(lambda: admin.status_bar.currentMessage() == text, timeout=TIMEOUT_MS)


def test_mute_from_the_rooms_tab_keeps_the_member_quiet_until_unmuted(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, bob_in, _bob, _room = lounge(qtbot, admin, login, connect)
    acts = admin.room_moderation
    mute = acts.buttons["mute"]
    assert not mute.isEnabled()  # no name yet
    select_member(qtbot, admin, "bob")
    assert acts.name_edit.text() == "bob" and mute.isEnabled()
    acts.duration_combo.setFocus()
    qtbot.keyClick(acts.duration_combo, Qt.Key.Key_Down)  # 1 hour
    qtbot.keyClicks(acts.reason_edit, "flooding")
    question = answer(qtbot, admin, mute, YES)
    assert question == "Mute bob in “Lounge” (1 hour)?"
    for member in (alice_in, bob_in):
        told = member.expect("moderation")
        assert told == {"type": "moderation", "action": "mute", "name": "bob",
                        "by": "the server", "minutes": 60, "reason": "flooding"}  # fmt: skip
    bob_in.send(type="say", text="still here", id="s")
    assert bob_in.expect_error("muted")["until"]
    status(qtbot, admin, "Muted bob in “Lounge”")
    assert acts.reason_edit.text() == ""

    qtbot.mouseClick(acts.buttons["unmute"], LEFT)  # not asked: undone as easily
    assert alice_in.expect("moderation")["action"] == "unmute"
    status(qtbot, admin, "bob may speak in “Lounge” again")
    say(bob_in, "thanks")
    qtbot.mouseClick(acts.buttons["unmute"], LEFT)
    status(qtbot, admin, "bob is not muted in “Lounge”")


def test_a_name_typed_is_banned_for_good_then_unbanned(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, bob_in, bob, room = lounge(qtbot, admin, login, connect)
    acts = admin.room_moderation
    qtbot.keyClicks(acts.name_edit, "bob")  # typed, not chosen in the list
    acts.duration_combo.setFocus()
    qtbot.keyClick(acts.duration_combo, Qt.Key.Key_End)  # for good
    qtbot.keyClicks(acts.reason_edit, "spam")
    question = answer(qtbot, admin, acts.buttons["ban"], YES)
    assert question == "Ban bob from “Lounge” (For good)?"
    banned = bob_in.expect_error("banned")
    assert (banned["reason"], banned.get("until")) == ("spam", None)
    bob_in.wait_closed()
    told = alice_in.expect("moderation")
    assert (told["action"], told["name"], told["minutes"]) == ("ban", "bob", None)
    assert alice_in.expect("left")["banned_by"] == "the server"
    qtbot.waitUntil(lambda: admin.members_model.names() == ["alice"], timeout=TIMEOUT_MS)
    status(qtbot, admin, "Banned bob from “Lounge”")
    bob.send(type="join_room", room_id=room["id"], id="j")
    bob.expect_error("banned")
    tabs = admin.moderation
    qtbot.waitUntil(lambda: tabs.audit_model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert rows(tabs.audit_model)[0][1:] == [
        "Lounge", "the admin window", "banned", "bob", "spam"
    ]  # fmt: skip

    assert acts.name_edit.text() == "bob"  # still there, for the unban
    qtbot.mouseClick(acts.buttons["unban"], LEFT)
    assert alice_in.expect("moderation")["action"] == "unban"
    status(qtbot, admin, "Lifted the ban on bob in “Lounge”")
    join(connect, bob, room)


def test_roles_and_the_owner_change_from_the_rooms_tab(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, _bob_in, _bob, room = lounge(qtbot, admin, login, connect)
    acts = admin.room_moderation
    select_member(qtbot, admin, "bob")
    qtbot.mouseClick(acts.buttons["moderator"], LEFT)
    changed = alice_in.expect("role_changed")
    assert (changed["name"], changed["role"], changed["by"]) == ("bob", "moderator", "the server")
    status(qtbot, admin, "bob is a moderator of “Lounge” now")
    question = answer(qtbot, admin, acts.buttons["transfer_owner"], YES)
    assert question == "Hand the room “Lounge” to bob? alice stays a moderator."
    roles = {}
    for _ in range(2):
        changed = alice_in.expect("role_changed")
        roles[changed["name"]] = changed["role"]
    assert roles == {"alice": "moderator", "bob": "owner"}
    rooms = admin.rooms_model
    qtbot.waitUntil(lambda: rooms.room(room["id"]).owner == "bob", timeout=TIMEOUT_MS)
    select_member(qtbot, admin, "bob")
    qtbot.mouseClick(acts.buttons["member"], LEFT)  # the owner keeps that role
    status(qtbot, admin, "The owner of “Lounge” keeps that role (hand the room over instead)")


def test_a_second_request_before_the_first_is_answered_names_the_room_too(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, _bob_in, _bob, _room = lounge(qtbot, admin, login, connect)
    acts = admin.room_moderation
    select_member(qtbot, admin, "bob")
    # click(), not a mouse click: no event is handled in between, so the first answer
    # comes once both were asked (members may hear of a change before the window does).
    acts.buttons["moderator"].click()
    acts.buttons["member"].click()
    assert [alice_in.expect("role_changed")["role"] for _ in range(2)] == ["moderator", "member"]
    status(qtbot, admin, "bob is a plain member of “Lounge” now")


def test_room_settings_from_the_rooms_tab_reach_every_member(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, bob_in, _bob, _room = lounge(qtbot, admin, login, connect)
    acts = admin.room_moderation
    assert not acts.apply_button.isEnabled()  # nothing changed yet
    acts.slow_mode_spin.setFocus()
    qtbot.keyClick(acts.slow_mode_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(acts.slow_mode_spin, "30")
    acts.read_only_check.setFocus()
    qtbot.keyClick(acts.read_only_check, Qt.Key.Key_Space)
    assert acts.read_only_check.isChecked() and acts.apply_button.isEnabled()
    qtbot.mouseClick(acts.apply_button, LEFT)
    for member in (alice_in, bob_in):
        told = member.expect("room_settings_changed")
        assert told["by"] == "the server"
        assert told["changes"] == {"slow_mode_seconds": 30, "read_only": True}
    bob_in.send(type="say", text="hello?", id="s")
    bob_in.expect_error("read_only")
    status(qtbot, admin, "Changed the settings of “Lounge”")
    qtbot.waitUntil(lambda: not acts.apply_button.isEnabled(), timeout=TIMEOUT_MS)
    # Changed by the owner over the protocol: the window follows.
    alice_in.send(type="room_settings", locked_doors=True, id="l")
    alice_in.expect("ok")
    qtbot.waitUntil(acts.locked_doors_check.isChecked, timeout=TIMEOUT_MS)
    assert acts.slow_mode_spin.value() == 30 and not acts.apply_button.isEnabled()


def test_a_room_password_is_set_and_removed_from_the_rooms_tab(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, _bob_in, _bob, room = lounge(qtbot, admin, login, connect)
    acts = admin.room_moderation
    assert not acts.clear_password_check.isEnabled()  # it has none
    qtbot.keyClicks(acts.password_edit, "abc")
    qtbot.mouseClick(acts.apply_button, LEFT)
    status(qtbot, admin, "A room password has 4 to 128 characters")
    qtbot.keyClicks(acts.password_edit, "d")
    qtbot.mouseClick(acts.apply_button, LEFT)
    assert alice_in.expect("room_settings_changed")["changes"] == {"locked": True}
    rooms = admin.rooms_model
    qtbot.waitUntil(lambda: rooms.room(room["id"]).locked, timeout=TIMEOUT_MS)
    carol = login("carol")
    carol.send(type="join_room", room_id=room["id"], id="j")
    assert carol.expect("error")["code"] in ("password_required", "wrong_password")
    assert acts.password_edit.text() == "" and acts.clear_password_check.isEnabled()
    qtbot.mouseClick(acts.clear_password_check, LEFT)
    assert not acts.password_edit.isEnabled()
    qtbot.mouseClick(acts.apply_button, LEFT)
    assert alice_in.expect("room_settings_changed")["changes"] == {"locked": False}
    qtbot.waitUntil(lambda: not rooms.room(room["id"]).locked, timeout=TIMEOUT_MS)
    join(connect, carol, room)
