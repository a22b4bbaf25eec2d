"""Thousands of random and mutated frames at both kinds of port while two people chat."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]

TYPES = ["register", "login", "list_rooms", "create_room", "join_room", "ping", "logout",
         "enter", "say", "leave", "welcome", "message", "error", ""]  # fmt: skip
FIELDS = ["name", "password", "capacity", "room_id", "ticket", "text", "id", "from", "type"]
WRONG_VALUES = [None, True, 0, -1, 2**70, 1.5, "", "x" * 5000, [], {}, [1, [2]], {"a": 1}]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
requests = st.builds(
    lambda kind, fields: json.dumps({"type": kind, **fields}).encode(),
    st.sampled_from(TYPES) | st.text(max_size=12),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5),
)
frames = st.one_of(
    requests,
    requests.flatmap(lambda f: st.integers(0, len(f)).map(lambda i: f[:i])),  # truncated
    st.binary(max_size=300),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.integers(300, 6000).map(lambda n: b'{"type":"join_room","room_id":' + b"9" * n + b"}"),
    st.sampled_from(TYPES).map(lambda t: b'{"type":"%s","id":%s}' % (t.encode(), b"1" * 400)),
    st.builds(  # unpaired UTF-16 surrogates, which JSON can carry and UTF-8 cannot
        lambda kind, text: json.dumps(
            {"type": kind, "name": text, "text": text, "id": text, "password": text * 8}
        ).encode(),
        st.sampled_from(TYPES),
        st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1),
    ),
).map(lambda frame: frame.replace(b"\n", b" ").replace(b"\r", b" "))


def every_field_wrong() -> list[bytes]:
    """Each request type with each of its fields set to each wrong value."""
    shapes = {
        "register": {"name": "fuzzy", "password": PASSWORD},
        "login": {"name": "fuzzy", "password": PASSWORD},
        "create_room": {"name": "Fuzz", "capacity": 3, "password": None},
        "join_room": {"room_id": 1, "password": None},
        "enter": {"ticket": "t"},
        "say": {"text": "hi"},
    }
    out = []
    for kind, fields in shapes.items():
        for field, wrong in itertools.product([*fields, "id", "type"], WRONG_VALUES):
            out.append(json.dumps({"type": kind, **fields, field: wrong}).encode())
    return out


class Fuzzer:
    """Sends one frame then a ping, and waits for that ping's pong or for the close."""

    def __init__(self, open_connection: Callable[[], WireClient]) -> None:
        self.open_connection = open_connection
        self.client = open_connection()
        self.sent = 0
        self.counter = itertools.count()

    def send(self, frame: bytes) -> None:
        if self.client.disconnected:
            self.client.close()
            self.client = self.open_connection()
        token = f"sync-{next(self.counter)}"
        self.client.inbox.clear()
        self.client.send_raw(
            frame + b"\n" + json.dumps({"type": "ping", "id": token}).encode() + b"\n"
        )
        self.sent += 1
        self.client.wait_until(
            lambda: self.client.disconnected or any(m.get("id") == token for m in self.client.inbox)
        )
        if not self.client.disconnected and frame.strip():  # blank lines are keep-alives
            answered = self.client.inbox[:-1]
            assert answered, f"no answer to {frame[:80]!r}"


@pytest.mark.server_config(
    msg_rate=0, login_fails_per_name=0, login_fails_per_name_and_address=0,
    login_fails_per_address=0, ticket_ttl=2.0,
    empty_room_grace=0.0, joins_per_minute=0, address_msg_rate=0, text_bytes_per_minute=0,
)  # fmt: skip
def test_fuzzed_frames_never_disturb_a_chat(
    server: ChatServer, login: Login, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice, "Chat", capacity=10)
    alice_room = enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    login("fuzzmain").close()
    ticket_desk = login("fuzzroom")

    def main_port() -> WireClient:
        client = connect()
        client.request("login", "logged_in", name="fuzzmain", password=PASSWORD)
        return client

    def room_port() -> WireClient:
        granted = ticket_desk.request("join_room", "join_granted", room_id=room["id"])
        client = connect(port=room["port"])
        client.request("enter", "entered", ticket=granted["ticket"])
        return client

    fuzzers = [Fuzzer(main_port), Fuzzer(room_port)]
    said: list[str] = []

    def chat() -> None:
        text = f"chat {len(said)}"
        (alice_room if len(said) % 2 else bob_room).send(type="say", text=text)
        said.append(text)

    for frame in every_field_wrong():
        for fuzzer in fuzzers:
            fuzzer.send(frame)
        chat()

    @settings(max_examples=100, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.lists(frames, min_size=1, max_size=12))
    def throw(batch: list[bytes]) -> None:
        for frame in batch:
            for fuzzer in fuzzers:
                fuzzer.send(frame)
        chat()

    while sum(f.sent for f in fuzzers) < 2000:
        throw()

    def chat_seen(member: WireClient) -> list[str]:  # the fuzzer may say things too
        return [
            m["text"]
            for m in member.inbox
            if m["type"] == "message" and m["from"] in ("alice", "bob")
        ]

    for member in (alice_room, bob_room):
        member.wait_until(lambda m=member: len(chat_seen(m)) >= len(said))
        assert chat_seen(member) == said
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
