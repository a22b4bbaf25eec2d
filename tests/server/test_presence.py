"""Presence over real sockets: who is online at login, changes as they happen, and the
coalescing that keeps a flapping account from flooding every lobby."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Login = Callable[..., WireClient]


def presence_of(client: WireClient, name: str) -> list[dict]:
    return [m for m in client.inbox if m.get("type") == "presence" and m["name"] == name]


@pytest.mark.server_config(presence_interval=0)
def test_everyone_logged_in_learns_who_comes_changes_and_goes(login: Login) -> None:
    alice = login("alice")
    bob = login("bob")
    assert alice.expect("presence") == {
        "type": "presence", "name": "bob", "state": "online", "status": None
    }  # fmt: skip
    # Bob learns at login who was online already; never himself.
    assert bob.expect("presence") == {
        "type": "presence", "name": "alice", "state": "online", "status": None
    }  # fmt: skip
    reply = bob.request("set_presence", "presence", state="away", status=" at lunch ", id=4)
    assert reply == {
        "type": "presence", "name": "bob", "state": "away", "status": "at lunch", "id": 4
    }  # fmt: skip
    assert alice.expect("presence") == {
        "type": "presence", "name": "bob", "state": "away", "status": "at lunch"
    }  # fmt: skip
    bob.send(type="logout")
    assert alice.expect("presence") == {
        "type": "presence", "name": "bob", "state": "offline", "status": None
    }  # fmt: skip
    carol = login("carol")
    carol.request("ping", "pong")
    assert [m["name"] for m in carol.inbox if m.get("type") == "presence"] == ["alice"]


@pytest.mark.server_config(presence_interval=0)
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"state": "away", "status": "x" * 81}, "invalid_text"),
        ({"state": "away", "status": "two\nlines"}, "invalid_text"),
        ({"state": "offline"}, "bad_request"),
        ({"state": "away", "status": 3}, "bad_request"),
    ],
)
def test_a_bad_presence_is_refused_and_changes_nothing(
    login: Login, fields: dict, code: str
) -> None:
    alice = login("alice")
    bob = login("bob")
    alice.expect("presence")
    bob.send(type="set_presence", id=1, **fields)
    assert bob.expect_error(code)["id"] == 1
    alice.request("ping", "pong")
    assert presence_of(alice, "bob") == []


def test_presence_needs_a_login(connect: Callable[..., WireClient]) -> None:
    client = connect()
    client.send(type="set_presence", state="away", id=1)
    client.expect_error("not_logged_in")


@pytest.mark.server_config(presence_interval=1.0)
def test_a_flapping_account_costs_the_others_a_few_events_and_the_last_state_follows(
    login: Login,
) -> None:
    alice = login("alice")
    bob = login("bob")
    for i in range(20):
        bob.send(type="set_presence", state="away" if i % 2 else "online", status=f"s{i}")
    bob.wait_until(lambda: len(presence_of(bob, "bob")) == 20)  # each request is answered
    assert presence_of(bob, "bob")[-1]["status"] == "s19"
    alice.wait_until(lambda: any(m["status"] == "s19" for m in presence_of(alice, "bob")))
    seen = presence_of(alice, "bob")
    assert len(seen) <= 3, seen  # login at once, then at most one per interval
    assert seen[-1] == {"type": "presence", "name": "bob", "state": "away", "status": "s19"}
