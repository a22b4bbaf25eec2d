"""The login conversation on its own, with no window: steps, failures, timeouts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

from app.client import login_attempt
from app.client.login_attempt import Field, LoginAttempt, Step
from app.shared.protocol import ErrorCode
from tests.client.conftest import WAIT_MS
from tests.conftest import PASSWORD


def test_signing_up_then_logging_in_hands_over_a_logged_in_session(qtbot, server) -> None:
    attempt = LoginAttempt("127.0.0.1", server.port, "Alice", PASSWORD, signing_up=True)
    steps: list[str] = []
    attempt.progressed.connect(steps.append)
    with qtbot.waitSignal(attempt.succeeded, timeout=WAIT_MS) as done:
        attempt.start()
    session, logged_in = done.args
    assert session.logged_in and session.name == "Alice" and session.parent() is None
    assert logged_in.rooms == ()
    connecting = f"Connecting to 127.0.0.1:{server.port}…"
    assert steps == [connecting, "Creating the account…", "Logging in…"]
    assert not attempt.active
    attempt.cancel()  # the session is no longer the attempt's to drop
    assert session.is_open
    session.abort()


def test_a_wrong_password_fails_on_the_password_field(qtbot, server) -> None:
    first = LoginAttempt("127.0.0.1", server.port, "bob", PASSWORD, signing_up=True)
    with qtbot.waitSignal(first.succeeded, timeout=WAIT_MS) as done:
        first.start()
    done.args[0].log_out()
    attempt = LoginAttempt("127.0.0.1", server.port, "bob", "not the password")
    with qtbot.waitSignal(attempt.failed, timeout=WAIT_MS) as failed:
        attempt.start()
    failure = failed.args[0]
    assert (failure.field, failure.code) == (Field.PASSWORD, ErrorCode.BAD_CREDENTIALS)
    assert failure.text == "The name or password is wrong."
    assert not attempt.session.is_open


@pytest.fixture
def mute_port() -> Iterator[int]:
    """A port that accepts connections and never says anything."""
    listener = QTcpServer()
    assert listener.listen(QHostAddress("127.0.0.1"), 0)
    sockets: list[QTcpSocket] = []
    listener.newConnection.connect(lambda: sockets.append(listener.nextPendingConnection()))
    yield listener.serverPort()
    listener.close()


def test_no_welcome_in_time_fails_on_the_host_field(qtbot, mute_port, monkeypatch) -> None:
    monkeypatch.setattr(login_attempt, "WELCOME_TIMEOUT_MS", 1000)
    attempt = LoginAttempt("127.0.0.1", mute_port, "carol", PASSWORD)
    with qtbot.waitSignal(attempt.failed, timeout=WAIT_MS) as failed:
        attempt.start()
    failure = failed.args[0]
    assert failure.field == Field.HOST and "does not answer" in failure.text
    assert attempt.step is Step.DONE


def test_a_cancelled_attempt_says_nothing_more(qtbot, mute_port) -> None:
    attempt = LoginAttempt("127.0.0.1", mute_port, "carol", PASSWORD)
    heard: list[object] = []
    attempt.failed.connect(heard.append)
    attempt.succeeded.connect(lambda *args: heard.append(args))
    attempt.start()
    qtbot.waitUntil(lambda: attempt.step is Step.AWAITING_WELCOME, timeout=WAIT_MS)
    attempt.cancel()
    attempt._on_timer_timeout()  # a timeout that was already queued
    assert heard == [] and not attempt.session.is_open and not attempt.active
