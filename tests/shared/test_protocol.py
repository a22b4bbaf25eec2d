"""Protocol v1 framing, requests and server events, encoded and parsed with no sockets."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.shared.protocol import (
    MAIN_PORT_TYPES,
    MAX_FRAME_BYTES,
    ROOM_PORT_TYPES,
    SERVER_TYPES,
    Attachment,
    BanEntry,
    BanList,
    Blocked,
    Bye,
    ChatMessage,
    CreateRoom,
    DeleteRoom,
    DirectMessage,
    DirectPage,
    DirectSent,
    DownloadChunk,
    DownloadEnd,
    Entered,
    ErrorCode,
    ErrorReply,
    HistoryPage,
    Joined,
    JoinGranted,
    JoinRoom,
    Left,
    LineBuffer,
    LocalProtocolError,
    LoggedIn,
    Login,
    MemberRole,
    MessageDeleted,
    Moderation,
    NodeAddress,
    NodeList,
    Ok,
    Pong,
    Presence,
    ProtocolError,
    ReadUpTo,
    Registered,
    Reported,
    RoleChanged,
    RoomAdded,
    RoomCreated,
    RoomDeleted,
    RoomList,
    RoomRemoved,
    RoomSettings,
    RoomSettingsChanged,
    RoomSummary,
    RoomUpdated,
    Say,
    SearchHit,
    SearchResults,
    TypingNotice,
    Unblocked,
    Unknown,
    UnreadCounts,
    UploadReady,
    Welcome,
    decode_frame,
    encode,
    error_reply,
    fitted_entered,
    message_frames,
    parse_request,
    parse_server_frame,
    rate_limited,
)

TS = "2026-11-24T20:15:03.120Z"


def parse(line: bytes, allowed: frozenset[str] = MAIN_PORT_TYPES):
    return parse_request(decode_frame(line), allowed)


def test_lines_split_across_reads_are_joined() -> None:
    buffer = LineBuffer()
    assert buffer.feed(b'{"type":"pi') == []
    assert buffer.feed(b'ng"}\n{"type":"ping"}\r\n{"ty') == [b'{"type":"ping"}', b'{"type":"ping"}']
    assert buffer.pending_bytes == 4


def test_a_line_of_exactly_the_limit_passes_and_one_more_byte_overflows() -> None:
    body = b"x" * (MAX_FRAME_BYTES - 1)
    buffer = LineBuffer()
    assert buffer.feed(body + b"\n") == [body]
    assert not buffer.overflowed
    assert buffer.feed(body + b"x\n") == []
    assert buffer.overflowed


def test_an_endless_line_overflows_without_waiting_for_its_newline() -> None:
    buffer = LineBuffer()
    buffer.feed(b'{"type":"say","text":"')
    buffer.feed(b"a" * MAX_FRAME_BYTES)
    assert buffer.overflowed
    assert buffer.pending_bytes == 0


def test_lines_before_an_oversized_one_are_still_returned() -> None:
    buffer = LineBuffer()
    lines = buffer.feed(b"one\n" + b"y" * MAX_FRAME_BYTES + b"\nthree\n")
    assert lines == [b"one"]
    assert buffer.overflowed


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"\xff\xfe", "UTF-8"),
        (b"{not json", "JSON"),
        (b"[1, 2]", "object"),
        (b'{"type": 5}', "type"),
        (b'{"name": "x"}', "type"),
        (b'{"type": "ping", "id": 1.5}', "id"),
        (b'{"type": "ping", "id": true}', "id"),
        (b'{"type": "ping", "n": NaN}', "JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
        (b'{"type": "ping", "n": 1' + b"0" * 5000 + b"}", "JSON"),
    ],
)
def test_malformed_frames_are_bad_requests(line: bytes, problem: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_frame(line)
    assert caught.value.code == ErrorCode.BAD_REQUEST
    assert problem in caught.value.message


def test_unknown_and_wrong_port_types_are_unknown_type_and_echo_the_id() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(b'{"type": "dance", "id": "a1"}')
    assert caught.value.code == ErrorCode.UNKNOWN_TYPE
    assert error_reply(caught.value).id == "a1"
    with pytest.raises(ProtocolError):
        parse(b'{"type": "say", "text": "hi"}', MAIN_PORT_TYPES)
    assert parse(b'{"type": "say", "text": "hi"}', ROOM_PORT_TYPES) == Say("hi")


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "login", "name": "alice"},
        {"type": "login", "name": 5, "password": "secret123"},
        {"type": "register", "name": "alice", "password": ["x"]},
        {"type": "create_room", "name": "Lounge"},
        {"type": "create_room", "name": 1, "capacity": 2},
        {"type": "create_room", "name": "L", "capacity": 2, "password": 7},
        {"type": "join_room", "room_id": "1"},
        {"type": "join_room", "room_id": True},
        {"type": "create_room", "name": "L", "capacity": 2, "persistent": "yes"},
        {"type": "create_room", "name": "L", "capacity": 2, "persistent": 1},
        {"type": "delete_room"},
        {"type": "delete_room", "room_id": "1"},
        {"type": "enter"},
        {"type": "say", "text": None},
    ],
)
def test_missing_or_mistyped_fields_are_bad_requests(frame: dict) -> None:
    allowed = MAIN_PORT_TYPES | ROOM_PORT_TYPES
    with pytest.raises(ProtocolError) as caught:
        parse(json.dumps({**frame, "id": 9}).encode(), allowed)
    assert caught.value.code == ErrorCode.BAD_REQUEST
    assert caught.value.request_id == 9


def test_requests_parse_into_typed_values_and_hide_secrets_in_repr() -> None:
    login = parse(b'{"type":"login","name":"alice","password":"hunter22","id":3}')
    assert login == Login("alice", "hunter22", 3)
    assert "hunter22" not in repr(login)
    room = parse(b'{"type":"create_room","name":"L","capacity":4,"password":null}')
    assert room == CreateRoom("L", 4, None)
    lasting = parse(b'{"type":"create_room","name":"L","capacity":4,"persistent":true,"id":1}')
    assert lasting == CreateRoom("L", 4, None, 1, persistent=True)
    assert parse(encode(lasting).rstrip(b"\n")) == lasting
    assert parse(b'{"type":"delete_room","room_id":4,"id":"x"}') == DeleteRoom(4, "x")
    assert parse(encode(DeleteRoom(4)).rstrip(b"\n")) == DeleteRoom(4)
    assert parse(b'{"type":"join_room","room_id":4}') == JoinRoom(4)


def test_encode_is_one_compact_utf8_line() -> None:
    data = encode(ChatMessage(7, "민지", "안녕 \n there", TS))
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    assert json.loads(data) == {
        "type": "message", "seq": 7, "from": "민지", "text": "안녕 \n there", "ts": TS
    }  # fmt: skip
    assert "안녕".encode() in data


def test_error_frames_carry_code_message_and_id_and_an_id_of_0_is_kept() -> None:
    assert json.loads(encode(ErrorReply("room_full", "full", "r1"))) == {
        "type": "error",
        "code": "room_full",
        "message": "full",
        "id": "r1",
    }
    assert json.loads(encode(Pong(0))) == {"type": "pong", "id": 0}
    assert json.loads(encode(rate_limited("slow down", 1.23456, 3)))["retry_after"] == 1.235


ROOM = RoomSummary(7, "라운지", 41234, 2, 10, True, "alice", TS)
LASTING = replace(ROOM, persistent=True)
EVERY_EVENT = [
    ReadUpTo("kim", 12),
    TypingNotice("김민수"),
    Entered(ROOM, "kim", ("kim", "lee"), (), None, None, {"kim": 3, "lee": 0}),
    Welcome(1, "RoomChat 0.1.0", True, 100, "abc"),
    Welcome(1, "RoomChat 0.1.0"),
    Registered("alice", 1),
    LoggedIn("alice", (ROOM,), None, "two"),
    LoggedIn("alice", (ROOM,), True),
    LoggedIn("alice", (LASTING,), None, 8, operator=True),
    RoomList((ROOM, ROOM), None, 3),
    RoomAdded(ROOM),
    RoomAdded(LASTING),
    RoomUpdated(ROOM),
    RoomRemoved(7),
    RoomDeleted(7, "d"),
    RoomDeleted(7),
    RoomCreated(ROOM, "ticket", 4),
    JoinGranted(ROOM, "ticket"),
    ChatMessage(12, "alice", "hi", TS),
    Entered(ROOM, "alice", ("alice", "bob"), (ChatMessage(1, "bob", "yo", TS),), 5),
    Joined("bob", ("alice", "bob"), TS),
    Left("bob", ("alice",), TS),
    ErrorReply("rate_limited", "slow", 6, 0.5),
    ErrorReply("some_future_code", "what"),
    Bye(),
    Pong("p"),
    LoggedIn("alice", (), None, 9, False, UnreadCounts.of({"bob": 2, "민지": 1}), "sel.secret"),
    DirectMessage(5, "bob", "alice", "hi\nthere", TS),
    DirectSent(5, "alice", TS, 1),
    DirectPage("bob", (DirectMessage(4, "alice", "bob", "yo", TS),), True, "h"),
    DirectPage("bob", (), False),
    Blocked("bob", 2),
    Unblocked("bob"),
    Presence("bob", "away", "at lunch"),
    Presence("bob", "offline", None, 3),
    NodeList((NodeAddress(4000), NodeAddress(4001, "10.0.0.9"))),
    Ok("x"),
    Moderation("ban", "kim", "olive", 10, "spam"),
    Moderation("kick", "kim", "olive"),
    BanList((BanEntry("kim", None, "olive", None), BanEntry("lee", TS, "mona", "rude")), 4),
    RoleChanged("kim", "moderator", "olive"),
    MessageDeleted(12, "mona"),
    Reported(3),
    ChatMessage(12, "kim", "", TS, True),
    RoomSettingsChanged("olive", {"slow_mode_seconds": 30, "read_only": True}),
    Joined("kim", ("olive", "kim"), TS, (MemberRole("olive", "owner"),)),
    Left("kim", ("olive",), TS, None, "olive", (MemberRole("olive", "owner"),)),
    HistoryPage((ChatMessage(7, "민지", "안녕", TS), ChatMessage(8, "bob", "yo", TS)), True, 4),
    HistoryPage((), False),
    SearchResults((SearchHit(3, "Lounge", 9, "bob", "안녕 hi", TS, ((0, 2), (3, 5))),), "c", 1),
    SearchResults((), None),
    UploadReady(3, 46_080, "u"),
    DownloadChunk(4, 46_080, b"\x00\xffdata"),
    DownloadChunk(4, 0, b""),
    DownloadEnd(4, "ab" * 32, 9),
    ChatMessage(13, "kim", "", TS, None, Attachment(4, "시험.pdf", 9, "application/pdf", "0" * 64)),
    ChatMessage(
        14, "kim", "look", TS, None, Attachment(5, "a.png", 1, "image/png", "1" * 64, 3, 2)
    ),
]


@pytest.mark.parametrize("event", EVERY_EVENT, ids=lambda e: type(e).__name__)
def test_every_server_event_survives_the_wire(event: object) -> None:
    parsed = parse_server_frame(decode_frame(encode(event).rstrip(b"\n")))  # type: ignore[arg-type]
    if isinstance(event, LoggedIn | RoomList) and event.more is None:
        assert parsed == replace(event, more=False)  # absent reads as false
    else:
        assert parsed == event


def test_fields_an_older_server_leaves_out_read_as_false() -> None:
    room = ROOM.to_wire()
    del room["persistent"]
    logged_in = parse_server_frame({"type": "logged_in", "name": "a", "rooms": [room]})
    assert logged_in == LoggedIn("a", (ROOM,), False)
    assert isinstance(logged_in, LoggedIn) and not logged_in.operator
    assert not logged_in.rooms[0].persistent


def test_every_server_type_has_a_round_trip_case() -> None:
    assert {type(event).TYPE for event in EVERY_EVENT} == SERVER_TYPES


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (b'{"type":"welcome","server":"x"}', "version"),
        (b'{"type":"joined","name":"a","members":"a","ts":"t"}', "members"),
        (b'{"type":"message","seq":"1","from":"a","text":"t","ts":"t"}', "seq"),
        (b'{"type":"room_added","room":{"id":1}}', "name"),
        (b'{"type":"error","message":"no code"}', "code"),
    ],
)
def test_a_known_server_type_with_a_bad_field_is_a_protocol_error(line: bytes, field: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_server_frame(decode_frame(line))
    assert field in caught.value.message


def test_an_unknown_server_type_is_kept_to_be_ignored() -> None:
    assert parse_server_frame(decode_frame(b'{"type":"sparkle","id":3}')) == Unknown("sparkle", 3)


def test_a_frame_over_the_line_limit_is_never_built() -> None:
    with pytest.raises(LocalProtocolError):
        encode(ErrorReply("bad_request", "x" * MAX_FRAME_BYTES))


def test_entered_keeps_the_newest_history_that_fits_the_largest_room() -> None:
    room = replace(ROOM, name="방" * 64, owner="주" * 32, members=100, capacity=100)
    members = tuple(f"{index:02d}" + "민" * 30 for index in range(100))
    history = [ChatMessage(seq, "지" * 32, "글" * 4000, TS) for seq in range(1, 51)]
    entered = fitted_entered(room, "민" * 32, members, history, "x" * 128)
    assert len(encode(entered)) <= MAX_FRAME_BYTES
    assert entered.history and entered.history[-1].seq == 50
    kept = [message.seq for message in entered.history]
    assert kept == list(range(51 - len(kept), 51))  # newest, in order, none skipped


@given(st.lists(st.binary(max_size=300), max_size=30))
def test_any_split_of_a_stream_yields_the_same_lines(chunks: list[bytes]) -> None:
    stream = b"".join(chunks).replace(b"\r", b"")
    whole = LineBuffer().feed(stream)
    pieces = LineBuffer()
    assert [line for chunk in chunks for line in pieces.feed(chunk.replace(b"\r", b""))] == whole


@given(st.binary(max_size=500))
def test_decoding_arbitrary_bytes_returns_an_object_or_a_protocol_error(data: bytes) -> None:
    try:
        parse(data, MAIN_PORT_TYPES | ROOM_PORT_TYPES)
    except ProtocolError as problem:
        assert problem.code in (ErrorCode.BAD_REQUEST, ErrorCode.UNKNOWN_TYPE)


@given(
    st.text(min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(1, 10**9), st.text(max_size=200)), max_size=20),
)
def test_message_frames_are_the_bytes_encode_gives(sender: str, items) -> None:
    ts = TS
    expected = b"".join(encode(ChatMessage(seq, sender, text, ts)) for seq, text in items)
    assert message_frames(sender, ts, items) == expected


@pytest.mark.parametrize(
    "line",
    [
        b'{"type":"say","text":"\\ud800"}',
        b'{"type":"ping","id":"x\\uDC00"}',
        b'{"type":"create_room","name":"a","capacity":2,"x":["\\udfff"]}',
    ],
)
def test_lone_surrogate_escapes_are_bad_requests(line: bytes) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_frame(line)
    assert caught.value.code == ErrorCode.BAD_REQUEST


def test_paired_surrogate_escapes_are_characters() -> None:
    frame = decode_frame(b'{"type":"say","text":"\\ud83d\\ude00 and \\\\ud800"}')
    assert frame["text"] == "\U0001f600 and \\ud800"
    assert encode(Say(frame["text"]))  # writable back out


def test_everything_the_package_exports_exists() -> None:
    import app.shared.protocol as protocol

    assert all(hasattr(protocol, name) for name in protocol.__all__)


def test_a_busy_answer_without_an_id_is_rate_limited_not_closing() -> None:
    busy = ProtocolError(ErrorCode.SERVER_BUSY, "busy", None, 1.0)
    assert error_reply(busy) == ErrorReply("rate_limited", "busy", None, 1.0)
    with_id = ProtocolError(ErrorCode.SERVER_BUSY, "busy", 7, 1.0)
    assert error_reply(with_id) == ErrorReply("server_busy", "busy", 7, 1.0)


def test_the_largest_room_fits_entered_joined_and_left() -> None:
    from app.shared.validation import CAPACITY_MAX

    four_bytes = "\U00020000"  # a CJK extension B letter: 4 bytes in UTF-8
    members = tuple(f"{index:03d}" + four_bytes * 29 for index in range(CAPACITY_MAX))
    room = replace(ROOM, name=four_bytes * 64, owner=four_bytes * 32, members=CAPACITY_MAX)
    assert len(encode(fitted_entered(room, members[0], members, [], "x" * 128))) <= MAX_FRAME_BYTES
    assert len(encode(Joined(members[0], members, TS))) <= MAX_FRAME_BYTES
    assert len(encode(Left(members[0], members, TS))) <= MAX_FRAME_BYTES


def test_room_settings_tell_a_new_password_from_clearing_it_and_never_echo_it() -> None:
    new = parse(b'{"type":"room_settings","password":"hunter22","id":1}', ROOM_PORT_TYPES)
    assert new == RoomSettings(id=1, password="hunter22")
    assert new.changes() == {"locked": True}
    cleared = parse(b'{"type":"room_settings","password":null}', ROOM_PORT_TYPES)
    assert cleared == RoomSettings(clear_password=True)
    assert cleared.changes() == {"locked": False}
    assert parse(encode(cleared).rstrip(b"\n"), ROOM_PORT_TYPES) == cleared
    assert json.loads(encode(cleared)) == {"type": "room_settings", "password": None}
    with pytest.raises(ProtocolError) as refused:
        parse(b'{"type":"room_settings","password":5}', ROOM_PORT_TYPES)
    assert refused.value.code is ErrorCode.INVALID_PASSWORD


@pytest.mark.parametrize(
    "line",
    [
        b'{"type":"say","text":"x","n":1e400}',
        b'{"type":"say","text":"x","n":-1E999}',
    ],
)
def test_a_number_past_a_double_is_a_bad_request(line: bytes) -> None:
    # The stdlib decoder read these as infinity, which no encoder writes back out as JSON.
    with pytest.raises(ProtocolError) as caught:
        decode_frame(line)
    assert caught.value.code == ErrorCode.BAD_REQUEST
    assert "JSON" in caught.value.message


def test_the_last_of_duplicate_keys_wins_and_big_integers_stay_exact() -> None:
    frame = decode_frame(b'{"type":"nope","type":"ping","n":123456789012345678901234567890}')
    assert frame["type"] == "ping"
    assert frame["n"] == 123456789012345678901234567890
