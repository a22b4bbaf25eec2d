"""Frames the server builds stay under the line limit, and replies echo every request id."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.server.server import ChatServer
from app.shared.protocol import MAX_FRAME_BYTES
from tests.conftest import PASSWORD
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]

HANGUL = "가나다라마바사아자차카타파하"


def long_name(index: int, length: int) -> str:
    """A name of `length` Hangul syllables, different for every index (3 bytes each in UTF-8)."""
    digits = []
    while True:
        index, digit = divmod(index, len(HANGUL))
        digits.append(HANGUL[digit])
        if index == 0:
            break
    return ("".join(digits) + "한" * length)[:length]


def open_long_rooms(server: ChatServer, count: int) -> None:
    for index in range(count):
        owner = long_name(index // 5, 32)
        server.directory.open_room(long_name(index, 64), owner, 10, None, None)


def test_200_rooms_with_long_hangul_names_log_in_fine(connect: Connect, server: ChatServer) -> None:
    open_long_rooms(server, 200)
    alice = connect()
    alice.request("register", "registered", name="alice", password=PASSWORD)
    logged_in = alice.request("login", "logged_in", name="alice", password=PASSWORD)
    assert logged_in["more"] is True
    rest = 200 - len(logged_in["rooms"])
    alice.wait_until(lambda: alice.types().count("room_added") >= rest)
    seen = {room["id"] for room in logged_in["rooms"]}
    seen |= {m["room"]["id"] for m in alice.inbox if m["type"] == "room_added"}
    assert seen == set(server.directory.rooms)
    assert max(len(line) for line in bytes(alice.raw).split(b"\n")) < MAX_FRAME_BYTES

    listed = alice.request("list_rooms", "rooms")
    assert listed["more"] is True
    alice.wait_until(lambda: alice.types().count("room_added") >= 2 * rest)
    assert max(len(line) for line in bytes(alice.raw).split(b"\n")) < MAX_FRAME_BYTES


def test_a_short_room_list_is_one_frame_without_more(login: Login, server: ChatServer) -> None:
    open_long_rooms(server, 3)
    listed = login("alice").request("list_rooms", "rooms")
    assert len(listed["rooms"]) == 3
    assert "more" not in listed


def test_a_bad_ticket_with_id_0_echoes_id_0(login: Login, connect: Connect) -> None:
    room = login("alice").request("create_room", "room_created", name="Lounge", capacity=3)["room"]
    guest = connect(port=room["port"])
    guest.send(type="enter", ticket="not a ticket", id=0)
    assert guest.expect_error("bad_ticket")["id"] == 0


@pytest.mark.parametrize("request_id", ["x" * 129, 2**63, -(2**63)])
def test_an_id_too_long_to_echo_is_a_bad_request(connect: Connect, request_id: object) -> None:
    client = connect()
    client.send(type="ping", id=request_id)
    problem = client.expect_error("bad_request")
    assert "id" not in problem


def test_the_longest_id_is_echoed(connect: Connect) -> None:
    client = connect()
    client.send(type="ping", id="x" * 128)
    assert client.expect("pong")["id"] == "x" * 128
