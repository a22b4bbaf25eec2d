"""argon2id hashing and verifying on a worker pool, so that chat flows while someone logs in."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from PySide6.QtCore import QAbstractEventDispatcher, QObject, QThreadPool, QTimer, Signal, Slot

from app.server.argon2_memory import Argon2Memory
from app.server.hash_queue import HashQueue, Priority, wait_for_room
from app.server.resume_tokens import MintedToken, minted_secrets
from app.shared import logs

PROFILES = ("standard", "test")
# Resume-token verifiers are 256 random bits: nobody can try 2^256 of them, so Argon2id's
# cost buys nothing there, and at the password profile's cost a login (which hashes a new
# token) cost two hashes and a login storm went at half speed. Argon2id still, at the least
# cost it allows (1 pass, 8 KiB: at 1 MiB a token cost as much as a password at the `test`
# profile, doubling a login's hashing); a hash of any cost, older tokens' too, verifies as
# it was made.
TOKEN_SALT_BYTES = 16  # argon2-cffi's default; read with the token's own bytes (see _mint)
TOKEN_ARGON2 = argon2.PasswordHasher(
    time_cost=1, memory_cost=8, parallelism=1, salt_len=TOKEN_SALT_BYTES, type=argon2.Type.ID
)


# A finished job's result may wait on its pool thread for the next ones, to reach the event
# loop together: one wake-up and one turn (a poll of every socket, about half a millisecond
# at 1,000 connections) for several logins rather than one each. Only while the oldest
# waiting result, plus the next job as long as this one or the average, stays within this.
HOLD_RESULTS_S = 0.005
# Jobs asked for in one turn of the event loop are handed to the pool as it is about to
# wait, together: a thread woken by the first would take the event loop's core (sharing
# one) before the turn had asked for the rest, and send each result back on its own. A
# loop that never waits starts them after this long.
START_AT_LATEST_MS = 5


def make_argon2(profile: str) -> argon2.PasswordHasher:
    """`standard` is RFC 9106's low-memory profile; `test` is cheap, for tests and benchmarks."""
    if profile == "standard":
        return argon2.PasswordHasher.from_parameters(argon2.profiles.RFC_9106_LOW_MEMORY)
    if profile == "test":
        return argon2.PasswordHasher(
            time_cost=1, memory_cost=1024, parallelism=1, type=argon2.Type.ID
        )
    raise ValueError(f"unknown hash profile {profile!r}")


def verify_password(
    hasher: argon2.PasswordHasher,
    password_hash: str,
    password: str,
    memory: Argon2Memory | None = None,
) -> bool:
    """Constant-time in the password (argon2's own comparison); False for any mismatch.

    With `memory`, a hash it takes is verified in its kept buffer (the same answer, see
    argon2_memory); any other, or a `hasher` that is not argon2-cffi's own, as before."""
    if memory is not None and type(hasher) is argon2.PasswordHasher:
        try:
            secret: bytes | None = password.encode(hasher.encoding)
        except UnicodeError:  # argon2-cffi's own path raises it as it always did
            secret = None
        if secret is not None and (fast := memory.verify(password_hash, secret)) is not None:
            return fast
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class PasswordHasher(QObject):
    """Hashes and verifies passwords on a thread pool; each result is handed to its callback
    on the thread that owns this object (the event loop's), through the `_finished` signal.

    Jobs wait in a bounded `HashQueue`, best `Priority` first. At most one pool job per
    thread runs, and each takes the queue's best waiting job itself (under a lock) as it
    finishes one, so a later login still overtakes waiting sign-ups and a thread never
    waits for the event loop to hand it its next job: handing jobs out from the event
    loop, two at a time, cost a turn of the loop per login or so (a poll of every socket).
    Results go back in batches: one that finishes while others wait in the queue is held
    for theirs, within HOLD_RESULTS_S. Callers ask `accepts(priority)` first and answer
    `server_busy` (with `retry_after`) when it says no. Jobs start when the event loop is
    about to wait (see START_AT_LATEST_MS).

    Verifying against no hash (an unknown account) still costs one verification, against a
    dummy hash, so that a wrong name and a wrong password take the same time.
    """

    _finished = Signal(object)  # a list of (job, result, seconds)

    def __init__(self, profile: str, max_pending: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self._argon2 = make_argon2(profile)
        self._token_argon2 = TOKEN_ARGON2
        started = time.perf_counter()
        self._dummy_hash = self._argon2.hash("not a password of anyone's")
        # The first refused requests' retry_after: the profile's own cost on this machine
        # (a guess of 50 ms told the first refused logins of a burst at the `test` profile,
        # 1 ms a check, to come back after 1.6 s, and hashing stood idle meanwhile).
        self._seconds_per_job = time.perf_counter() - started
        self._pool = QThreadPool(self)
        # Leave a core to the event loop: hashing is CPU-bound, chat must stay quick.
        self._pool.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount() - 1))
        # One buffer a pool thread (64 MiB at `standard`), kept while hashing goes on and
        # dropped when the pool has been idle as long as its threads live (30 s).
        self._memory: Argon2Memory | None = None
        try:
            self._memory = Argon2Memory(keep=self._pool.maxThreadCount())
        except MemoryError:  # cffi may not make callbacks (no writable code pages): no reuse
            logs.server.warning("argon2 verifies allocate their memory each time")
        self._release_memory = QTimer(self)
        self._release_memory.setSingleShot(True)
        self._release_memory.setInterval(max(0, self._pool.expiryTimeout()))
        self._release_memory.timeout.connect(self._release_kept_memory)
        # Shared with the pool threads, under `_lock`: they take their next job from it.
        self._queue: HashQueue[Callable[[], tuple[int, Any, float]]] = HashQueue(
            max_pending, self._pool.maxThreadCount()
        )
        self._lock = threading.Lock()
        self._results: list[tuple[int, Any, float]] = []  # held on a pool thread (under _lock)
        self._held_since = 0.0  # perf_counter of the oldest of `_results`
        self._asked = False  # jobs were asked for since the pool was last handed some
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(START_AT_LATEST_MS)
        self._start_timer.timeout.connect(self._start_jobs)
        # Connected only while jobs wait to start: not a slot call every turn of the loop.
        self._dispatcher: QAbstractEventDispatcher | None = QAbstractEventDispatcher.instance(
            self.thread()
        )
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._untimed: set[int] = set()  # jobs left out of the cost estimate
        self._job_ids = itertools.count(1)
        # `_seconds_per_job`, set above, is a running average from then on.
        self._finished.connect(self._on_finished)
        # Set by the owner: what surrounds the callbacks of a batch in which several logins'
        # checks made tokens (`MintedToken.user_key` set): the lobby stores them in one
        # commit there, before any callback answers.
        self.around_logins: Callable[[list[MintedToken]], AbstractContextManager[None]] | None = (
            None
        )
        if profile == "test":
            logs.server.warning("password hashing uses the cheap 'test' profile: not for real use")

    def accepts(self, priority: Priority) -> bool:
        """True if a job of `priority` may be queued now."""
        with self._lock:
            return self._queue.accepts(priority)

    @property
    def retry_after(self) -> float:
        """Seconds until a request refused now should find room (see `wait_for_room`); a
        resume token's hash, a few hundredths of a password's, does not count."""
        full_jobs = len(self._callbacks) - len(self._untimed)
        return wait_for_room(
            full_jobs, self._queue.limit, self._pool.maxThreadCount(), self._seconds_per_job
        )

    def hash(
        self,
        password: str,
        callback: Callable[[str | None], None],
        priority: Priority = Priority.OTHER,
    ) -> None:
        self._submit(lambda: self._argon2.hash(password), callback, priority)

    def hash_token(
        self, verifier: str, callback: Callable[[str | None], None], priority: Priority
    ) -> None:
        """A resume token's verifier, at the least cost (see TOKEN_ARGON2)."""
        self._submit(lambda: self._token_argon2.hash(verifier), callback, priority, timed=False)

    def verify(
        self,
        password_hash: str | None,
        password: str,
        callback: Callable[[bool | None], None],
        priority: Priority = Priority.OTHER,
        token: bool = False,
        mint: bool = False,
        mint_for: str | None = None,
    ) -> None:
        """`callback(True)` for a match, False for a mismatch, None when hashing failed
        (`token`: a resume token's verifier, whose hash says its own cost).

        `mint`: a match also makes the session's new resume token in the same job, and the
        callback gets that `MintedToken` instead of True: one trip through the pool and
        the event loop a login, not two. `mint_for`: the account of a login (see
        `around_logins`)."""
        target = password_hash or self._dummy_hash
        known = password_hash is not None

        def work() -> bool | MintedToken:
            matched = verify_password(self._argon2, target, password, self._memory) and known
            return self._mint(mint_for) if matched and mint else matched

        self._submit(work, callback, priority, timed=not token)

    def _mint(self, user_key: str | None = None) -> MintedToken:
        """A new resume token and its verifier's hash (on a pool thread)."""
        token, selector, verifier, salt = minted_secrets(TOKEN_SALT_BYTES)
        try:
            verifier_hash: str | None = self._token_argon2.hash(verifier, salt=salt)
        except Exception:  # the session starts without a token, as a failed hash_token did
            logs.server.exception("hashing a resume token failed")
            verifier_hash = None
        return MintedToken(token, selector, verifier_hash, user_key)

    def hash_now(self, password: str) -> str:
        """Blocking hash, for the command line only (never on the event loop of a server)."""
        return self._argon2.hash(password)

    @property
    def seconds_per_job(self) -> float:
        """What a check at the profile's cost takes, as a running average."""
        return self._seconds_per_job

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def _submit(
        self,
        work: Callable[[], Any],
        callback: Callable[[Any], None],
        priority: Priority,
        timed: bool = True,
    ) -> None:
        """Queue `work`; only `timed` jobs (at the profile's cost) count in `retry_after`."""
        job = next(self._job_ids)
        self._callbacks[job] = callback
        if not timed:
            self._untimed.add(job)

        def run() -> tuple[int, Any, float]:
            started = time.perf_counter()
            try:
                result = work()
            except Exception:  # a bug in hashing must not kill a pool thread silently
                logs.server.exception("password hashing failed")
                result = None
            return job, result, time.perf_counter() - started

        self._release_memory.stop()
        with self._lock:
            self._queue.push(run, priority)
        if not self._asked:
            self._asked = True
            if self._dispatcher is None:
                self._start_jobs()
            else:
                self._dispatcher.aboutToBlock.connect(self._start_jobs)
                self._start_timer.start()

    @Slot()
    def _start_jobs(self) -> None:
        """Hand the pool a job per idle thread (a busy one takes the next itself)."""
        if not self._asked:
            return  # nothing was asked for since the last start (a turn of the loop)
        self._asked = False
        self._start_timer.stop()
        if self._dispatcher is not None:
            self._dispatcher.aboutToBlock.disconnect(self._start_jobs)
        while True:
            with self._lock:
                first = self._queue.start_next()  # None: every thread has a job, or none waits
            if first is None:
                return
            self._pool.start(lambda run=first: self._work_from(run))

    def _work_from(self, run: Callable[[], tuple[int, Any, float]]) -> None:
        """On a pool thread: run `run`, then the queue's best waiting job, until none waits;
        the results go to the event loop in batches (see HOLD_RESULTS_S)."""
        lock = self._lock
        while True:
            done = run()
            now = time.perf_counter()
            with lock:
                self._queue.finished()
                results = self._results
                if not results:
                    self._held_since = now
                results.append(done)
                follows = self._queue.start_next()
                next_s = max(done[2], self._seconds_per_job)
                batch: list[tuple[int, Any, float]] | None = None
                if follows is None or now - self._held_since + next_s > HOLD_RESULTS_S:
                    batch, self._results = results, []
            if batch is not None:
                self._finished.emit(batch)
            if follows is None:
                return
            run = follows

    @Slot(object)
    def _on_finished(self, batch: list[tuple[int, Any, float]]) -> None:
        with self._lock:
            idle = self._queue.pending == 0
        if idle:
            self._release_memory.start()
        with self._around(batch):
            self._deliver(batch)

    def _around(self, batch: list[tuple[int, Any, float]]) -> AbstractContextManager[None]:
        """`around_logins` if two or more of the batch are logins that made a token."""
        if self.around_logins is None or len(batch) < 2:
            return nullcontext()
        callbacks = self._callbacks
        logins = [
            result
            for job, result, _ in batch
            if type(result) is MintedToken and result.user_key is not None and job in callbacks
        ]
        return self.around_logins(logins) if len(logins) >= 2 else nullcontext()

    def _deliver(self, batch: list[tuple[int, Any, float]]) -> None:
        for at, (job, result, seconds) in enumerate(batch):
            if job in self._untimed:
                self._untimed.discard(job)
            else:
                self._seconds_per_job += (seconds - self._seconds_per_job) * 0.2
            callback = self._callbacks.pop(job, None)
            if callback is None:
                continue
            try:
                callback(result)
            except BaseException:  # raised as a slot's would be; the rest still get theirs
                if rest := batch[at + 1 :]:
                    QTimer.singleShot(0, self, lambda: self._deliver(rest))
                raise

    def close(self) -> None:
        """Drop every pending callback and wait for the workers to finish."""
        self._callbacks.clear()
        self._start_timer.stop()
        if self._dispatcher is not None and self._asked:
            self._dispatcher.aboutToBlock.disconnect(self._start_jobs)
        self._dispatcher = None
        with self._lock:
            self._queue.clear()  # jobs no thread took yet are dropped
        self._pool.clear()  # jobs not started yet are dropped; running ones finish
        self._pool.waitForDone()
        self._release_memory.stop()
        self._release_kept_memory()

    @Slot()
    def _release_kept_memory(self) -> None:
        if self._memory is not None:
            self._memory.release()
