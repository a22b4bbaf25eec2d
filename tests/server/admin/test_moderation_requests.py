"""The Rooms tab's requests, built from what was typed and chosen: no window, no sockets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.server.admin.moderation_requests import (
    SettingsChoice,
    member_request,
    settings_request,
    shown_settings,
)
from app.server.admin.snapshots import RoomState
from app.shared.protocol import (
    Ban,
    Kick,
    Mute,
    RoomSettings,
    SetRole,
    TransferOwner,
    Unban,
    Unmute,
)

ROOM = RoomState(1, "Lounge", 5000, ("alice",), 4, False, "alice", "", False, 10, False, False)


def test_member_requests_carry_the_trimmed_name_and_reason() -> None:
    assert member_request("mute", "  bob ", 60, " loud ") == Mute("bob", 60, "loud")
    assert member_request("ban", "bob", None, "   ") == Ban("bob", None, None)
    assert member_request("kick", "bob", 10, "x") == Kick("bob", "x")
    assert member_request("unmute", "bob", 10, "x") == Unmute("bob")
    assert member_request("unban", "bob") == Unban("bob")
    assert member_request("set_role", "bob", role="member") == SetRole("bob", "member")
    assert member_request("transfer_owner", "bob") == TransferOwner("bob")


def test_no_name_no_request_and_no_unknown_role() -> None:
    assert member_request("mute", "  ", 10) is None
    with pytest.raises(ValueError):
        member_request("set_role", "bob", role="owner")


def test_settings_ask_only_for_what_changes() -> None:
    assert settings_request(ROOM, shown_settings(ROOM)) is None
    choice = SettingsChoice(0, True, False)
    assert settings_request(ROOM, choice) == RoomSettings(slow_mode_seconds=0, read_only=True)


def test_a_password_is_set_or_cleared_but_only_cleared_when_there_is_one() -> None:
    assert settings_request(ROOM, SettingsChoice(10, False, False, "open sesame")) == (
        RoomSettings(password="open sesame")
    )
    assert settings_request(ROOM, SettingsChoice(10, False, False, "", True)) is None
    locked = replace(ROOM, locked=True)
    cleared = settings_request(locked, SettingsChoice(10, False, False, "ignored", True))
    assert cleared == RoomSettings(clear_password=True)
    assert cleared.changes() == {"locked": False}
