"""Main port: welcome, registration, login, sessions, and errors, over real sockets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import __version__
from app.server import hashing
from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.fake_clock import FakeClock
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines
TABLE = "inputs refused before the database; passes on PostgreSQL, kept off it for time"

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def test_welcome_names_the_server_and_says_whether_it_registers(qtbot, server: ChatServer) -> None:
    client = WireClient(qtbot, server.port)
    assert client.next() == {
        "type": "welcome",
        "version": 1,
        "server": f"RoomChat {__version__}",
        "registration": True,
        "max_room_capacity": 100,
        "instance": server.store.instance,
    }
    assert len(server.store.instance) >= 22  # 128 bits or more, URL-safe
    client.close()


def test_register_then_login_returns_the_room_list(connect: Connect) -> None:
    client = connect()
    registered = client.request("register", "registered", name="alice", password=PASSWORD, id=1)
    assert registered == {"type": "registered", "name": "alice", "id": 1}
    logged_in = client.request("login", "logged_in", name="alice", password=PASSWORD, id="two")
    token = logged_in.pop("resume_token")
    assert isinstance(token, str) and len(token) >= 43  # 256 secret bits and more
    assert logged_in == {
        "type": "logged_in", "name": "alice", "rooms": [], "id": "two", "operator": False
    }  # fmt: skip


def test_login_is_case_insensitive_and_returns_the_registered_spelling(connect: Connect) -> None:
    client = connect()
    client.request("register", "registered", name="Alice", password=PASSWORD)
    assert client.request("login", "logged_in", name="ALICE", password=PASSWORD)["name"] == "Alice"


@pytest.mark.sqlite_only(TABLE)
@pytest.mark.parametrize(
    ("name", "password", "code"),
    [
        ("al", PASSWORD, "invalid_name"),
        ("a" * 33, PASSWORD, "invalid_name"),
        ("bad name", PASSWORD, "invalid_name"),
        ("alice", "short", "invalid_password"),
        ("alice", "x" * 129, "invalid_password"),
    ],
)
def test_registration_rules(connect: Connect, name: str, password: str, code: str) -> None:
    client = connect()
    client.send(type="register", name=name, password=password, id=5)
    error = client.expect_error(code)
    assert error["id"] == 5 and error["message"]
    client.request("ping", "pong")  # the connection stays usable


def test_a_taken_name_is_refused_whatever_its_case(connect: Connect) -> None:
    connect().request("register", "registered", name="alice", password=PASSWORD)
    client = connect()
    client.send(type="register", name="ALICE", password=PASSWORD)
    client.expect_error("name_taken")


def test_registration_can_be_closed(make_server, qtbot) -> None:
    server = make_server(registration=False)
    client = WireClient(qtbot, server.port)
    assert client.expect("welcome")["registration"] is False
    client.send(type="register", name="alice", password=PASSWORD)
    client.expect_error("registration_closed")
    client.close()


def test_unknown_name_and_wrong_password_look_the_same(connect: Connect) -> None:
    connect().request("register", "registered", name="alice", password=PASSWORD)
    client = connect()
    client.send(type="login", name="nobody", password=PASSWORD)
    unknown = client.expect_error("bad_credentials")
    client.send(type="login", name="alice", password="wrong password")
    wrong = client.expect_error("bad_credentials")
    assert unknown == wrong


@pytest.mark.parametrize("kind", ["list_rooms", "create_room", "join_room"])
def test_requests_before_login_are_refused(connect: Connect, kind: str) -> None:
    client = connect()
    client.send(type=kind, name="Lounge", capacity=2, room_id=1, id=kind)
    assert client.expect_error("not_logged_in")["id"] == kind


def test_ping_logout_and_bye(connect: Connect) -> None:
    client = connect()
    assert client.request("ping", "pong", id=11) == {"type": "pong", "id": 11}
    client.send(type="logout")
    client.expect("bye")
    client.wait_closed()


def test_second_login_replaces_the_first_session(login: Login) -> None:
    first = login("alice")
    second = login("alice")
    first.expect_error("session_replaced")
    first.wait_closed()
    second.request("list_rooms", "rooms")


def test_requests_sent_back_to_back_with_login_are_answered_in_order(connect: Connect) -> None:
    client = connect()
    client.request("register", "registered", name="alice", password=PASSWORD)
    client.send_raw(
        b'{"type":"login","name":"alice","password":"correct horse","id":1}\n'
        b'{"type":"list_rooms","id":2}\n'
    )
    assert client.next()["type"] == "logged_in"
    assert client.next() == {"type": "rooms", "rooms": [], "id": 2}


def test_bad_frames_get_errors_and_the_connection_stays_usable(connect: Connect) -> None:
    client = connect()
    client.send_raw(b"not json\n")
    client.expect_error("bad_request")
    client.send_raw(b'{"type":"dance","id":4}\n')
    assert client.expect_error("unknown_type")["id"] == 4
    client.send_raw(b'{"type":"login","name":3}\n')
    client.expect_error("bad_request")
    client.request("ping", "pong")


def test_an_oversized_line_is_refused_and_closed(connect: Connect) -> None:
    client = connect()
    client.send_raw(b'{"type":"ping","pad":"' + b"x" * 70_000 + b'"}\n')
    client.expect_error("frame_too_large")
    client.wait_closed()


def test_a_second_login_on_one_connection_is_refused(login: Login) -> None:
    alice = login("alice")
    alice.send(type="login", name="alice", password=PASSWORD, id=2)
    assert alice.expect_error("already_logged_in")["id"] == 2


def test_a_new_login_also_closes_the_old_sessions_room_connections(
    login: Login, connect: Connect
) -> None:
    from tests.server.test_rooms import create, enter

    first = login("alice")
    room, ticket = create(first)
    in_room = enter(connect, room, ticket)
    login("alice")
    for old in (first, in_room):
        old.expect_error("session_replaced")
        old.wait_closed()


def test_a_hashing_failure_is_an_internal_error_and_no_failed_guess(
    connect: Connect, server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = connect()
    client.request("register", "registered", name="alice", password=PASSWORD)

    def broken(*_args: object) -> bool:
        raise MemoryError("argon2 could not allocate")

    with monkeypatch.context() as patch:
        patch.setattr(hashing, "verify_password", broken)
        for _ in range(server.config.login_fails_per_name_and_address + 1):
            client.send(type="login", name="alice", password=PASSWORD)
            assert client.expect_error("internal_error")["message"] == (
                "could not check the password; try again"
            )
    # Not one of those counted as a wrong password: the throttle has nothing against alice.
    assert client.request("login", "logged_in", name="alice", password=PASSWORD)["name"] == "alice"


@pytest.mark.server_config(registrations_per_address=3, registration_window=600)
def test_registrations_per_address_are_throttled_then_the_window_passes(
    connect: Connect, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    client = connect()
    for i in range(3):
        client.request("register", "registered", name=f"bot{i}", password=PASSWORD)
    for _ in range(2):
        client.send(type="register", name="bot9", password=PASSWORD, id=7)
        refused = client.expect_error("rate_limited")
        assert refused["id"] == 7 and refused["retry_after"] == 600
    client.request("ping", "pong")  # the connection stays usable
    other = connect()  # the throttle is the address's, not the connection's
    other.send(type="register", name="bot9", password=PASSWORD)
    other.expect_error("rate_limited")
    logged = [r for r in caplog.records if "registration throttled" in r.getMessage()]
    assert len(logged) == 1 and "127.0.0.1" in logged[0].getMessage()  # once a window
    fake_clock.advance(600)
    client.request("register", "registered", name="bot9", password=PASSWORD)


@pytest.mark.server_config(registrations_per_address=1)
def test_registrations_are_counted_per_address_key(key_per_port: None, connect: Connect) -> None:
    connect().request("register", "registered", name="alice", password=PASSWORD)
    connect().request("register", "registered", name="bob", password=PASSWORD)


@pytest.mark.server_config(registrations_per_address=2)
def test_a_taken_name_costs_no_hash_and_no_registration(
    connect: Connect, server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = connect()
    client.request("register", "registered", name="alice", password=PASSWORD)
    hashed: list[str] = []
    real_hash = server.hasher.hash
    monkeypatch.setattr(
        server.hasher,
        "hash",
        lambda password, *rest: hashed.append(password) or real_hash(password, *rest),
    )
    for taken in ("alice", "ALICE", "a1ice"):
        client.send(type="register", name=taken, password="another password")
        client.expect_error("name_taken")
    assert hashed == []
    client.request("register", "registered", name="bob", password=PASSWORD)  # the second


def test_a_full_width_name_logs_in_as_it_registered(connect: Connect) -> None:
    client = connect()
    assert (
        client.request("register", "registered", name="ＡＬＩＣＥ", password=PASSWORD)["name"]
        == "ALICE"
    )
    assert (
        client.request("login", "logged_in", name="ＡＬＩＣＥ", password=PASSWORD)["name"]
        == "ALICE"
    )


def test_a_64_kb_name_is_refused_quickly_as_invalid(connect: Connect) -> None:
    client = connect()
    client.send(type="register", name="a" * 60_000, password=PASSWORD)
    assert "3 to 32" in client.expect_error("invalid_name")["message"]
    client.send(type="login", name="a" * 60_000, password=PASSWORD)
    client.expect_error("bad_credentials")
