"""Searches on their own thread: the query runs off the event loop on a connection of its
own, a connection's later requests wait behind its search, a full queue is `server_busy`,
and a reply for a connection that has gone is dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.server import search_worker
from app.server.search_index import CHUNK, SUFFIX, Progress, SearchIndex
from app.server.search_sql import START
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


def test_the_worker_keeps_the_sqlite_index_on_its_own_thread_and_the_store_drops_its_notes(
    db_path: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(db_path):
        pytest.skip("PostgreSQL keeps its trigram index itself")
    threads: list[int] = []
    real = SearchIndex.catch_up

    def recorded(index: SearchIndex, limit: int = CHUNK) -> Progress:
        threads.append(threading.get_ident())
        return real(index, limit)

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
        # the first note, taken, went with that commit: only the second one waits
        assert query_db(db_path, "SELECT first FROM search_backlog") == [(2,)]
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
