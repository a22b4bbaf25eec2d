"""The `history` and `search` scenarios of issue 14: a database of a million messages in
20 persistent rooms, one room chatting at a paced rate with a probe (as `latency` does),
and a second client paging back through history or searching, timing every answer.

The querying client is a thread with a blocking socket (this is the bench, not the app):
it waits on the server most of the time, so it takes little from the paced sender.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bench.clients import Mode, build_room, close_all, percentiles_ms
from bench.engine import Engine, Role
from bench.history_data import WORDS, fill, words
from bench.scenarios import (
    PASSWORD,
    Context,
    Result,
    lag_ms,
    lost,
    measure,
    room_wires,
    run_with_server,
    target,
    window_figures,
)
from bench.server_process import ServerProcess

READER = "reader"


class LineClient:
    """A blocking JSON-lines connection: `request()` sends one line and returns the first
    reply of the type asked for, and the seconds it took."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def next(self) -> dict[str, Any]:
        while b"\n" not in self.buffer:
            data = self.sock.recv(1 << 20)
            if not data:
                raise ConnectionError("the server closed the connection")
            self.buffer += data
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def request(self, reply_type: str, **fields: Any) -> tuple[dict[str, Any], float]:
        began = time.perf_counter()
        self.sock.sendall(json.dumps(fields).encode() + b"\n")
        while True:
            reply = self.next()
            if reply.get("type") in (reply_type, "error"):
                if reply["type"] == "error":
                    raise RuntimeError(f"{fields['type']}: {reply}")
                return reply, time.perf_counter() - began

    def close(self) -> None:
        self.sock.close()


def logged_in(port: int) -> LineClient:
    client = LineClient(port)
    client.next()  # welcome
    client.request("logged_in", type="login", name=READER, password=PASSWORD)
    return client


def querying(
    port: int, rate: float, until: float, ask: Callable[[LineClient], float]
) -> tuple[threading.Thread, list[float], list[str]]:
    """A thread asking `ask(client)` (which returns seconds) `rate` times a second."""
    timings: list[float] = []
    errors: list[str] = []

    def loop() -> None:
        try:
            client = logged_in(port)
            due = time.perf_counter()
            while due < until:
                timings.append(ask(client))
                due += 1 / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            client.close()
        except Exception as failure:  # reported, not raised: the scenario goes on
            errors.append(f"{type(failure).__name__}: {failure}")

    return threading.Thread(target=loop, daemon=True), timings, errors


def spread_ms(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"samples": 0}
    values = sorted(seconds)

    def at(fraction: float) -> float:
        return round(values[min(len(values) - 1, int(fraction * len(values)))] * 1000, 3)

    return {
        "samples": len(values),
        "p50_ms": at(0.5),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(values[-1] * 1000, 3),
    }


def with_chat(
    name: str,
    params: dict[str, Any],
    context: Context,
    make_ask: Callable[[int], Callable[[LineClient], float]],
    query_target: tuple[str, float],
) -> Result:
    """The shared frame: fill the database, chat in one room, query from a thread."""
    members, rate = int(params["members"]), float(params["rate"])
    # Searches are timed here, not rationed: the per-account budget is off.
    context = replace(context, extra_server_args=[*context.extra_server_args, "--search-rate", "0"])
    names = [f"hist{i:04d}" for i in range(members)]
    filled: dict[str, float] = {}

    def prepare(server: ServerProcess) -> None:
        filled["seconds"] = fill(server.db_path, int(params["rooms"]), int(params["messages"]),
                                 READER)  # fmt: skip

    async def drive(server: ServerProcess) -> Result:
        modes = [Mode.COUNT] * members
        modes[1] = Mode.PROBE
        setup = await build_room(server.port, f"{name} chat", names, PASSWORD, modes, members)
        engine = Engine()
        wires = [
            engine.adopt(w, Role.PROBE if i == 1 else Role.COUNT)
            for i, w in enumerate(room_wires(setup.members))
        ]
        now = time.perf_counter()
        until = now + params["warmup"] + params["duration"]
        engine.pace(wires[:1], rate, now, until)
        thread, timings, errors = querying(
            server.port, params["query_rate"], until, make_ask(server.port)
        )
        thread.start()
        start, end = measure(context, engine, server, wires, params["warmup"], params["duration"])
        engine.run(time.perf_counter() + 0.3)
        thread.join(30)
        engine.close()
        close_all(setup.members)
        figures = window_figures(start, end)
        chat = percentiles_ms([wires[1]], start.wall_ns, end.wall_ns)
        figures.update({f"chat_{k}": v for k, v in chat.items()})
        figures.update({f"{name}_{k}": v for k, v in spread_ms(timings).items()})
        figures["generator_lag_p99_ms"] = lag_ms(engine)
        figures["connections_lost"] = lost(wires)
        figures["fill_s"] = round(filled.get("seconds", 0.0), 1)
        chat_p99, query_p99 = figures.get("chat_p99_ms"), figures.get(f"{name}_p99_ms")
        label, limit = query_target
        result: Result = {
            "metrics": figures,
            "targets": [
                target(
                    f"{name}_p99_ms",
                    label,
                    query_p99,
                    f"<= {limit:g} ms",
                    query_p99 is not None and query_p99 <= limit,
                ),
                target(
                    "chat_p99_ms",
                    "chat p99 latency (ms)",
                    chat_p99,
                    "<= 5 ms",
                    chat_p99 is not None and chat_p99 <= 5.0,
                ),
            ],
        }
        if errors:
            result["notes"] = errors
        return result

    return run_with_server(name, params, context, drive, accounts=[READER, *names],
                           max_room_capacity=members, prepare=prepare)  # fmt: skip


def history(params: dict[str, Any], context: Context) -> Result:
    """Page back through one archive room, 50 at a time, from its newest message."""

    def make_ask(port: int) -> Callable[[LineClient], float]:
        state: dict[str, Any] = {}

        def ask(client: LineClient) -> float:
            if "room" not in state:
                rooms, _ = client.request("rooms", type="list_rooms")
                archive = next(r for r in rooms["rooms"] if r["name"] == "Archive 1")
                granted, _ = client.request("join_granted", type="join_room", room_id=archive["id"])
                room = state["room"] = LineClient(archive["port"])
                room.request("entered", type="enter", ticket=granted["ticket"])
                state["before"] = None
            page, seconds = state["room"].request(
                "history", type="history", before=state["before"], limit=50
            )
            state["before"] = page["messages"][0]["seq"] if page["more"] else None
            return seconds

        return ask

    return with_chat("history", params, context, make_ask, ("page of 50 p99 (ms)", 10.0))


def search(params: dict[str, Any], context: Context) -> Result:
    """Search every room the reader has entered, for words of the generated vocabulary."""
    vocabulary = words()
    queries = [vocabulary[i] for i in range(0, WORDS, 97)]  # English and Korean words
    queries += [w[1:4] for w in vocabulary[: WORDS // 2 : 211]]  # substrings inside words
    queries += [vocabulary[WORDS // 2 + 3][:2]]  # a two-letter one: the bounded LIKE

    def make_ask(port: int) -> Callable[[LineClient], float]:
        turn = iter(range(1 << 30))

        def ask(client: LineClient) -> float:
            query = queries[next(turn) % len(queries)]
            _, seconds = client.request("search_results", type="search", query=query, limit=20)
            return seconds

        return ask

    return with_chat("search", params, context, make_ask, ("search p99 (ms)", 50.0))


HISTORY_DEFAULTS: dict[str, Any] = {
    "duration": 10.0,
    "warmup": 1.0,
    "members": 20,
    "rate": 500.0,
    "rooms": 20,
    "messages": 1_000_000,
}
DEFAULTS = {
    "history": {**HISTORY_DEFAULTS, "query_rate": 50.0},
    "search": {**HISTORY_DEFAULTS, "query_rate": 10.0},
}
SCENARIOS = {"history": history, "search": search}
