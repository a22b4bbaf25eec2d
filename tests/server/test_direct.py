"""Direct messages over real sockets: online and offline, history pages, unread counts at
login, blocking, the chat budgets and the text rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.server import direct
from app.server.database import Database
from app.server.server import ChatServer
from app.server.store import MIGRATIONS
from app.shared.protocol import MAX_FRAME_BYTES
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines  # the direct-message and token SQL, on either engine

Login = Callable[..., WireClient]


def send_direct(client: WireClient, to: str, text: str, request_id: object = None) -> dict:
    client.send(type="direct", to=to, text=text, id=request_id)
    return client.expect("direct_sent")


def test_a_direct_message_reaches_an_online_recipient_at_once(login: Login) -> None:
    alice, bob = login("alice"), login("bob")
    sent = send_direct(alice, "BOB", "hi bob", 7)
    assert sent["to"] == "bob" and sent["id"] == 7 and isinstance(sent["seq"], int)
    got = bob.expect("direct_message")
    assert got == {
        "type": "direct_message", "seq": sent["seq"], "from": "alice", "to": "bob",
        "text": "hi bob", "ts": sent["ts"],
    }  # fmt: skip
    assert "direct_message" not in alice.types()  # the sender has direct_sent only


def test_messages_to_someone_away_wait_for_their_next_login_with_unread_counts(
    login: Login, connect: Callable[..., WireClient]
) -> None:
    login("bob").send(type="logout")
    alice, carol = login("alice"), login("carol")
    seqs = [send_direct(alice, "bob", f"a{i}")["seq"] for i in range(3)]
    send_direct(carol, "bob", "from carol")
    bob = login("bob")
    waiting = [bob.expect("direct_message") for _ in range(4)]
    assert [m["text"] for m in waiting] == ["a0", "a1", "a2", "from carol"]
    assert [m["seq"] for m in waiting[:3]] == seqs
    # Delivered now: the next login has nothing unread and nothing waiting.
    bob.send(type="logout")
    bob.wait_closed()
    again = connect()
    reply = again.request("login", "logged_in", name="bob", password="correct horse")
    assert "unread" not in reply
    again.send(type="ping")
    again.expect("pong")
    assert "direct_message" not in again.types()


def test_logged_in_counts_unread_per_conversation(
    login: Login, connect: Callable[..., WireClient]
) -> None:
    login("bob").send(type="logout")
    alice, carol = login("alice"), login("carol")
    for i in range(3):
        send_direct(alice, "bob", f"a{i}")
    send_direct(carol, "bob", "c")
    bob = connect()
    reply = bob.request("login", "logged_in", name="bob", password="correct horse")
    assert reply["unread"] == {"alice": 3, "carol": 1}


def test_history_pages_back_by_seq(login: Login) -> None:
    alice, bob = login("alice"), login("bob")
    seqs = []
    for i in range(7):
        sender, to = (alice, "bob") if i % 2 == 0 else (bob, "alice")
        seqs.append(send_direct(sender, to, f"m{i}")["seq"])
    send_direct(login("carol"), "alice", "not in this conversation")
    page = alice.request("direct_history", "direct_page", **{"with": "bob", "limit": 3})
    assert page["with"] == "bob" and page["more"] is True
    assert [m["text"] for m in page["messages"]] == ["m4", "m5", "m6"]
    before = page["messages"][0]["seq"]
    older = alice.request(
        "direct_history", "direct_page", **{"with": "Bob", "before": before, "limit": 10}
    )
    assert [m["text"] for m in older["messages"]] == ["m0", "m1", "m2", "m3"]
    assert older["more"] is False
    assert [m["seq"] for m in older["messages"] + page["messages"]] == seqs
    theirs = bob.request("direct_history", "direct_page", **{"with": "alice"})
    assert len(theirs["messages"]) == 7


def test_a_page_of_the_longest_messages_fits_the_line(login: Login) -> None:
    alice, bob = login("alice"), login("bob")
    for _ in range(20):
        send_direct(alice, "bob", "한" * 4_000)
    page = bob.request("direct_history", "direct_page", **{"with": "alice", "limit": 20})
    assert page["more"] is True and 0 < len(page["messages"]) < 20
    assert max(len(line) for line in bytes(bob.raw).split(b"\n")) <= MAX_FRAME_BYTES


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "direct", "to": "nobody", "text": "hi"}, "no_such_user"),
        ({"type": "direct", "to": "alice", "text": "hi"}, "bad_request"),
        ({"type": "direct", "to": "bob", "text": ""}, "invalid_text"),
        ({"type": "direct", "to": "bob", "text": "x" * 4_001}, "invalid_text"),
        ({"type": "direct", "to": "bob", "text": "\u202eevil"}, "invalid_text"),
        ({"type": "direct", "to": "bob", "text": "\u200b"}, "invalid_text"),
        ({"type": "direct_history", "with": "nobody"}, "no_such_user"),
        ({"type": "direct_history", "with": "bob", "limit": 10_000}, "bad_request"),
        ({"type": "block", "name": "nobody"}, "no_such_user"),
    ],
)
def test_bad_direct_requests_are_refused_and_nothing_is_sent(
    login: Login, server: ChatServer, frame: dict, code: str
) -> None:
    alice, bob = login("alice"), login("bob")
    alice.send({**frame, "id": 5})
    assert alice.expect_error(code)["id"] == 5
    bob.send(type="ping")
    bob.expect("pong")
    assert "direct_message" not in bob.types()
    assert server.store.db.rows("SELECT COUNT(*) FROM direct_messages") == [(0,)]


def test_direct_requests_need_a_login(connect: Callable[..., WireClient]) -> None:
    client = connect()
    client.send(type="direct", to="bob", text="hi", id=1)
    client.expect_error("not_logged_in")


def test_a_blocked_sender_is_answered_as_usual_and_the_message_never_arrives(
    login: Login, connect: Callable[..., WireClient]
) -> None:
    alice, bob = login("alice"), login("bob")
    assert bob.request("block", "blocked", name="ALICE", id=1) == {
        "type": "blocked", "name": "alice", "id": 1
    }  # fmt: skip
    sent = send_direct(alice, "bob", "you blocked me")
    send_direct(login("carol"), "bob", "not blocked")
    assert bob.expect("direct_message")["text"] == "not blocked"
    assert "direct_message" not in bob.types()
    mine = alice.request("direct_history", "direct_page", **{"with": "bob"})
    assert [m["seq"] for m in mine["messages"]] == [sent["seq"]]  # the sender sees it
    theirs = bob.request("direct_history", "direct_page", **{"with": "alice"})
    assert theirs["messages"] == []
    # Blocked while away: not waiting and not counted either.
    bob.send(type="logout")
    bob.wait_closed()
    send_direct(alice, "bob", "still blocked")
    again = connect()
    assert "unread" not in again.request("login", "logged_in", name="bob", password="correct horse")
    assert again.request("unblock", "unblocked", name="alice") == {
        "type": "unblocked", "name": "alice"
    }  # fmt: skip
    send_direct(alice, "bob", "after unblock")
    assert again.expect("direct_message")["text"] == "after unblock"


def test_a_block_lasts_over_a_restart(
    make_server: Callable[..., ChatServer], qtbot, db_path: str
) -> None:
    first = make_server()
    clients = []
    for name in ("alice", "bob"):
        client = WireClient(qtbot, first.port)
        client.expect("welcome")
        client.request("register", "registered", name=name, password="correct horse")
        clients.append(client)
    clients[1].request("login", "logged_in", name="bob", password="correct horse")
    clients[1].request("block", "blocked", name="alice")
    first.shutdown()
    second = make_server()
    alice, bob = WireClient(qtbot, second.port), WireClient(qtbot, second.port)
    for client, name in ((alice, "alice"), (bob, "bob")):
        client.expect("welcome")
        client.request("login", "logged_in", name=name, password="correct horse")
    send_direct(alice, "bob", "hidden")
    bob.request("ping", "pong")
    assert "direct_message" not in bob.types()
    for client in (*clients, alice, bob):
        client.close()


@pytest.mark.server_config(msg_rate=1.0, msg_burst=3, flood_close_factor=0)
def test_direct_messages_spend_the_accounts_chat_budget(login: Login, fake_clock) -> None:
    alice, bob = login("alice"), login("bob")
    for i in range(5):
        alice.send(type="direct", to="bob", text=f"m{i}", id=i)
    sent = [alice.expect("direct_sent")["id"] for _ in range(3)]
    limited = [alice.expect_error("rate_limited") for _ in range(2)]
    assert sent == [0, 1, 2] and [e["id"] for e in limited] == [3, 4]
    assert all(e["retry_after"] > 0 for e in limited)
    assert [bob.expect("direct_message")["text"] for _ in range(3)] == ["m0", "m1", "m2"]


def test_a_version_4_database_gains_the_direct_message_tables(
    make_server: Callable[..., ChatServer], qtbot, db_path: str
) -> None:
    Database(db_path, MIGRATIONS[:4]).close()
    server = make_server()
    assert server.store.db.schema_version == len(MIGRATIONS)
    clients = []
    for name in ("alice", "bob"):
        client = WireClient(qtbot, server.port)
        client.expect("welcome")
        client.request("register", "registered", name=name, password="correct horse")
        client.request("login", "logged_in", name=name, password="correct horse")
        clients.append(client)
    send_direct(clients[0], "bob", "after the upgrade")
    assert clients[1].expect("direct_message")["text"] == "after the upgrade"
    for client in clients:
        client.close()


def test_what_waited_is_bounded_the_newest_first(
    login: Login, connect: Callable[..., WireClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(direct, "BACKLOG_MAX", 2)
    monkeypatch.setattr(direct, "UNREAD_CONVERSATIONS_MAX", 1)
    login("bob").send(type="logout")
    alice, carol = login("alice"), login("carol")
    for i in range(3):
        send_direct(alice, "bob", f"a{i}")
    send_direct(carol, "bob", "c")
    bob = connect()
    reply = bob.request("login", "logged_in", name="bob", password="correct horse")
    assert reply["unread"] == {"carol": 1}  # the conversation written in last
    waiting = [bob.expect("direct_message")["text"] for _ in range(2)]
    assert waiting == ["a2", "c"]  # the newest two, oldest first
    bob.request("ping", "pong")
    assert "direct_message" not in bob.types()
    page = bob.request("direct_history", "direct_page", **{"with": "alice"})
    assert [m["text"] for m in page["messages"]] == ["a0", "a1", "a2"]  # the rest is paged
