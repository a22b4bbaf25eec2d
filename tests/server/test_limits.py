"""Each limit holds, says so to the client, and resets: bad frames, floods, logins, timeouts,
connection caps, database failures."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from app.server.connection import READ_BUFFER_BYTES
from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.db_access import set_read_only
from tests.fake_clock import FakeClock
from tests.server.test_load import GatedArgon2
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines
LOAD = "a load test of the sockets, not of the database; kept off PostgreSQL for time"

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def test_ten_bad_frames_close_the_connection(connect: Connect) -> None:
    client = connect()
    client.send_raw(b"nonsense\n" * 9)
    for _ in range(9):
        client.expect_error("bad_request")
    client.request("ping", "pong")  # nine is still fine
    client.send_raw(b"{bad\n")
    client.expect_error("bad_request")
    assert client.expect_error("bad_request")["message"] == "too many bad requests"
    client.wait_closed()


@pytest.mark.server_config(msg_rate=10, msg_burst=20, flood_close_factor=5)
def test_flood_limit_refuses_past_the_burst_then_recovers(login: Login, connect: Connect) -> None:
    room, ticket = create(login("alice"))
    member = enter(connect, room, ticket)
    member.send_raw(b"".join(b'{"type":"say","text":"m%d"}\n' % i for i in range(25)))
    member.qtbot.waitUntil(lambda: member.types().count("message") == 20)
    member.qtbot.waitUntil(lambda: member.types().count("error") == 5)
    refused = member.expect_error("rate_limited")
    assert 0 < refused["retry_after"] <= 0.2

    def accepted_again() -> bool:
        member.send(type="say", text="later")
        member.qtbot.waitUntil(lambda: "message" in member.types() or "error" in member.types())
        return any(m.get("text") == "later" for m in member.inbox)

    member.inbox.clear()
    member.qtbot.waitUntil(accepted_again, timeout=3000)


@pytest.mark.server_config(msg_rate=10, msg_burst=20, flood_close_factor=5)
def test_a_sender_that_keeps_flooding_is_closed(login: Login, connect: Connect) -> None:
    room, ticket = create(login("alice"))
    member = enter(connect, room, ticket)
    member.send_raw(b'{"type":"say","text":"x"}\n' * 300)
    member.wait_closed()
    assert any(m.get("message") == "flooding" for m in member.inbox)


@pytest.mark.server_config(login_fails_per_name_and_address=5, login_fail_window=60)
def test_login_throttle_per_name_and_address_holds_even_for_the_right_password_then_resets(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    login("alice").close()
    client = connect()
    for _ in range(5):
        client.send(type="login", name="alice", password="wrong password")
        client.expect_error("bad_credentials")
    client.send(type="login", name="alice", password=PASSWORD)
    throttled = client.expect_error("rate_limited")
    assert throttled["retry_after"] == 60
    login("bob")  # another name from the same address is not throttled
    fake_clock.advance(59.9)
    client.send(type="login", name="alice", password=PASSWORD)
    assert 0 < client.expect_error("rate_limited")["retry_after"] <= 0.1
    fake_clock.advance(0.1)
    client.request("login", "logged_in", name="alice", password=PASSWORD)


@pytest.mark.server_config(login_timeout=60)
def test_login_timeout_closes_a_silent_newcomer_but_not_a_user(
    server: ChatServer, connect: Connect, login: Login, fake_clock: FakeClock
) -> None:
    user = login("alice")
    stranger = connect()
    fake_clock.advance(59.9)
    server.sweep()
    stranger.request("ping", "pong")  # a ping is not a login: the deadline stands
    fake_clock.advance(0.1)
    server.sweep()
    stranger.expect_error("timeout")
    stranger.wait_closed()
    user.request("ping", "pong")
    assert not user.disconnected


@pytest.mark.server_config(login_timeout=1.0)
def test_the_login_deadline_fires_by_itself_on_the_real_clock(connect: Connect) -> None:
    stranger = connect()  # the one real-timer proof; the rules are tested on the fake clock
    stranger.expect_error("timeout")
    stranger.wait_closed()


@pytest.mark.server_config(enter_timeout=60, ticket_ttl=600)
def test_enter_timeout_on_a_room_port(
    server: ChatServer, login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    room, ticket = create(login("alice"))
    idle = connect(port=room["port"])
    idle.wait_until(lambda: len(server.connections) == 2)  # accepted: its deadline is set
    fake_clock.advance(60)
    server.sweep()
    idle.expect_error("timeout")
    idle.wait_closed()
    enter(connect, room, ticket)


@pytest.mark.server_config(enter_timeout=60, idle_timeout=600, ticket_ttl=6000)
def test_entering_ends_the_enter_deadline_and_starts_the_idle_clock(
    server: ChatServer, login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    room, ticket = create(login("alice"))
    member = enter(connect, room, ticket)
    fake_clock.advance(60)
    server.sweep()
    member.request("ping", "pong")  # inside, the enter deadline no longer applies
    fake_clock.advance(599)
    server.sweep()
    member.request("ping", "pong")
    fake_clock.advance(601)
    server.sweep()  # but a member silent past the idle timeout is closed
    member.expect_error("timeout")
    member.wait_closed()


@pytest.mark.server_config(idle_timeout=60)
def test_idle_timeout_resets_on_activity_and_closes_silence(
    server: ChatServer, login: Login, fake_clock: FakeClock
) -> None:
    talker, sleeper = login("alice"), login("bob")
    fake_clock.advance(40)
    talker.request("ping", "pong")
    fake_clock.advance(40)
    server.sweep()
    sleeper.expect_error("timeout")
    sleeper.wait_closed()
    assert not talker.disconnected
    talker.request("list_rooms", "rooms")


@pytest.mark.server_config(max_connections_per_address=3)
def test_connection_cap_per_address_holds_and_resets(
    server: ChatServer, login: Login, connect: Connect
) -> None:
    alice = login("alice")
    room, _ = create(alice)
    second = connect()
    connect(port=room["port"])  # room ports count too
    fourth = connect(port=server.port)
    fourth.expect_error("server_busy")
    fourth.wait_closed()
    second.close()
    second.qtbot.waitUntil(lambda: len(server.connections) == 2)
    connect()  # under the cap again: the welcome arrives


@pytest.mark.server_config(max_connections=2)
def test_total_connection_cap(server: ChatServer, connect: Connect) -> None:
    first, _ = connect(), connect()
    third = connect(port=server.port)
    third.expect_error("server_busy")
    first.close()
    first.qtbot.waitUntil(lambda: len(server.connections) == 1)
    connect()  # a seat is free again: the welcome arrives


def test_database_errors_fail_one_request_and_the_server_goes_on(
    server: ChatServer, login: Login, connect: Connect
) -> None:
    room, ticket = create(login("alice"))
    member = enter(connect, room, ticket)
    set_read_only(server.store.db, True)
    member.send(type="say", text="lost", id=1)
    assert member.expect_error("internal_error")["id"] == 1
    newcomer = connect()
    newcomer.send(type="register", name="bobby", password=PASSWORD, id=2)
    assert newcomer.expect_error("internal_error")["id"] == 2
    set_read_only(server.store.db, False)
    member.send(type="say", text="kept")
    assert member.expect("message")["text"] == "kept"
    assert "lost" not in [m.get("text") for m in member.inbox]


@pytest.mark.server_config(login_fails_per_name_and_address=5)
def test_concurrent_guesses_for_one_name_are_throttled_too(login: Login, connect: Connect) -> None:
    login("alice").close()
    guessers = [connect() for _ in range(12)]
    for guesser in guessers:
        guesser.send(type="login", name="alice", password="wrong password")
    codes = [guesser.expect("error")["code"] for guesser in guessers]
    assert codes.count("bad_credentials") == 5 and codes.count("rate_limited") == 7


@pytest.mark.server_config(login_fails_per_name_and_address=5, login_fails_per_name=50)
def test_guesses_from_one_address_do_not_lock_the_name_out_elsewhere(
    key_per_port: None, login: Login, connect: Connect
) -> None:
    login("alice").close()
    guesser = connect()
    for _ in range(5):
        guesser.send(type="login", name="alice", password="wrong password")
        guesser.expect_error("bad_credentials")
    guesser.send(type="login", name="alice", password=PASSWORD)
    guesser.expect_error("rate_limited")  # that address is throttled for alice...
    real = connect()  # ...but the real alice, from an address that never failed, is not
    assert real.request("login", "logged_in", name="alice", password=PASSWORD)["name"] == "alice"


@pytest.mark.server_config(login_fails_per_name_and_address=5, login_fails_per_name=8)
def test_the_name_alone_is_throttled_when_many_addresses_guess(
    key_per_port: None, login: Login, connect: Connect
) -> None:
    login("alice").close()
    guessers = [connect() for _ in range(8)]  # each from an address of its own
    for guesser in guessers:
        guesser.send(type="login", name="alice", password="wrong password")
        guesser.expect_error("bad_credentials")
    real = connect()
    real.send(type="login", name="alice", password=PASSWORD)
    assert real.expect_error("rate_limited")["retry_after"] > 0


@pytest.mark.sqlite_only(LOAD)
@pytest.mark.server_config(request_rate=0)  # 50,000 pings: not the request budget
def test_a_client_cannot_pile_up_requests_behind_a_hash(server: ChatServer, connect) -> None:
    gated = GatedArgon2(server.hasher._argon2)
    server.hasher._argon2 = gated
    client = connect()
    client.send_raw(
        b'{"type":"login","name":"alice","password":"password1"}\n'
        + b'{"type":"ping"}\n' * 50_000  # 800 KB sent while the login is being verified
    )
    client.wait_until(lambda: server.hasher.pending == 1)
    (session,) = server.lobby.sessions.values()
    # One bounded read's worth (held, or in Qt's buffer) fills and stays full: the server
    # is not reading meanwhile.
    client.qtbot.waitUntil(lambda: session.connection.unread >= READ_BUFFER_BYTES, timeout=5_000)
    assert session.connection.paused
    assert len(session.queue) <= 70_000 // 16  # at most one bounded read is held
    gated.gate.set()
    client.expect("error")  # bad_credentials, first
    client.wait_until(lambda: client.types().count("pong") == 50_000, timeout=60_000)


@pytest.mark.server_config(login_fails_per_address=20, login_fail_window=60)
def test_login_throttle_per_address_holds_then_resets(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    login("alice").close()
    client = connect()
    for i in range(20):
        client.send(type="login", name=f"user{i}", password="wrong password")
        client.expect_error("bad_credentials")
    client.send(type="login", name="alice", password=PASSWORD)
    client.expect_error("rate_limited")
    fake_clock.advance(60)
    client.request("login", "logged_in", name="alice", password=PASSWORD)


def test_limit_hits_are_logged_with_the_address(
    login: Login, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    client = connect()
    client.send_raw(b"nonsense\n" * 10)
    client.wait_closed()
    assert any("127.0.0.1" in r.getMessage() and "bad frames" in r.getMessage()
               for r in caplog.records)  # fmt: skip


def test_protocol_errors_are_logged_a_few_per_connection(
    connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="roomchat.proto")
    client = connect()
    client.send_raw(b'{"type":"nope"}\n' * 6)
    for _ in range(6):
        client.expect_error("unknown_type")
    logged = [
        r for r in caplog.records if r.name == "roomchat.proto" and "unknown_type" in r.getMessage()
    ]
    assert len(logged) == 3 and "127.0.0.1" in logged[0].getMessage()
