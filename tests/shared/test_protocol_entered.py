"""`entered`'s `settings` and `muted` (extensions): their wire shape, strict parsing, an older
server's `entered` without them, and a full frame that still fits the line with them."""

from __future__ import annotations

import json

import pytest

from app.shared.protocol import (
    MAX_FRAME_BYTES,
    ChatMessage,
    Entered,
    MemberRole,
    MuteEntry,
    MuteState,
    ProtocolError,
    RoomModes,
    decode_frame,
    encode,
    fitted_entered,
    fitted_mutes,
    parse_server_frame,
)
from tests.shared.test_protocol import ROOM, TS

UNTIL = "2026-11-24T20:25:03.120Z"


def wire(entered: Entered) -> dict:
    return json.loads(encode(entered))


def parsed(obj: dict) -> object:
    return parse_server_frame(decode_frame(json.dumps(obj).encode() + b"\n"))


def test_settings_and_a_timed_or_open_mute_go_and_come_back() -> None:
    modes = RoomModes(30, True, False)
    for muted in (MuteState(UNTIL), MuteState(None)):
        entered = Entered(ROOM, "kim", ("alice", "kim"), (), settings=modes, muted=muted)
        obj = wire(entered)
        assert obj["settings"] == {"slow_mode_seconds": 30, "read_only": True,
                                   "locked_doors": False}  # fmt: skip
        assert obj["muted"] == {"until": muted.until}  # null kept: until unmuted
        assert parsed(obj) == entered


def test_an_older_servers_entered_says_neither_and_one_not_muted_has_no_muted() -> None:
    obj = wire(Entered(ROOM, "kim", ("kim",), ()))
    assert "settings" not in obj and "muted" not in obj
    back = parsed(obj)
    assert isinstance(back, Entered) and back.settings is None and back.muted is None
    obj = wire(Entered(ROOM, "kim", ("kim",), (), settings=RoomModes()))
    assert "muted" not in obj and parsed(obj) == Entered(ROOM, "kim", ("kim",), (),
                                                          settings=RoomModes())  # fmt: skip


@pytest.mark.parametrize(
    "settings",
    [
        [],
        "slow",
        {"slow_mode_seconds": 0, "read_only": False},  # one left out
        {"slow_mode_seconds": -1, "read_only": False, "locked_doors": False},
        {"slow_mode_seconds": 7 * 24 * 3600 + 1, "read_only": False, "locked_doors": False},
        {"slow_mode_seconds": 1.5, "read_only": False, "locked_doors": False},
        {"slow_mode_seconds": True, "read_only": False, "locked_doors": False},
        {"slow_mode_seconds": 0, "read_only": 0, "locked_doors": False},
        {"slow_mode_seconds": 0, "read_only": False, "locked_doors": "no"},
    ],
)
def test_a_wrong_settings_is_a_protocol_error(settings: object) -> None:
    obj = wire(Entered(ROOM, "kim", ("kim",), ())) | {"settings": settings}
    with pytest.raises(ProtocolError, match=r"entered\.settings"):
        parsed(obj)


@pytest.mark.parametrize("muted", [True, "2026-11-24", {"until": 5}, {"until": False}, []])
def test_a_wrong_muted_is_a_protocol_error(muted: object) -> None:
    obj = wire(Entered(ROOM, "kim", ("kim",), ())) | {"muted": muted}
    with pytest.raises(ProtocolError, match=r"entered\.muted"):
        parsed(obj)


def test_a_full_entered_counts_settings_and_muted_against_the_line() -> None:
    members = tuple(f"{index:03d}" + "민" * 29 for index in range(400))
    roles = tuple(MemberRole(name, "moderator") for name in members[:50])
    # many small messages, so history fills the line to within less than the extensions
    history = [ChatMessage(seq, "kim", "a", TS) for seq in range(1, 2001)]
    modes, muted = RoomModes(604_800, True, True), MuteState(UNTIL)
    entered = fitted_entered(ROOM, "kim", members, history, "x" * 128, MAX_FRAME_BYTES, roles,
                             {name: 10**9 for name in members}, modes, muted)  # fmt: skip
    assert entered.settings == modes and entered.muted == muted
    assert entered.history and entered.history[-1].seq == 2000
    assert MAX_FRAME_BYTES - 70 < len(encode(entered)) <= MAX_FRAME_BYTES


def test_the_mutes_told_to_a_moderator_go_and_come_back_and_older_servers_send_none() -> None:
    mutes = (MuteEntry("kim", UNTIL), MuteEntry("lee", None))
    obj = wire(Entered(ROOM, "mona", ("mona", "kim"), (), mutes=mutes))
    assert obj["mutes"] == [{"name": "kim", "until": UNTIL}, {"name": "lee", "until": None}]
    back = parsed(obj)
    assert isinstance(back, Entered) and back.mutes == mutes
    none_told = parsed(wire(Entered(ROOM, "kim", ("kim",), ())))
    assert isinstance(none_told, Entered) and none_told.mutes is None
    empty = parsed(wire(Entered(ROOM, "mona", ("mona",), (), mutes=())))
    assert isinstance(empty, Entered) and empty.mutes == ()  # told: nobody is muted


WRONG_MUTES = [{}, "kim", [1], [{"until": None}], [{"name": 5, "until": None}],
               [{"name": "kim", "until": 3}]]  # fmt: skip


@pytest.mark.parametrize("mutes", WRONG_MUTES)
def test_a_wrong_mutes_is_a_protocol_error(mutes: object) -> None:
    obj = wire(Entered(ROOM, "mona", ("mona",), ())) | {"mutes": mutes}
    with pytest.raises(ProtocolError, match=r"entered\.mutes"):
        parsed(obj)


def test_a_full_entered_keeps_its_mutes_and_the_line() -> None:
    members = tuple(f"{index:03d}" + "민" * 29 for index in range(400))
    mutes = fitted_mutes([MuteEntry(name, UNTIL) for name in members])
    assert 50 < len(mutes) < 400 and mutes[0].name == members[0]  # the first that fit
    history = [ChatMessage(seq, "kim", "a", TS) for seq in range(1, 2001)]
    roles = tuple(MemberRole(name, "moderator") for name in members[:50])
    read = {name: 10**9 for name in members}
    entered = fitted_entered(ROOM, "mona", members, history, "x" * 128, MAX_FRAME_BYTES, roles,
                             read, RoomModes(), None, mutes)  # fmt: skip
    assert entered.mutes == mutes and entered.history
    assert len(encode(entered)) <= MAX_FRAME_BYTES
