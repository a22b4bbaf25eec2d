"""Direct messages, blocks, presence and resume in the protocol package, with no sockets."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from app.shared.protocol import (
    DIRECT_PAGE_MAX,
    MAIN_PORT_TYPES,
    MAX_FRAME_BYTES,
    Block,
    Direct,
    DirectHistory,
    DirectMessage,
    ErrorCode,
    LoggedIn,
    Presence,
    ProtocolError,
    ResumeSession,
    RoomAdded,
    RoomList,
    RoomSummary,
    SetPresence,
    Unblock,
    UnreadCounts,
    decode_frame,
    encode,
    fitted_page,
    paged_rooms,
    parse_request,
    parse_server_frame,
)
from app.shared.protocol.framing import count_fitting
from app.shared.validation import STATUS_MAX, check_status

TS = "2026-11-24T20:15:03.120Z"


def parse(frame: dict) -> object:
    return parse_request(decode_frame(json.dumps(frame).encode()), MAIN_PORT_TYPES)


def test_the_new_requests_parse_and_encode_back() -> None:
    cases = [
        ({"type": "direct", "to": "bob", "text": "hi", "id": 1}, Direct("bob", "hi", 1)),
        (
            {"type": "direct_history", "with": "bob", "before": 40, "limit": 20},
            DirectHistory("bob", 40, 20),
        ),
        ({"type": "direct_history", "with": "bob"}, DirectHistory("bob", None, 50)),
        ({"type": "block", "name": "bob"}, Block("bob")),
        ({"type": "unblock", "name": "bob", "id": "u"}, Unblock("bob", "u")),
        (
            {"type": "set_presence", "state": "away", "status": "lunch"},
            SetPresence("away", "lunch"),
        ),
        ({"type": "set_presence", "state": "online"}, SetPresence("online")),
        ({"type": "resume", "token": "abc.def", "id": 2}, ResumeSession("abc.def", 2)),
    ]
    for frame, request in cases:
        assert parse(frame) == request
        assert parse(json.loads(encode(request))) == request  # type: ignore[arg-type]


def test_a_resume_token_is_kept_out_of_reprs() -> None:
    assert "s3cret" not in repr(ResumeSession("sel.s3cret"))
    assert "s3cret" not in repr(LoggedIn("a", (), resume_token="sel.s3cret"))


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "direct", "to": "bob"},
        {"type": "direct", "to": 3, "text": "x"},
        {"type": "direct_history"},
        {"type": "direct_history", "with": "bob", "before": "9"},
        {"type": "direct_history", "with": "bob", "limit": 0},
        {"type": "direct_history", "with": "bob", "limit": DIRECT_PAGE_MAX + 1},
        {"type": "direct_history", "with": "bob", "limit": True},
        {"type": "block", "name": None},
        {"type": "set_presence", "state": "offline"},
        {"type": "set_presence", "state": "away", "status": 5},
        {"type": "resume"},
    ],
)
def test_bad_new_requests_are_bad_requests(frame: dict) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse({**frame, "id": 4})
    assert caught.value.code is ErrorCode.BAD_REQUEST and caught.value.request_id == 4


def test_presence_always_says_its_status_even_when_there_is_none() -> None:
    assert json.loads(encode(Presence("bob", "offline"))) == {
        "type": "presence", "name": "bob", "state": "offline", "status": None
    }  # fmt: skip


def test_logged_in_unread_is_an_object_and_a_bad_one_is_refused() -> None:
    frame = {"type": "logged_in", "name": "a", "rooms": [], "unread": {"bob": 3}}
    parsed = parse_server_frame(frame)
    assert isinstance(parsed, LoggedIn) and parsed.unread is not None
    assert parsed.unread.as_dict() == {"bob": 3}
    with pytest.raises(ProtocolError):
        parse_server_frame({**frame, "unread": {"bob": "3"}})


def test_a_page_of_the_longest_messages_fits_one_line_and_says_more() -> None:
    longest = "한" * 4_000
    newest_first = [DirectMessage(100 - i, "가" * 32, "나" * 32, longest, TS) for i in range(50)]
    page = fitted_page("나" * 32, newest_first, False, 1)
    assert len(encode(page)) <= MAX_FRAME_BYTES
    assert page.more and 0 < len(page.messages) < 50
    assert [m.seq for m in page.messages] == sorted(m.seq for m in page.messages)
    assert page.messages[-1].seq == 100  # the newest kept, oldest first
    small = fitted_page("b", newest_first[:2], False)
    assert not small.more and len(small.messages) == 2


def test_status_lines() -> None:
    assert check_status(None) is None and check_status("   ") is None
    assert check_status(" at lunch ") == "at lunch"
    for bad in ("x" * (STATUS_MAX + 1), "two\nlines", "\u202eevil"):
        with pytest.raises(ProtocolError) as caught:
            check_status(bad, 3)
        assert caught.value.code is ErrorCode.INVALID_TEXT


def test_the_largest_logged_in_with_unread_counts_and_a_token_fits_every_line() -> None:
    room = RoomSummary(1, "방" * 64, 40_000, 400, 400, True, "주" * 32, TS, True)
    rooms = [replace(room, id=i) for i in range(500)]
    unread = UnreadCounts.of({"가" * 30 + f"{i:02}": 10**9 for i in range(200)})
    token = "s" * 22 + "." + "t" * 43
    frames = paged_rooms(
        rooms, lambda rs, more: LoggedIn("나" * 32, rs, more, "x" * 64, True, unread, token)
    )
    assert len(frames) > 1 and all(len(frame) <= MAX_FRAME_BYTES for frame in frames)
    first = parse_server_frame(decode_frame(frames[0].rstrip(b"\n")))
    assert isinstance(first, LoggedIn) and first.unread == unread and first.resume_token == token


def test_a_room_list_tried_whole_pages_exactly_where_counting_each_room_did() -> None:
    """The whole list is encoded first; it must give the frames the count of every room
    against the paged header gave, at every length around the line's limit."""

    def counted(rooms: list[RoomSummary], make: Any) -> list[bytes]:  # as paged_rooms was
        taken = count_fitting(rooms, MAX_FRAME_BYTES - len(encode(make((), True))))
        if taken == len(rooms):
            return [encode(make(tuple(rooms), None))]
        return [encode(make(tuple(rooms[:taken]), True))] + [
            encode(RoomAdded(room)) for room in rooms[taken:]
        ]

    room = RoomSummary(1, "r" * 40, 40_000, 4, 40, False, "o" * 20, TS, False)
    one = len(encode(RoomList((room,))))
    each = len(encode(RoomList((room, room)))) - one
    around = (MAX_FRAME_BYTES - one) // each + 1  # rooms that about fill a line
    for make in (
        lambda rs, more: RoomList(rs, more, "id"),
        lambda rs, more: LoggedIn("ann", rs, more, 7, False, None, "s" * 22 + "." + "t" * 43),
    ):
        for count in [0, 1, 2, *range(around - 6, around + 1)]:
            rooms = [replace(room, id=i) for i in range(count)]
            for extra in range(0, each + 20):  # the last name longer, a byte at a time
                if rooms:
                    rooms[-1] = replace(room, id=count, name="r" * (40 + extra))
                assert paged_rooms(rooms, make) == counted(rooms, make), (count, extra)
