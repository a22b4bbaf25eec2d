"""Getting back in after a dropped connection or a restarted server: exponential back-off
with jitter, a resume with the session's token (no password typed) at the node lost or at
another live node of the server (failover.py), and the calm "Reconnecting in N s… (Retry
now)" line of the main window."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.client.current_session import CurrentSession
from app.client.failover import NodeRing
from app.client.login_attempt import Field, LoginAttempt, LoginFailure
from app.client.session import MainSession
from app.client.tls import TlsPolicy
from app.shared.protocol import ClientFailure, ErrorCode, LoggedIn

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0
TICK_MS = 1_000
# Endings after which trying again makes no sense: another login took over, the client is
# too old, or the account's tokens were revoked.
NO_RETRY = frozenset(
    {ErrorCode.SESSION_REPLACED, ClientFailure.UNSUPPORTED_VERSION, ErrorCode.RESUME_EXPIRED}
)


class Backoff:
    """Delays for successive retries, with no I/O: 1 s, then about twice the one before up
    to 60 s, each drawn at random from the upper half of its step ("equal jitter") so that
    clients dropped together do not all come back in the same second."""

    def __init__(
        self,
        rand: Callable[[], float] = random.random,
        first: float = FIRST_DELAY_S,
        cap: float = MAX_DELAY_S,
    ) -> None:
        self.rand, self.first, self.cap = rand, first, cap
        self.attempts = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.first * 2**self.attempts)
        self.attempts += 1
        return min(self.cap, max(self.first, ceiling / 2 + self.rand() * ceiling / 2))

    def reset(self) -> None:
        self.attempts = 0


class Reconnector(QObject):
    """Watches the current session; when its connection ends by itself, tries a `resume`
    with its token after a back-off delay, again and again until it works or the server
    refuses the token. Each try goes to the next address of a `NodeRing`: the node lost,
    then the server's other live nodes (as the session last heard them listed), in turn.
    `clock` (monotonic seconds) and `rand` are injectable for tests; the countdown ticks
    every `tick_ms`.

    Signals:
        counting(int): the next try is in this many seconds (0: trying now).
        resumed(object, object): signed in again: the new `MainSession` (the receiver
            owns it) and its `LoggedIn`.
        gave_up(str): no resume is possible (no token, or the server refused it); why.
    """

    counting = Signal(int)
    resumed = Signal(object, object)
    gave_up = Signal(str)

    def __init__(
        self,
        current: CurrentSession,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__(parent)
        self.current = current
        self.clock = clock
        self.backoff = Backoff(rand)
        self.deadline: float | None = None
        self.delays: list[float] = []  # every delay chosen, for the curious (and tests)
        self.attempt: LoginAttempt | None = None
        self.ring: NodeRing | None = None  # where the tries go, while active
        # The name, the token and how to connect to the node lost and to the others.
        self._target: tuple[str, str, TlsPolicy | None, TlsPolicy | None] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        current.changed.connect(self._on_current_changed)

    @property
    def active(self) -> bool:
        return self._target is not None

    def stop(self) -> None:
        """Stop trying (the person logged in by hand, logged out or quit)."""
        self.timer.stop()
        self.deadline = None
        self._target = None
        self.ring = None
        self.backoff.reset()
        if self.attempt is not None:
            self.attempt.cancel()
            self.attempt.deleteLater()
            self.attempt = None

    @Slot(object)
    def _on_current_changed(self, session: MainSession | None) -> None:
        if session is not None:
            session.connection_lost.connect(partial(self._on_session_lost, session))

    def _on_session_lost(self, session: MainSession, code: str) -> None:
        if session is not self.current.session or self.active:
            return  # an older session (logged out on purpose), or already at it
        if code in NO_RETRY or not session.resume_token:
            return
        # Nodes share the certificate (their rooms do): another node must show the same one.
        elsewhere = session.room_tls()
        self._target = (session.name, session.resume_token, session.tls, elsewhere)
        self.ring = NodeRing((session.host, session.port), session.nodes)
        self._schedule()

    def _schedule(self) -> None:
        delay = self.backoff.next_delay()
        self.delays.append(delay)
        self.deadline = self.clock() + delay
        self.timer.start()
        self._on_timer_timeout()

    @Slot()
    def retry_now(self) -> None:
        if self.active and self.attempt is None:
            self.deadline = self.clock()
            self._on_timer_timeout()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self.deadline is None:
            return
        left = self.deadline - self.clock()
        if left > 0:
            self.counting.emit(max(1, math.ceil(left - 1e-9)))
            return
        self.timer.stop()
        self.deadline = None
        self._try()

    def _try(self) -> None:
        if self._target is None or self.ring is None:
            return
        name, token, here, elsewhere = self._target
        host, port = self.ring.next()
        tls = here if (host, port) == self.ring.lost else elsewhere
        self.counting.emit(0)
        attempt = LoginAttempt(host, port, name, "", tls=tls, resume_token=token, parent=self)
        attempt.succeeded.connect(self._on_attempt_succeeded)
        attempt.failed.connect(self._on_attempt_failed)
        self.attempt = attempt
        attempt.start()

    @Slot(object, object)
    def _on_attempt_succeeded(self, session: MainSession, logged_in: LoggedIn) -> None:
        self._drop_attempt()
        self._target = None
        self.ring = None
        self.backoff.reset()
        self.resumed.emit(session, logged_in)

    @Slot(object)
    def _on_attempt_failed(self, failure: LoginFailure) -> None:
        self._drop_attempt()
        if failure.field in (Field.PASSWORD, Field.NAME) or failure.code in NO_RETRY:
            self._target = None
            self.ring = None
            self.backoff.reset()
            self.gave_up.emit(failure.text)
            return
        self._schedule()  # the server is not back yet (or busy): later

    def _drop_attempt(self) -> None:
        if self.attempt is not None:
            self.attempt.deleteLater()
            self.attempt = None


class ReconnectBar(QObject):
    """The main window's line above its panes: "Reconnecting in N s…" and Retry now, shown
    only while a `Reconnector` is at work.

    Signals: none.
    """

    def __init__(
        self, reconnector: Reconnector, bar: QWidget, label: QLabel, button: QPushButton
    ) -> None:
        super().__init__(reconnector)
        self.bar, self.label, self.button = bar, label, button
        bar.hide()
        reconnector.counting.connect(self._on_reconnector_counting)
        reconnector.resumed.connect(bar.hide)
        reconnector.gave_up.connect(bar.hide)
        button.clicked.connect(reconnector.retry_now)

    @Slot(int)
    def _on_reconnector_counting(self, seconds: int) -> None:
        if seconds:
            self.label.setText(
                self.tr("Connection lost. Reconnecting in {seconds} s…").format(seconds=seconds)
            )
        else:
            self.label.setText(self.tr("Connection lost. Reconnecting…"))
        self.button.setEnabled(seconds > 0)
        self.bar.show()
