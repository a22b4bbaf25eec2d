"""Moderation's rules without sockets: who may act on whom, bans and mutes on the clock, and
`member_roles` within the line whatever the room holds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.server.moderation import BanRecord, RoomRules
from app.shared.protocol import (
    MAX_FRAME_BYTES,
    Entered,
    ErrorCode,
    Joined,
    Left,
    MemberRole,
    ProtocolError,
    RoomSummary,
    encode,
    fitted_entered,
    fitted_roles,
)
from tests.fake_clock import FakeClock


def rules(clock: FakeClock) -> RoomRules:
    return RoomRules("olive", ["mona"], [BanRecord("kim", "kim", clock.now + 60, "mona", None)],
                     clock)  # fmt: skip


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("operator", "owner", True),
        ("owner", "moderator", True),
        ("moderator", "member", True),
        ("moderator", "moderator", False),
        ("moderator", "owner", False),
        ("owner", "operator", False),
        ("member", "member", False),
    ],
)
def test_only_a_higher_role_acts_on_a_lower_one(actor: str, target: str, allowed: bool) -> None:
    room = rules(FakeClock())
    if allowed:
        room.check_moderates(actor, target, 1)
        return
    with pytest.raises(ProtocolError) as refused:
        room.check_moderates(actor, target, 1)
    assert refused.value.code is ErrorCode.NOT_ALLOWED and refused.value.request_id == 1


def test_roles_come_from_owner_moderators_and_the_operator_flag() -> None:
    room = rules(FakeClock())
    assert [room.role_of(k) for k in ("olive", "mona", "lee")] == ["owner", "moderator", "member"]
    assert room.role_of("lee", operator=True) == "operator"
    for role in ("moderator", "member"):
        with pytest.raises(ProtocolError):
            room.check_manages(role, None)


def test_a_ban_and_a_mute_end_on_the_clock() -> None:
    clock = FakeClock()
    room = rules(clock)
    with pytest.raises(ProtocolError) as banned:
        room.check_not_banned("kim", 2)
    assert banned.value.code is ErrorCode.BANNED and banned.value.until is not None
    room.mute("lee", room.until(1))
    with pytest.raises(ProtocolError) as muted:
        room.check_may_say("lee", 3)
    assert muted.value.code is ErrorCode.MUTED
    clock.advance(60)
    room.check_not_banned("kim", 2)
    room.check_may_say("lee", 3)
    assert room.bans() == [] and not room.unmute("lee")


def test_member_roles_of_the_largest_room_fit_every_frame() -> None:
    """400 members with 32-character names of 4-byte characters, every one an operator."""
    names = tuple(f"{n:03d}" + "\U0001f600" * 29 for n in range(400))
    roles = [MemberRole(name, "operator") for name in names]
    ts = "2026-12-02T04:00:00.000Z"
    for bare in (Joined(names[0], names, ts), Left(names[0], names[1:], ts, None, names[1])):
        kept = fitted_roles(roles, len(encode(bare)))
        assert 0 < len(kept) < 400
        assert len(encode(replace(bare, member_roles=kept))) <= MAX_FRAME_BYTES
    room = RoomSummary(1, "R" * 64, 4242, 400, 400, True, names[0], ts, True)
    bare_entered = Entered(room, names[0], names, ())
    kept = fitted_roles(roles, len(encode(bare_entered)))
    entered = fitted_entered(room, names[0], names, (), None, MAX_FRAME_BYTES, kept)
    assert len(encode(entered)) <= MAX_FRAME_BYTES
    ascii_names = tuple(f"{n:03d}" + "x" * 29 for n in range(400))
    plain = Joined(ascii_names[0], ascii_names, ts)
    everyone = fitted_roles([MemberRole(n, "moderator") for n in ascii_names], len(encode(plain)))
    assert len(everyone) == 400  # a room of plain names keeps every role
