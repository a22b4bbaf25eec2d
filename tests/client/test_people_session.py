"""The client's session layer against a real server, with no window: direct messages,
history, blocks, presence, resuming with the token, and keeping it in a credential store."""

from __future__ import annotations

import time
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app.client.credentials import SERVICE, TokenKeeper
from app.client.login_attempt import Field, LoginAttempt
from app.client.session import MainSession
from app.shared.protocol import DirectMessage, DirectPage, DirectSent, ErrorReply, Presence
from tests.client.conftest import WAIT_MS
from tests.conftest import PASSWORD
from tests.fake_clock import FakeClock


class MemoryKeyring(KeyringBackend):
    """A credential store in memory, standing in for the operating system's."""

    priority = 1  # type: ignore[assignment]  # keyring declares it as a class property

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def sign_in(qtbot, port: int, name: str, signing_up: bool = True, token: str = "") -> MainSession:
    attempt = LoginAttempt(
        "127.0.0.1", port, name, PASSWORD if not token else "", signing_up=signing_up,
        resume_token=token,
    )  # fmt: skip
    with qtbot.waitSignal(attempt.succeeded, timeout=WAIT_MS) as done:
        attempt.start()
    session = done.args[0]
    assert isinstance(session, MainSession)
    return session


def test_direct_messages_and_presence_between_two_sessions(qtbot, server) -> None:
    alice = sign_in(qtbot, server.port, "alice")
    with qtbot.waitSignal(alice.people.presence_changed, timeout=WAIT_MS) as came:
        bob = sign_in(qtbot, server.port, "bob")
    assert came.args[0] == Presence("bob", "online", None)
    qtbot.waitUntil(lambda: "alice" in bob.people.online, timeout=WAIT_MS)
    sent: list[DirectSent] = []
    errors: list[ErrorReply] = []
    with qtbot.waitSignal(bob.people.direct_received, timeout=WAIT_MS) as got:
        alice.people.send_direct("bob", "hi bob", sent.append, errors.append)
    message = got.args[0]
    assert isinstance(message, DirectMessage) and (message.sender, message.text) == (
        "alice",
        "hi bob",
    )
    qtbot.waitUntil(lambda: bool(sent), timeout=WAIT_MS)
    assert sent[0].seq == message.seq and not errors
    pages: list[DirectPage] = []
    bob.people.history("alice", None, pages.append, errors.append)
    qtbot.waitUntil(lambda: bool(pages), timeout=WAIT_MS)
    assert [m.text for m in pages[0].messages] == ["hi bob"] and not pages[0].more
    answers: list[object] = []
    with qtbot.waitSignal(bob.people.presence_changed, timeout=WAIT_MS) as changed:
        alice.people.set_presence("away", "lunch", answers.append, errors.append)
    assert changed.args[0] == Presence("alice", "away", "lunch")
    assert bob.people.online["alice"].state == "away"
    bob.people.block("alice", answers.append, errors.append)
    alice.people.send_direct("nobody", "hi", sent.append, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert errors[0].code == "no_such_user"
    with qtbot.waitSignal(bob.people.presence_changed, timeout=WAIT_MS) as went:
        alice.log_out()
    assert went.args[0].state == "offline" and "alice" not in bob.people.online
    bob.abort()


def test_unread_counts_and_waiting_messages_reach_the_session_at_login(qtbot, server) -> None:
    bob = sign_in(qtbot, server.port, "bob")
    bob.log_out()
    alice = sign_in(qtbot, server.port, "alice")
    sent: list[DirectSent] = []
    for text in ("one", "two"):
        alice.people.send_direct("bob", text, sent.append, lambda _: None)
    qtbot.waitUntil(lambda: len(sent) == 2, timeout=WAIT_MS)
    received: list[DirectMessage] = []
    attempt = LoginAttempt("127.0.0.1", server.port, "bob", PASSWORD)
    attempt.session.people.direct_received.connect(received.append)
    with qtbot.waitSignal(attempt.succeeded, timeout=WAIT_MS) as done:
        attempt.start()
    again = done.args[0]
    assert again.people.unread == {"alice": 2}
    qtbot.waitUntil(lambda: len(received) == 2, timeout=WAIT_MS)
    assert [m.text for m in received] == ["one", "two"]
    alice.abort()
    again.abort()


def test_a_kept_token_signs_in_again_without_the_password(
    qtbot, server, memory_keyring: MemoryKeyring
) -> None:
    first = sign_in(qtbot, server.port, "alice")
    assert first.resume_token
    keeper = TokenKeeper()
    assert keeper.save("127.0.0.1", server.port, "Alice", first.resume_token)
    assert first.resume_token in memory_keyring.items.values()
    first.abort()  # dropped, not logged out: the token still holds
    token = keeper.load("127.0.0.1", server.port, "alice")
    assert token is not None
    again = sign_in(qtbot, server.port, "alice", signing_up=False, token=token)
    assert again.logged_in and again.name == "alice"
    assert again.resume_token and again.resume_token != token  # one use: the next one
    again.log_out()
    assert again.resume_token is None
    keeper.forget("127.0.0.1", server.port, "alice")
    keeper.forget("127.0.0.1", server.port, "alice")  # nothing left: no error
    assert memory_keyring.items == {}


def test_a_refused_token_fails_on_the_password_field(qtbot, server) -> None:
    first = sign_in(qtbot, server.port, "alice")
    token = first.resume_token or ""
    first.log_out()  # revokes it
    attempt = LoginAttempt("127.0.0.1", server.port, "alice", "", resume_token=token)
    with qtbot.waitSignal(attempt.failed, timeout=WAIT_MS) as failed:
        attempt.start()
    assert (failed.args[0].field, failed.args[0].code) == (Field.PASSWORD, "bad_credentials")


def test_a_missing_credential_store_keeps_nothing_and_raises_nothing(caplog) -> None:
    keeper = TokenKeeper(fail.Keyring())
    assert not keeper.save("h", 1, "alice", "sel.secret-token")
    assert keeper.load("h", 1, "alice") is None
    keeper.forget("h", 1, "alice")
    assert "secret-token" not in caplog.text and SERVICE == "RoomChat"


def test_an_expired_token_fails_on_the_password_field(qtbot, make_server) -> None:
    wall = FakeClock(time.time())
    server = make_server(wall_clock=wall, resume_days=1.0)
    first = sign_in(qtbot, server.port, "alice")
    token = first.resume_token or ""
    first.abort()
    wall.advance(86_401)
    attempt = LoginAttempt("127.0.0.1", server.port, "alice", "", resume_token=token)
    with qtbot.waitSignal(attempt.failed, timeout=WAIT_MS) as failed:
        attempt.start()
    assert (failed.args[0].field, failed.args[0].code) == (Field.PASSWORD, "resume_expired")
