"""MessageLog without sockets: a busy database holds messages in order, a bound refuses more,
and a failure refuses its batch and gives its numbers back; rooms sharing a CommitGroup
commit a turn's batches in one transaction, before any is delivered."""

from __future__ import annotations

from typing import Any

import pytest

from app.server.database import Condition, DatabaseError
from app.server.message_log import CommitGroup, MessageLog
from app.shared.protocol import ErrorCode

TS = "2026-12-02T00:00:00.000Z"


class FakeStore:
    """Takes messages unless told the database is busy or broken."""

    def __init__(self) -> None:
        self.failure: Condition | None = None
        self.stored: list[tuple[int, str]] = []
        self.transactions: list[list] = []  # add_message_groups calls: [(room, texts)]

    def numbering_from(self, room: int, after: int) -> None:
        pass

    def add_messages(self, room: int, _sender: str, _ts: str, items: list) -> None:
        self.transactions.append([(room, [t for _, t in items])])
        if self.failure is not None or any(t == "bad" for _, t in items):
            raise DatabaseError("refused", self.failure or Condition.BUG)
        self.stored.extend(items)

    def add_message_groups(self, groups: list) -> None:
        self.transactions.append([(room, [t for _, t in items]) for room, _s, _t, items in groups])
        if self.failure is not None or any(t == "bad" for g in groups for _, t in g[3]):
            raise DatabaseError("refused", self.failure or Condition.BUG)
        for _room, _sender, _ts, items in groups:
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


@pytest.fixture
def grouped(qapp: Any) -> tuple[CommitGroup, FakeStore, list[MessageLog], list, list]:
    """Two rooms' logs sharing one group; `delivered` gets (room, [texts]) per deliver call."""
    store = FakeStore()
    group = CommitGroup(store)  # type: ignore[arg-type]
    delivered: list[tuple[int, list[str]]] = []
    refused: list[tuple[ErrorCode, list, float | None]] = []

    def deliver_many(room: int):  # type: ignore[no-untyped-def]
        return lambda batches: delivered.append((room, [t for _, _, i in batches for _, t in i]))

    logs = [
        MessageLog(room, store, print, 10, group=group, deliver_many=deliver_many(room))  # type: ignore[arg-type]
        for room in (1, 2)
    ]
    return group, store, logs, delivered, refused


def test_a_turns_batches_of_every_room_are_committed_together_before_any_is_delivered(
    grouped, qtbot
) -> None:
    _group, store, (one, two), delivered, refused = grouped
    add(one, refused, "a")
    add(two, refused, "b")
    add(one, refused, "c", "d")
    assert delivered == [] and store.transactions == []  # nothing before the commit
    qtbot.waitUntil(lambda: bool(delivered))  # the end of the turn
    assert store.transactions == [[(1, ["a"]), (2, ["b"]), (1, ["c", "d"])]]
    assert delivered == [(1, ["a", "c", "d"]), (2, ["b"])]  # one delivery per room
    assert [seq for seq, _ in store.stored] == [1, 1, 2, 3]  # each room numbers its own


def test_flush_commits_at_once_so_what_follows_comes_after(grouped) -> None:
    _group, store, (one, two), delivered, refused = grouped
    add(one, refused, "a")
    two.flush()  # nothing of its own waits: the group is left for its turn
    assert delivered == []
    one.flush()
    assert delivered == [(1, ["a"])] and len(store.transactions) == 1


def test_a_busy_group_holds_each_rooms_batches_in_order(grouped) -> None:
    group, store, (one, two), delivered, refused = grouped
    store.failure = Condition.BUSY
    add(one, refused, "a")
    add(two, refused, "b")
    group.flush()
    add(one, refused, "c")  # behind what is held
    assert delivered == [] and one.waiting == 2 and two.waiting == 1
    store.failure = None
    one._on_retry_timeout()
    two._on_retry_timeout()
    assert sorted(store.stored) == [(1, "a"), (1, "b"), (2, "c")] and refused == []


def test_a_batch_that_cannot_be_stored_fails_alone(grouped) -> None:
    group, store, (one, two), _delivered, refused = grouped
    add(one, refused, "a")
    add(two, refused, "bad")
    add(one, refused, "c")
    add(two, refused, "f")  # numbered after the refused one: it cannot keep its number
    group.flush()
    assert refused == [
        (ErrorCode.INTERNAL_ERROR, ["bad"], None),
        (ErrorCode.INTERNAL_ERROR, ["f"], None),
    ]
    assert sorted(store.stored) == [(1, "a"), (2, "c")]  # each on its own after the failure
    add(two, refused, "e")
    group.flush()
    assert (1, "e") in store.stored  # the refused batch gave its number back


def test_closing_refuses_what_waits_for_the_turn(grouped) -> None:
    group, store, (one, two), delivered, refused = grouped
    add(one, refused, "a")
    add(two, refused, "b")
    one.close()
    group.flush()
    assert refused == [(ErrorCode.INTERNAL_ERROR, ["a"], None)]
    assert delivered == [(2, ["b"])] and store.stored == [(1, "b")]
