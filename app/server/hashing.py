"""argon2id hashing and verifying on a worker pool, so that chat flows while someone logs in."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from app.server.argon2_memory import Argon2Memory
from app.server.hash_queue import HashQueue, Priority, wait_for_room
from app.server.resume_tokens import MintedToken, new_token
from app.shared import logs

PROFILES = ("standard", "test")
# Resume-token verifiers are 256 random bits: nobody can try 2^256 of them, so Argon2id's
# cost buys nothing there, and at the password profile's cost a login (which hashes a new
# token) cost two hashes and a login storm went at half speed. Argon2id still, at the least
# cost it allows (1 pass, 8 KiB: at 1 MiB a token cost as much as a password at the `test`
# profile, doubling a login's hashing); a hash of any cost, older tokens' too, verifies as
# it was made.
TOKEN_ARGON2 = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=argon2.Type.ID)


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

    Jobs wait in a bounded `HashQueue`, best `Priority` first; only as many as there are
    threads are handed to the pool at once, so that a later login can still overtake
    waiting sign-ups. Callers ask `accepts(priority)` first and answer `server_busy` (with
    `retry_after`) when it says no.

    Verifying against no hash (an unknown account) still costs one verification, against a
    dummy hash, so that a wrong name and a wrong password take the same time.
    """

    _finished = Signal(int, object, float)

    def __init__(self, profile: str, max_pending: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self._argon2 = make_argon2(profile)
        self._token_argon2 = TOKEN_ARGON2
        self._dummy_hash = self._argon2.hash("not a password of anyone's")
        self._pool = QThreadPool(self)
        # Leave a core to the event loop: hashing is CPU-bound, chat must stay quick.
        self._pool.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount() - 1))
        # One buffer a pool thread (64 MiB at `standard`), kept while hashing goes on and
        # dropped when the pool has been idle as long as its threads live (30 s).
        self._memory = Argon2Memory(keep=self._pool.maxThreadCount())
        self._release_memory = QTimer(self)
        self._release_memory.setSingleShot(True)
        self._release_memory.setInterval(max(0, self._pool.expiryTimeout()))
        self._release_memory.timeout.connect(self._memory.release)
        # The pool is handed one job beyond each thread's, so a thread that finishes starts
        # the next at once instead of idling until the event loop hands it one (which, with
        # logins arriving in bursts, made them twice as slow); the rest wait here, in
        # priority order.
        self._queue: HashQueue[Callable[[], None]] = HashQueue(
            max_pending, 2 * self._pool.maxThreadCount()
        )
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._untimed: set[int] = set()  # jobs left out of the cost estimate
        self._job_ids = itertools.count(1)
        self._seconds_per_job = 0.05  # a running average, for retry_after
        self._finished.connect(self._on_finished)
        if profile == "test":
            logs.server.warning("password hashing uses the cheap 'test' profile: not for real use")

    def accepts(self, priority: Priority) -> bool:
        """True if a job of `priority` may be queued now."""
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
    ) -> None:
        """`callback(True)` for a match, False for a mismatch, None when hashing failed
        (`token`: a resume token's verifier, whose hash says its own cost).

        `mint`: a match also makes the session's new resume token in the same job, and the
        callback gets that `MintedToken` instead of True: one trip through the pool and
        the event loop a login, not two."""
        target = password_hash or self._dummy_hash
        known = password_hash is not None

        def work() -> bool | MintedToken:
            matched = verify_password(self._argon2, target, password, self._memory) and known
            return self._mint() if matched and mint else matched

        self._submit(work, callback, priority, timed=not token)

    def _mint(self) -> MintedToken:
        """A new resume token and its verifier's hash (on a pool thread)."""
        token, selector, verifier = new_token()
        try:
            verifier_hash: str | None = self._token_argon2.hash(verifier)
        except Exception:  # the session starts without a token, as a failed hash_token did
            logs.server.exception("hashing a resume token failed")
            verifier_hash = None
        return MintedToken(token, selector, verifier_hash)

    def hash_now(self, password: str) -> str:
        """Blocking hash, for the command line only (never on the event loop of a server)."""
        return self._argon2.hash(password)

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

        def run() -> None:
            started = time.perf_counter()
            try:
                result = work()
            except Exception:  # a bug in hashing must not kill a pool thread silently
                logs.server.exception("password hashing failed")
                result = None
            self._finished.emit(job, result, time.perf_counter() - started)

        self._release_memory.stop()
        self._queue.push(run, priority)
        self._start_jobs()

    def _start_jobs(self) -> None:
        while (run := self._queue.start_next()) is not None:
            self._pool.start(run)

    @Slot(int, object, float)
    def _on_finished(self, job: int, result: Any, seconds: float) -> None:
        self._queue.finished()
        if job in self._untimed:
            self._untimed.discard(job)
        else:
            self._seconds_per_job += (seconds - self._seconds_per_job) * 0.2
        self._start_jobs()
        if self._queue.pending == 0:
            self._release_memory.start()
        callback = self._callbacks.pop(job, None)
        if callback is not None:
            callback(result)

    def close(self) -> None:
        """Drop every pending callback and wait for the workers to finish."""
        self._callbacks.clear()
        self._queue.clear()  # jobs not handed to the pool are dropped
        self._pool.clear()  # jobs not started yet are dropped; running ones finish
        self._pool.waitForDone()
        self._release_memory.stop()
        self._memory.release()
