"""The hashing queue: logins of existing accounts first, a bound, a few threads at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import SIGNAL, QCoreApplication
from pytestqt.qtbot import QtBot

from app.server import hashing
from app.server.hash_queue import MIN_RETRY_S, HashQueue, Priority, wait_for_room
from app.server.hashing import PasswordHasher
from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]


def test_logins_overtake_waiting_jobs_and_equals_keep_their_order() -> None:
    queue: HashQueue[str] = HashQueue(limit=0, workers=1)
    queue.push("sign-up 1", Priority.OTHER)
    assert queue.start_next() == "sign-up 1"  # it runs: nothing overtakes a running job
    for job in ("sign-up 2", "room password", "sign-up 3"):
        queue.push(job, Priority.OTHER)
    queue.push("login", Priority.LOGIN)
    assert queue.start_next() is None  # the one thread is busy
    started = []
    while queue.pending:
        queue.finished()
        started.append(queue.start_next())
    assert started == ["login", "sign-up 2", "room password", "sign-up 3", None]


def test_a_refused_request_is_told_to_come_back_while_half_the_queue_is_still_ahead() -> None:
    """Not when it has all gone: hashing would stand idle until the refused came back."""
    assert wait_for_room(64, limit=64, workers=1, seconds_per_job=0.4) == 12.8  # not 25.6
    assert wait_for_room(64, limit=64, workers=2, seconds_per_job=0.4) == 6.4
    assert wait_for_room(33, limit=64, workers=1, seconds_per_job=0.4) == 0.4
    # Cheap checks (the `test` profile) give a wait of their own size: at 0.1 s, a floor of
    # the past, the refused of a burst came back after the queue had run dry.
    assert wait_for_room(64, limit=64, workers=1, seconds_per_job=0.0013) == 0.04
    assert wait_for_room(64, limit=64, workers=1, seconds_per_job=0.0001) == MIN_RETRY_S
    assert wait_for_room(10, limit=0, workers=1, seconds_per_job=0.4) == 4.0  # no bound


def test_the_first_refused_are_told_the_profiles_own_cost(qtbot: QtBot) -> None:
    """Before any job has finished, the estimate is the start-up hash's own time, not a
    guess: 50 ms told a burst's first refused logins at 1 ms a check to wait 1.6 s."""
    hasher = PasswordHasher("test", max_pending=64)
    try:
        assert 0 < hasher.seconds_per_job < 0.04
    finally:
        hasher.close()


def test_only_as_many_jobs_as_threads_are_handed_out() -> None:
    queue: HashQueue[int] = HashQueue(limit=0, workers=2)
    for job in range(5):
        queue.push(job, Priority.OTHER)
    assert [queue.start_next(), queue.start_next(), queue.start_next()] == [0, 1, None]
    assert (queue.running, queue.waiting, queue.pending) == (2, 3, 5)


def test_the_bound_keeps_its_last_quarter_for_logins() -> None:
    queue: HashQueue[int] = HashQueue(limit=8, workers=1)
    for job in range(6):
        assert queue.accepts(Priority.OTHER)
        queue.push(job, Priority.OTHER)
    assert not queue.accepts(Priority.OTHER)  # 6 of 8: the rest is for logins
    for job in range(2):
        assert queue.accepts(Priority.LOGIN)
        queue.push(job, Priority.LOGIN)
    assert not queue.accepts(Priority.LOGIN)
    queue.start_next()
    queue.finished()
    assert queue.accepts(Priority.LOGIN) and not queue.accepts(Priority.OTHER)
    assert HashQueue(limit=0, workers=1).accepts(Priority.OTHER)  # 0: no limit


class SlowArgon2:
    """Stands in for argon2: every job waits for the gate and records what it worked on."""

    def __init__(self, real) -> None:
        self.real = real
        self.gate = threading.Event()
        self.started: list[str] = []

    def hash(self, password: str, salt: bytes | None = None) -> str:
        self.started.append(password)
        assert self.gate.wait(30)
        return self.real.hash(password, salt=salt)

    def verify(self, password_hash: str, password: str) -> bool:
        self.started.append(password)
        assert self.gate.wait(30)
        return self.real.verify(password_hash, password)


@pytest.fixture
def slow(server: ChatServer) -> SlowArgon2:
    """The server's hasher on one thread, each job held until `slow.gate` opens."""
    hasher = server.hasher
    hasher._pool.setMaxThreadCount(1)
    hasher._queue.workers = 1
    slow = SlowArgon2(hasher._argon2)
    hasher._argon2 = hasher._token_argon2 = slow  # (a token's hash is of another cost)
    yield slow
    slow.gate.set()


def test_a_login_is_served_before_a_burst_of_registrations(
    server: ChatServer, connect: Connect, slow: SlowArgon2
) -> None:
    slow.gate.set()
    connect().request("register", "registered", name="alice", password=PASSWORD)
    slow.gate.clear()
    slow.started.clear()
    bots = [connect() for _ in range(6)]
    for i, bot in enumerate(bots):
        bot.send(type="register", name=f"bot{i}", password=f"bot password {i}")
    bots[0].qtbot.waitUntil(lambda: server.hasher.pending == 6)
    alice = connect()
    alice.send(type="login", name="alice", password=PASSWORD)
    alice.qtbot.waitUntil(lambda: server.hasher.pending == 7)
    slow.gate.set()
    assert alice.expect("logged_in")["name"] == "alice"
    for bot in bots:
        bot.expect("registered")
    # bot0 was already running; alice overtook the five that waited. Her new resume token's
    # secret is hashed at a login's priority too: at most bot1 started while it was asked for.
    token_secrets = [
        i for i, job in enumerate(slow.started) if not job.startswith(("bot", PASSWORD))
    ]
    assert len(token_secrets) == 1 and token_secrets[0] <= 3
    del slow.started[token_secrets[0]]
    assert slow.started == ["bot password 0", PASSWORD] + [f"bot password {i}" for i in range(1, 6)]


@pytest.mark.server_config(max_pending_hashes=4)
def test_a_full_queue_answers_server_busy_and_the_connection_stays_open(
    server: ChatServer, connect: Connect, slow: SlowArgon2, caplog: pytest.LogCaptureFixture
) -> None:
    slow.gate.set()
    connect().request("register", "registered", name="alice", password=PASSWORD)
    slow.gate.clear()
    bots = [connect() for _ in range(3)]  # three of four: the fourth is kept for logins
    for i, bot in enumerate(bots):
        bot.send(type="register", name=f"bot{i}", password=f"bot password {i}")
    bots[0].qtbot.waitUntil(lambda: server.hasher.pending == 3)
    late = connect()
    late.send(type="register", name="late", password=PASSWORD, id=9)
    busy = late.expect_error("server_busy")
    assert busy["id"] == 9 and busy["retry_after"] >= MIN_RETRY_S
    late.request("ping", "pong")  # not closed, unlike server_busy at connect
    alice = connect()
    alice.send(type="login", name="alice", password=PASSWORD)  # the kept place
    alice.qtbot.waitUntil(lambda: server.hasher.pending == 4)
    late.send(type="login", name="alice", password=PASSWORD, id=10)
    assert late.expect_error("server_busy")["id"] == 10
    assert sum("hashing queue full" in r.getMessage() for r in caplog.records) == 1
    slow.gate.set()
    alice.expect("logged_in")
    for bot in bots:
        bot.expect("registered")
    late.request("register", "registered", name="late", password=PASSWORD)


class CountingArgon2:
    """Stands in for argon2 on a hasher of its own: each hash waits for the gate, and the
    test can wait, off the event loop, until `count` jobs have run."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.done = threading.Semaphore(0)
        self.started = 0

    def hash(self, password: str) -> str:
        self.started += 1
        assert self.gate.wait(30)
        self.done.release()
        return "hashed " + password


@pytest.fixture
def gated(qtbot: QtBot) -> Iterator[tuple[PasswordHasher, CountingArgon2]]:
    hasher = PasswordHasher("test")
    hasher._pool.setMaxThreadCount(1)
    hasher._queue.workers = 1
    fake = CountingArgon2()
    hasher._argon2 = fake  # type: ignore[assignment]
    yield hasher, fake
    fake.gate.set()
    hasher.close()


def test_a_pool_thread_takes_its_next_job_without_the_event_loop(
    gated: tuple[PasswordHasher, CountingArgon2], qtbot: QtBot
) -> None:
    """Handing jobs out from the event loop cost it a turn per login or so; once the first
    has started, the thread goes through all five while the event loop stands still (the
    test does not return to it)."""
    hasher, fake = gated
    got: list[object] = []
    for i in range(5):
        hasher.hash(f"secret {i}", got.append, Priority.LOGIN)
    qtbot.waitUntil(lambda: fake.started == 1)
    fake.gate.set()
    assert all(fake.done.acquire(timeout=30) for _ in range(5))
    assert got == []  # nothing is delivered but on the event loop


def test_results_that_finish_while_others_wait_reach_the_event_loop_together(
    gated: tuple[PasswordHasher, CountingArgon2], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher, fake = gated
    monkeypatch.setattr(hashing, "HOLD_RESULTS_S", 60.0)  # however slow the machine
    batches: list[int] = []
    hasher._finished.connect(lambda batch: batches.append(len(batch)))
    got: list[object] = []
    for i in range(5):
        hasher.hash(f"secret {i}", got.append, Priority.LOGIN)
    fake.gate.set()
    qtbot.waitUntil(lambda: len(got) == 5)
    assert got == [f"hashed secret {i}" for i in range(5)]
    assert batches == [5]  # one wake-up of the event loop, not five
    monkeypatch.setattr(hashing, "HOLD_RESULTS_S", 0.0)  # a result that cannot wait goes alone
    fake.gate.clear()
    for i in range(3):
        hasher.hash(f"again {i}", got.append, Priority.LOGIN)
    fake.gate.set()
    qtbot.waitUntil(lambda: len(got) == 8)
    assert batches == [5, 1, 1, 1]


def test_the_jobs_of_one_turn_start_together_as_the_event_loop_is_about_to_wait(
    gated: tuple[PasswordHasher, CountingArgon2], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread started by the first would take a shared core before the turn had asked for
    the rest, and send its result back alone."""
    hasher, fake = gated
    monkeypatch.setattr(hashing, "HOLD_RESULTS_S", 60.0)
    batches: list[int] = []
    hasher._finished.connect(lambda batch: batches.append(len(batch)))
    got: list[object] = []
    fake.gate.set()
    for i in range(3):
        hasher.hash(f"secret {i}", got.append, Priority.LOGIN)
    assert hasher._queue.waiting == 3  # none handed to the pool within the turn
    qtbot.waitUntil(lambda: len(got) == 3)
    assert batches == [3]


def test_a_loop_that_never_waits_still_starts_its_jobs(
    gated: tuple[PasswordHasher, CountingArgon2],
) -> None:
    hasher, fake = gated
    fake.gate.set()
    got: list[object] = []
    hasher.hash("secret", got.append, Priority.LOGIN)
    deadline = time.monotonic() + 30
    while not got and time.monotonic() < deadline:
        QCoreApplication.processEvents()  # never waits, so never about to block
    assert got == ["hashed secret"]


def test_the_event_loop_is_watched_only_while_jobs_wait_to_start(
    gated: tuple[PasswordHasher, CountingArgon2], qtbot: QtBot
) -> None:
    """Not a slot call on every turn of the loop, chat's turns included."""
    hasher, fake = gated
    dispatcher = hasher._dispatcher
    assert dispatcher is not None
    about_to_block = SIGNAL("aboutToBlock()")
    watching = dispatcher.receivers(about_to_block)
    fake.gate.set()
    got: list[object] = []
    hasher.hash("secret", got.append, Priority.LOGIN)
    assert dispatcher.receivers(about_to_block) == watching + 1
    qtbot.waitUntil(lambda: got == ["hashed secret"])
    assert dispatcher.receivers(about_to_block) == watching
