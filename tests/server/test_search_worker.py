"""Searches on their own thread: the query runs off the event loop on a connection of its
own, a connection's later requests wait behind its search, a full queue is `server_busy`,
and a reply for a connection that has gone is dropped."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.server import search_worker
from app.server.database import DatabaseError
from app.server.search_index import CHUNK, SUFFIX, Fresh, Progress, SearchIndex
from app.server.search_sql import START, Position
from app.server.search_worker import SearchJob, SearchOutcome, SearchWorker
from app.server.store import MIGRATIONS, ChatStore
from tests.db_access import is_postgres, query_db
from tests.server.test_rooms import create, enter
from tests.server.test_search import say_all, search
from tests.thread_gate import Gate, gated
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Login = Callable[..., WireClient]
Connect = Callable[..., WireClient]


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """Every search held on the pool's thread until the test opens the gate."""
    yield from gated(monkeypatch, search_worker, "find")


def chatted(login: Login, connect: Connect) -> WireClient:
    alice = login("alice")
    room, ticket = create(alice, "Lounge")
    say_all(enter(connect, room, ticket), "hello there", "another hello")
    return alice


@pytest.mark.server_config(search_rate=0)
def test_a_search_runs_off_the_event_loop_and_holds_the_connections_later_requests(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot
) -> None:
    alice = chatted(login, connect)
    alice.send(type="search", query="hello", id="s")
    alice.send(type="ping", id="p")
    qtbot.waitUntil(lambda: gate.waiting == 1)
    assert gate.threads[0] != threading.get_ident()  # not the event loop's thread
    other = login("bob")  # the event loop serves others meanwhile
    assert other.request("ping", "pong")["type"] == "pong"
    assert "pong" not in alice.types()  # alice's ping waits behind her search
    gate.open()
    alice.wait_until(lambda: "pong" in alice.types())
    assert alice.types().index("search_results") < alice.types().index("pong")
    results = alice.expect("search_results")
    assert results["id"] == "s" and len(results["results"]) == 2


@pytest.mark.server_config(search_rate=0, max_pending_searches=1)
def test_a_full_search_queue_is_server_busy_with_retry_after(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot
) -> None:
    alice = chatted(login, connect)
    bob = login("bob")
    alice.send(type="search", query="hello", id=1)
    qtbot.waitUntil(lambda: gate.waiting == 1)
    bob.send(type="search", query="hello", id=2)
    refused = bob.expect_error("server_busy")
    assert refused["id"] == 2 and refused["retry_after"] > 0
    gate.open()
    assert len(alice.expect("search_results")["results"]) == 2
    assert search(bob, "hello")["results"] == []  # the queue has room again; bob reads none


@pytest.mark.server_config(search_rate=0)
def test_the_answer_for_a_connection_that_has_gone_is_dropped(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot
) -> None:
    alice = chatted(login, connect)
    alice.send(type="search", query="hello", id="gone")
    qtbot.waitUntil(lambda: gate.waiting == 1)
    alice.close()
    again = login("alice")  # the server noticed: a fresh login is not "replaced"
    gate.open()
    again.send(type="search", query="hello", id="new")
    assert again.expect("search_results")["id"] == "new"  # answered after the dropped one
    assert "search_results" not in again.types()


@pytest.mark.server_config(search_rate=0, max_pending_searches=0)
def test_with_no_search_queue_searches_run_on_the_event_loop(
    login: Login, connect: Connect, gate: Gate
) -> None:
    gate.open()
    alice = chatted(login, connect)
    assert len(search(alice, "hello")["results"]) == 2
    assert gate.threads == [threading.get_ident()]


def test_the_worker_reads_the_database_on_a_connection_and_thread_of_its_own(
    db_path: str, qtbot: QtBot, gate: Gate
) -> None:
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        store.add_messages(room, "alice", "2026-01-01T00:00:01.000Z", [(1, "needle"), (2, "hay")])
        worker = SearchWorker(store, MIGRATIONS, capacity=1)
        outcomes: list[SearchOutcome] = []
        worker.submit(SearchJob("needle", (room,), START, 5), outcomes.append)
        assert not worker.accepts()  # one pending is all it takes
        gate.open()
        qtbot.waitUntil(lambda: bool(outcomes))
        assert outcomes == [[(room, 1, "alice", "needle", "2026-01-01T00:00:01.000Z")]]
        assert gate.threads[0] != threading.get_ident() and worker.accepts()
        worker.close()
    finally:
        store.close()


def test_the_worker_keeps_the_sqlite_index_on_its_own_thread_and_is_handed_the_messages(
    db_path: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(db_path):
        pytest.skip("PostgreSQL keeps its trigram index itself")
    threads: list[int] = []
    real = SearchIndex.catch_up

    def recorded(index: SearchIndex, limit: int = CHUNK, fresh: Fresh | None = None) -> Progress:
        threads.append(threading.get_ident())
        return real(index, limit, fresh)

    monkeypatch.setattr(SearchIndex, "catch_up", recorded)
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        worker = SearchWorker(store, MIGRATIONS, capacity=1, interval_ms=20)
        store.add_messages(room, "alice", "2026-01-01T00:00:01.000Z", [(1, "needle")])
        index = db_path + SUFFIX
        qtbot.waitUntil(lambda: query_db(index, "SELECT count(*) FROM message_search") == [(1,)])
        assert threading.get_ident() not in threads
        qtbot.waitUntil(lambda: store.unindexed == 0)
        store.add_messages(room, "alice", "2026-01-01T00:00:02.000Z", [(2, "hay")])
        # no commit wrote a note (the start's empty one is the newest, kept): the messages
        # went to the index's thread in memory
        assert query_db(db_path, "SELECT first, last FROM search_backlog") == [(1, 0)]
        assert store.take_fresh() == {room: [(2, 2)]}
        worker.close()
    finally:
        store.close()


def test_without_a_queue_a_rebuild_goes_chunk_by_chunk_through_the_event_loop(
    db_path: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(db_path):
        pytest.skip("PostgreSQL keeps its trigram index itself")
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        lines = [(seq, f"line {seq}") for seq in range(1, 701)]
        store.add_messages(room, "alice", "2026-01-01T00:00:01.000Z", lines)
        monkeypatch.setattr(search_worker, "CHUNK", 1)  # 700 chunks: a recursion would overflow
        worker = SearchWorker(store, MIGRATIONS, capacity=0)  # inline: on this thread
        index = db_path + SUFFIX
        qtbot.waitUntil(
            lambda: query_db(index, "SELECT count(*) FROM message_search") == [(700,)],
            timeout=30_000,
        )
        worker.close()
    finally:
        store.close()


def test_the_index_thread_keeps_its_scheduling_policy_at_a_nicer_priority(
    db_path: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(db_path):
        pytest.skip("PostgreSQL keeps its trigram index itself")
    policies: dict[str, set[int]] = {"index": set(), "search": set()}
    nice: dict[str, set[int]] = {"index": set(), "search": set()}
    real_catch_up, real_find = SearchIndex.catch_up, search_worker.find

    def here() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def catch_up(index: SearchIndex, limit: int = CHUNK, fresh: Fresh | None = None) -> Progress:
        policies["index"].add(os.sched_getscheduler(0))
        nice["index"].add(here())
        return real_catch_up(index, limit, fresh)

    def find(*args: object, **kwargs: object) -> object:
        policies["search"].add(os.sched_getscheduler(0))
        nice["search"].add(here())
        return real_find(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "catch_up", catch_up)
    monkeypatch.setattr(search_worker, "find", find)
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        worker = SearchWorker(store, MIGRATIONS, capacity=1, interval_ms=20)
        store.add_messages(room, "alice", "2026-01-01T00:00:01.000Z", [(1, "needle")])
        outcomes: list[SearchOutcome] = []
        worker.submit(SearchJob("needle", (room,), START, 5), outcomes.append)
        qtbot.waitUntil(lambda: bool(outcomes) and bool(policies["index"]))
        # SCHED_IDLE starved the index thread while it held the GIL, and the event loop
        # waited behind it (a login storm's chat p99 140-630 ms).
        assert policies == {"index": {os.SCHED_OTHER}, "search": {os.SCHED_OTHER}}
        # but nicer than the event loop, which has the core first; searches are not
        base = os.getpriority(os.PRIO_PROCESS, os.getpid())
        assert nice == {"index": {min(19, base + search_worker.INDEX_NICE)}, "search": {base}}
        worker.close()
    finally:
        store.close()


def test_a_search_finds_what_the_index_has_not_taken_yet(
    db_path: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(db_path):
        pytest.skip("PostgreSQL keeps its trigram index itself")
    held = Gate()
    real = SearchIndex.catch_up

    def gated_catch_up(
        index: SearchIndex, limit: int = CHUNK, fresh: Fresh | None = None
    ) -> Progress:
        held.waiting += 1
        held.opened.wait(10)
        return real(index, limit, fresh)

    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        older = [(seq, f"old needle {seq}") for seq in range(1, 6)]
        store.add_messages(room, "alice", "2026-01-01T00:00:01.000Z", older)
        worker = SearchWorker(store, MIGRATIONS, capacity=1, interval_ms=20)
        index = db_path + SUFFIX
        count = "SELECT count(*) FROM message_search"
        qtbot.waitUntil(lambda: query_db(index, count) == [(5,)])
        monkeypatch.setattr(SearchIndex, "catch_up", gated_catch_up)  # the index stalls
        qtbot.waitUntil(lambda: held.waiting == 1)  # (an idle tick's catch-up)
        fresh = [(7, "new needle 7"), (8, "hay"), (9, "NEW NEEDLE 9")]
        store.add_messages(room, "alice", "2026-01-01T00:00:03.000Z", fresh)
        outcomes: list[SearchOutcome] = []
        worker.submit(SearchJob("needle", (room,), START, 4), outcomes.append)
        qtbot.waitUntil(lambda: bool(outcomes))
        seqs = [row[1] for row in outcomes[0]]  # type: ignore[union-attr]
        assert seqs == [9, 7, 5, 4]  # newest first, the unindexed ones and the index's
        assert query_db(index, count) == [(5,)]
        after = Position("2026-01-01T00:00:03.000Z", room, 9)  # the next page, past 9
        worker.submit(SearchJob("needle", (room,), after, 2), outcomes.append)
        qtbot.waitUntil(lambda: len(outcomes) == 2)
        assert [row[1] for row in outcomes[1]] == [7, 5]  # type: ignore[union-attr]
        held.open()
        worker.close()
    finally:
        held.open()
        store.close()


def test_messages_a_failed_catch_up_was_handed_are_taken_by_the_next(
    db_path: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(db_path):
        pytest.skip("PostgreSQL keeps its trigram index itself")
    real = SearchIndex.catch_up
    failed: list[Fresh] = []
    done: list[Progress] = []

    def failing_once(
        index: SearchIndex, limit: int = CHUNK, fresh: Fresh | None = None
    ) -> Progress:
        if fresh and not failed:
            failed.append(fresh)
            raise DatabaseError("the index file is locked")
        done.append(real(index, limit, fresh))
        return done[-1]

    monkeypatch.setattr(SearchIndex, "catch_up", failing_once)
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        worker = SearchWorker(store, MIGRATIONS, capacity=1, interval_ms=20)
        qtbot.waitUntil(lambda: bool(done))  # the first catch-up, which looks at every room
        store.add_messages(room, "alice", "2026-01-01T00:00:01.000Z", [(1, "needle one")])
        qtbot.waitUntil(lambda: bool(failed))
        store.add_messages(room, "alice", "2026-01-01T00:00:02.000Z", [(2, "needle two")])
        index = db_path + SUFFIX
        count = "SELECT count(*) FROM message_search"
        qtbot.waitUntil(lambda: query_db(index, count) == [(2,)])
        worker.close()
    finally:
        store.close()
