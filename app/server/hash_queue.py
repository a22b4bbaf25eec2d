"""The password hashing queue, sans I/O: priorities, a bound, and how many run at once."""

from __future__ import annotations

import heapq
import itertools
from enum import IntEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Priority(IntEnum):
    """Who is served first when hashing is short: lower values first, then the oldest.

    A person logging in to an existing account is served before sign-ups and room passwords,
    so that a storm of registrations cannot time out the logins of real users.
    """

    LOGIN = 0  # a login of an existing account
    OTHER = 1  # registrations, room passwords (checking one or opening a locked room),
    # and logins of unknown names (which nobody who has an account is waiting for)


class HashQueue(Generic[T]):
    """Jobs waiting for one of `workers` hashing threads, best priority first.

    At most `limit` jobs are pending (waiting or running; 0 = no limit). The last quarter
    of that room is kept for `Priority.LOGIN`, so a queue full of sign-ups still takes a
    login. Jobs are handed out (`start_next`) only while fewer than `workers` run: the
    ones not started stay here, where a better job can still overtake them.
    """

    def __init__(self, limit: int, workers: int) -> None:
        self.limit = limit
        self.workers = max(1, workers)
        self.running = 0
        self._waiting: list[tuple[int, int, T]] = []
        self._order = itertools.count()

    @property
    def pending(self) -> int:
        return self.running + len(self._waiting)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def accepts(self, priority: Priority) -> bool:
        """True if a job of `priority` may be queued now (else: the server is busy)."""
        if self.limit <= 0:
            return True
        room = self.limit if priority is Priority.LOGIN else self.limit - self.limit // 4
        return self.pending < max(1, room)

    def push(self, job: T, priority: Priority) -> None:
        heapq.heappush(self._waiting, (int(priority), next(self._order), job))

    def start_next(self) -> T | None:
        """The next job to hand to a thread, or None (all threads busy, or nothing waits)."""
        if self.running >= self.workers or not self._waiting:
            return None
        self.running += 1
        return heapq.heappop(self._waiting)[2]

    def finished(self) -> None:
        """A job that was started has finished: its thread is free."""
        self.running = max(0, self.running - 1)

    def clear(self) -> None:
        """Drop every job not started."""
        self._waiting.clear()


def wait_for_room(full_jobs: int, limit: int, workers: int, seconds_per_job: float) -> float:
    """The `retry_after` of a request refused because the queue is full: about how long
    the `workers` take to get through the `full_jobs` (at the profile's cost) ahead of half
    the queue, at least MIN_RETRY_S.

    Not the time to drain it all: a storm's refused logins, all told that, came back when
    the threads had run dry, and hashing stood idle until they did (login-storm on a loaded
    machine, one run each: idle 43.3 of its 90 s, 65 of 200 logins done, against 3.3 s and
    126 told this). Told this, they come back while half the queue's work is still ahead.
    The same holds for the floor and the rounding: at 1 s, then at 0.1 s, with checks of a
    millisecond (the `test` profile), the refused of 100 logins at once came back after the
    queue had run dry, and the server stood idle a quarter, then a sixth of the time
    (`idle`, 1,000: 589-593 logins/s at 0.74-0.83 of a core, against 699-780 at
    0.94-0.99 with the hundredth)."""
    ahead = max(0, full_jobs - limit // 2) if limit > 0 else full_jobs
    return max(MIN_RETRY_S, round(ahead / max(1, workers) * seconds_per_job, 2))


MIN_RETRY_S = 0.01
