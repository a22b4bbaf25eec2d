"""MessageLog without sockets: a busy database holds messages in order, a bound refuses more,
and a failure refuses its batch and gives its numbers back."""

from __future__ import annotations

from typing import Any

import pytest

from app.server.database import Condition, DatabaseError
from app.server.message_log import MessageLog
from app.shared.protocol import ErrorCode

TS = "2026-12-02T00:00:00.000Z"


class FakeStore:
    """Takes messages unless told the database is busy or broken."""

    def __init__(self) -> None:
        self.failure: Condition | None = None
        self.stored: list[tuple[int, str]] = []

    def add_messages(self, _room: int, _sender: str, _ts: str, items: list) -> None:
        if self.failure is not None:
            raise DatabaseError(self.failure.value, self.failure)
        self.stored.extend(items)


@pytest.fixture
def parts(qapp: Any) -> tuple[MessageLog, FakeStore, list, list]:
    store = FakeStore()
    delivered: list[tuple[int, str]] = []
    refused: list[tuple[ErrorCode, list, float | None]] = []
    log = MessageLog(1, store, lambda _s, _t, items: delivered.extend(items), 3)  # type: ignore[arg-type]
    return log, store, delivered, refused


def add(log: MessageLog, refused: list, *texts: str) -> None:
    log.add(
        "alice", TS, list(texts), list(texts), lambda c, _t, ids, w: refused.append((c, ids, w))
    )


def test_a_busy_database_holds_messages_in_order_until_it_takes_them(parts) -> None:
    log, store, delivered, refused = parts
    store.failure = Condition.BUSY
    add(log, refused, "a")
    add(log, refused, "b", "c")
    log._on_retry_timeout()  # still busy
    assert delivered == [] and log.waiting == 3
    store.failure = None
    log._on_retry_timeout()
    assert delivered == store.stored == [(1, "a"), (2, "b"), (3, "c")]
    assert refused == [] and log.waiting == 0


def test_past_the_bound_a_batch_is_refused_busy_with_a_wait(parts) -> None:
    log, store, delivered, refused = parts
    store.failure = Condition.BUSY
    add(log, refused, "a", "b")
    add(log, refused, "c", "d")  # 4 > 3 waiting
    assert refused == [(ErrorCode.SERVER_BUSY, ["c", "d"], 0.05)]
    store.failure = None
    log._on_retry_timeout()
    add(log, refused, "e")
    assert delivered == [(1, "a"), (2, "b"), (3, "e")]  # refused ones took no number


def test_a_broken_database_refuses_the_batch_and_reuses_its_numbers(parts) -> None:
    log, store, delivered, refused = parts
    store.failure = Condition.DISK_FULL
    add(log, refused, "a")
    assert refused == [(ErrorCode.INTERNAL_ERROR, ["a"], None)]
    store.failure = None
    add(log, refused, "b")
    assert delivered == [(1, "b")]


def test_closing_refuses_what_still_waits(parts) -> None:
    log, store, delivered, refused = parts
    store.failure = Condition.BUSY
    add(log, refused, "a")
    log.close()
    assert refused == [(ErrorCode.INTERNAL_ERROR, ["a"], None)] and delivered == []
