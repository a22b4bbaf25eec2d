"""The scenarios of issue 9, and the registry of the later ones. Each starts a fresh server,
drives it, and returns a result.

A result is a plain dict: `scenario`, `params`, `metrics` (figures), `targets` (figure,
value, target, met), `server` (what the server process did) and `notes`. Timed scenarios run
`warmup` seconds before the measuring window of `duration` seconds opens.
"""

from __future__ import annotations

import asyncio
import os
import resource
import socket
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.clients import (
    Member,
    Mode,
    Wire,
    build_room,
    close_all,
    gather_limited,
    log_in,
    paced,
    percentiles_ms,
    sender_figures,
)
from bench.engine import Endpoint, Engine, Role
from bench.profiling import Profiler
from bench.server_process import ServerProcess, cores_busy_seconds, read_cpu_seconds

if TYPE_CHECKING:
    from bench.postgres import BenchPostgres

PASSWORD = "bench-password"
Result = dict[str, Any]

DEFAULTS: dict[str, dict[str, Any]] = {
    "fanout": {"duration": 10.0, "warmup": 1.0, "members": 50, "senders": 5, "read_markers": 0.0},
    "saturation": {
        "duration": 10.0,
        "warmup": 1.0,
        "members": 50,
        "senders": 5,
        "sender_sndbuf": 131072,
    },
    "latency": {
        "duration": 10.0,
        "warmup": 1.0,
        "members": 50,
        "senders": 5,
        "rate": 1000.0,
        "read_markers": 0.0,
    },
    "rooms": {
        "duration": 10.0,
        "warmup": 1.0,
        "members": 500,
        "rooms": 10,
        "rate": 2000.0,
    },
    "idle": {"connections": 5000, "parallel": 100},
    "login-storm": {
        "logins": 200,
        "members": 10,
        "senders": 2,
        "rate": 200.0,
        "warmup": 2.0,
        "storm_limit": 90.0,
    },
    "overload": {
        "duration": 10.0,
        "warmup": 0.0,
        "members": 50,
        "senders": 5,
        "slow_pause": 0.02,
        "slow_rcvbuf": 8192,
        "rss_abort_mb": 2048,
    },
}


@dataclass
class Context:
    """What every scenario needs besides its own parameters."""

    server_core: int | None
    # Every core but the generator's (None: not pinned): PostgreSQL's and --workers' nodes'.
    server_cores: set[int] | None = None
    extra_server_args: list[str] = field(default_factory=list)
    profile_path: str | None = None  # py-spy the server during the window, raw output here
    profile_native: bool = False  # with C/C++ frames (py-spy --native; pauses the server)
    profiler: Profiler | None = None


def target(key: str, figure: str, value: Any, text: str, met: bool) -> dict[str, Any]:
    """A target of issue 9: `key` names the metric it is about."""
    return {"key": key, "figure": figure, "value": value, "target": text, "met": met}


@dataclass
class Snapshot:
    """Counters at one instant: deliveries per wire, server CPU, generator CPU, wall time,
    and PostgreSQL's CPU when the server is on it."""

    counts: list[int]
    server_cpu: float
    server_wait: float  # run-queue wait: the core was busy with something else
    bench_cpu: float
    wall: float
    wall_ns: int
    database_cpu: float | None = None
    unindexed: int | None = None  # messages stored, not yet in the search index file
    threads: dict[str, tuple[float, float]] = field(default_factory=dict)  # CPU, wait

    @classmethod
    def take(cls, server: ServerProcess, wires: Sequence[Wire | Endpoint]) -> Snapshot:
        return cls(
            [w.count for w in wires],
            server.cpu_seconds(),
            server.wait_seconds(),
            time.process_time(),
            time.perf_counter(),
            time.perf_counter_ns(),
            server.database_cpu_seconds(),
            server.unindexed_messages(),
            server.thread_seconds(),
        )


def window_figures(start: Snapshot, end: Snapshot) -> dict[str, Any]:
    """Deliveries and CPU over a measuring window."""
    wall = end.wall - start.wall
    per_wire = [b - a for a, b in zip(start.counts, end.counts, strict=True)]
    deliveries = sum(per_wire)
    server_cpu = end.server_cpu - start.server_cpu
    bench_cpu = end.bench_cpu - start.bench_cpu
    database: dict[str, Any] = {}
    if start.database_cpu is not None and end.database_cpu is not None:
        database_cpu = end.database_cpu - start.database_cpu
        database = {
            "database_core_use": round(database_cpu / wall, 3),
            "server_and_database_core_use": round((server_cpu + database_cpu) / wall, 3),
            "deliveries_per_server_and_database_cpu_s": (
                round(deliveries / (server_cpu + database_cpu))
                if server_cpu + database_cpu
                else None
            ),
        }
    return {
        "window_s": round(wall, 3),
        "deliveries": deliveries,
        "deliveries_per_s": round(deliveries / wall),
        "server_cpu_s": round(server_cpu, 3),
        "server_core_use": round(server_cpu / wall, 3),
        # Runnable but not running (another process had its core): on a shared machine, the
        # part of the wall time the server lost, which idles it without any fault of its own.
        "server_wait_share": round((end.server_wait - start.server_wait) / wall, 3),
        "deliveries_per_server_cpu_s": round(deliveries / server_cpu) if server_cpu else None,
        "generator_core_use": round(bench_cpu / wall, 3),
        "per_member_median_per_s": round(statistics.median(per_wire) / wall, 1),
        "server_threads": thread_figures(start, end, wall),
        **database,
    }


def thread_figures(start: Snapshot, end: Snapshot, wall: float) -> dict[str, list[float]]:
    """Core use and run-queue wait share of each server thread that ran in the window."""
    figures: dict[str, list[float]] = {}
    for name, (cpu, wait) in end.threads.items():
        cpu0, wait0 = start.threads.get(name, (0.0, 0.0))
        if cpu - cpu0 > 0 or wait - wait0 > 0:
            figures[name] = [round((cpu - cpu0) / wall, 3), round((wait - wait0) / wall, 3)]
    return figures


def indexing_owed(
    start: Snapshot, end: Snapshot, figures: dict[str, Any], server: ServerProcess
) -> None:
    """The search index is built off the event loop, and under a flood it falls behind:
    the window's CPU then leaves out the indexing of the messages it added to the backlog.
    Wait (the clients gone) until the index has caught up, and charge the window that
    catch-up's CPU in proportion: `deliveries_per_server_cpu_s_indexed`."""
    figures["unindexed_at_start"] = start.unindexed
    figures["unindexed_at_end"] = end.unindexed
    if start.unindexed is None or not end.unindexed:
        return
    catch_up = server.cpu_until_indexed()
    if catch_up is None:
        figures["index_catch_up"] = "did not catch up in time"
        return
    # Only a backlog that grew is owed; one that shrank was indexed inside the window (its
    # CPU is in the window's already), and a negative share of a small catch-up's CPU
    # subtracted from the window made the figure larger than the one without indexing.
    owed = catch_up * max(0, end.unindexed - start.unindexed) / end.unindexed
    figures["index_catch_up_cpu_s"] = round(catch_up, 3)
    cpu = end.server_cpu - start.server_cpu + owed
    figures["deliveries_per_server_cpu_s_indexed"] = round(figures["deliveries"] / cpu)


def measure(
    context: Context,
    engine: Engine,
    server: ServerProcess,
    endpoints: Sequence[Endpoint],
    warmup: float,
    duration: float,
    sample: Callable[[float], bool] | None = None,
) -> tuple[Snapshot, Snapshot]:
    """Run the engine through the warm-up and the measuring window; snapshots at both ends
    of the window (and py-spy through it, when asked). `sample(seconds into the window)`
    runs every 0.1 s in the window and may return False to end it early."""
    opened = time.perf_counter() + warmup
    closes = opened + duration
    snapshots: list[Snapshot] = []

    def snap() -> None:
        if not snapshots and context.profile_path:
            context.profiler = Profiler(context.profile_path, native=context.profile_native)
            context.profiler.start(server.pid, duration)
        snapshots.append(Snapshot.take(server, endpoints))

    def tick() -> None:
        now = time.perf_counter()
        if sample is not None and not sample(now - opened):
            snap()
            engine.stop()
        elif now + 0.1 < closes:
            engine.call_at(now + 0.1, tick)

    engine.call_at(opened, snap)
    if sample is not None:
        engine.call_at(opened, tick)
    engine.call_at(closes, snap)
    engine.run(closes)
    return snapshots[0], snapshots[-1]


def lag_ms(engine: Engine) -> float | None:
    """The 99th percentile of how late the paced sender was, ms."""
    if not engine.lags:
        return None
    lags = sorted(engine.lags)
    return round(lags[int(0.99 * (len(lags) - 1))] * 1000, 3)


def room_wires(members: Sequence[Member]) -> list[Wire]:
    return [m.room for m in members if m.room is not None]


def lost(wires: Sequence[Wire | Endpoint]) -> int:
    return sum(1 for w in wires if w.lost_by_peer)


def mb(kilobytes: int | None) -> float | None:
    return None if kilobytes is None else round(kilobytes / 1024, 1)


def run_with_server(
    name: str,
    params: dict[str, Any],
    context: Context,
    drive: Callable[[ServerProcess], Any],
    *,
    hash_profile: str = "test",
    accounts: Sequence[str] = (),
    max_room_capacity: int = 100,
    prepare: Callable[[ServerProcess], None] | None = None,
    postgres: BenchPostgres | None = None,
    workers: int = 1,
) -> Result:
    """Start a fresh server (accounts preloaded, then `prepare(server)` before it starts),
    run `drive(server)` in a fresh event loop, stop the server, and add what the server
    process did to the result. With `postgres`, the server is on a fresh database there;
    `workers` > 1 runs that many nodes, on every core but the generator's."""
    with ServerProcess(
        hash_profile=hash_profile,
        extra_args=context.extra_server_args,
        core=context.server_core,
        max_room_capacity=max(100, max_room_capacity),
        postgres=postgres,
        workers=workers,
        cores=context.server_cores if workers > 1 else None,
    ) as server:
        server.preload_accounts(list(accounts), PASSWORD)
        if prepare is not None:
            prepare(server)
        server.start()
        started_kb = server.memory_kb()
        result: Result = {"scenario": name, "params": params, "notes": []}
        try:
            result.update(asyncio.run(drive(server)))
        except Exception as failure:  # keep what the server said: it is the diagnosis
            result["error"] = f"{type(failure).__name__}: {failure}"
        finally:
            if context.profiler is not None:
                result["profile"] = context.profiler.finish()
                context.profiler = None
            final_kb = server.memory_kb()
            alive = server.alive
            server.stop()
            result["server"] = {
                "pinned_core": context.server_core,
                "pinned_cores": sorted(server.cores) if server.cores else None,
                "database": "postgresql" if postgres is not None else "sqlite",
                "nodes_listening": server.listening,
                "hash_profile": hash_profile,
                "rss_start_mb": mb(started_kb.get("VmRSS")),
                "rss_end_mb": mb(final_kb.get("VmRSS")),
                "peak_rss_mb": mb(final_kb.get("VmHWM")),
                "threads": final_kb.get("Threads"),
                "alive_at_end": alive,
                "exit_code": server.exit_code,
                "log_counts": server.log_counts,
                "log_tail": server.log_tail,
                "command": " ".join(server.command()[1:]),
            }
    return result


# --- fanout and saturation -------------------------------------------------------------


def with_markers(name: str, params: dict[str, Any]) -> str:
    """The scenario's name, as the table shows it: `-read-markers` when they are on."""
    return f"{name}-read-markers" if params.get("read_markers") else name


def send_read_markers(engine: Engine, wires: Sequence[Endpoint], params: dict[str, Any]) -> None:
    """With `read_markers` (seconds, 0: none), every member sends a read marker that often
    for the whole run, as issue 15's clients do while their window is active."""
    interval = float(params.get("read_markers") or 0.0)
    if interval > 0:
        now = time.perf_counter()
        engine.read_markers(wires, interval, now, now + params["warmup"] + params["duration"] + 1)


def fanout(params: dict[str, Any], context: Context) -> Result:
    """`senders` of `members` send at full speed into one room; everyone counts."""
    return flat_out(with_markers("fanout", params), params, context)


def saturation(params: dict[str, Any], context: Context) -> Result:
    """Fanout seen as the peers are: deliveries per second and the latency at saturation."""
    return flat_out("saturation", params, context)


def flat_out(
    name: str, params: dict[str, Any], context: Context, postgres: BenchPostgres | None = None
) -> Result:
    """`senders` of `members` write blocks of say lines whenever TCP takes them; each block
    carries the time it was queued, and the first member after the senders reads those
    stamps, so the latency includes the time a message waited to be read by the server.

    That wait includes the sender's own kernel send buffer, which Linux grows to 4 MB for a
    flat-out loopback writer (seconds of messages at any server's pace). `sender_sndbuf`
    (saturation: 128 KiB, which the kernel doubles; 0: the kernel's own) fixes it, as a
    client that does not hoard megabytes would, so that p99 shows the server's queueing.
    With `postgres`, the server is on a fresh database there (fanout-postgresql)."""
    members, senders = int(params["members"]), int(params["senders"])
    names = [f"fan{i:05d}" for i in range(members)]

    async def drive(server: ServerProcess) -> Result:
        modes = [Mode.COUNT] * members
        modes[senders] = Mode.PROBE
        setup = await build_room(server.port, name, names, PASSWORD, modes, members)
        engine = Engine()
        wires = [
            engine.adopt(w, full_speed_lines=64, stamped=True, sender=i)
            if i < senders
            else engine.adopt(w, Role.PROBE if i == senders else Role.COUNT)
            for i, w in enumerate(room_wires(setup.members))
        ]
        probe = wires[senders]
        send_read_markers(engine, wires, params)
        if params.get("sender_sndbuf"):
            for sender in wires[:senders]:
                sender.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, params["sender_sndbuf"])
        start, end = measure(context, engine, server, wires, params["warmup"], params["duration"])
        written = sum(w.written for w in wires)
        engine.close()
        close_all(setup.members)
        figures = window_figures(start, end)
        figures["messages_in_per_s"] = figures.pop("per_member_median_per_s")
        figures.update(percentiles_ms([probe], start.wall_ns, end.wall_ns))
        figures.update(sender_figures(probe, senders, start.wall_ns, end.wall_ns))
        figures["says_written"] = written
        figures["read_markers_sent"] = engine.markers_sent
        figures["connections_lost"] = lost(wires)
        indexing_owed(start, end, figures, server)
        # With the index's catch-up charged, where the index fell behind: the honest cost.
        per_cpu = (
            figures.get("deliveries_per_server_cpu_s_indexed")
            or figures["deliveries_per_server_cpu_s"]
        )
        per_s, p99 = figures["deliveries_per_s"], figures.get("p99_ms")
        if name.startswith("fanout"):
            goals = [
                target(
                    "deliveries_per_server_cpu_s",
                    "deliveries per server CPU-s",
                    per_cpu,
                    ">= 4,300,000",
                    per_cpu is not None and per_cpu >= 4_300_000,
                )
            ]
        else:
            goals = [
                target(
                    "deliveries_per_s", "deliveries /s", per_s, ">= 3,500,000", per_s >= 3_500_000
                ),
                target(
                    "p99_ms", "p99 latency (ms)", p99, "<= 200 ms", p99 is not None and p99 <= 200
                ),
            ]
        return {"metrics": figures, "targets": goals}

    return run_with_server(
        name,
        params,
        context,
        drive,
        accounts=names,
        max_room_capacity=members,
        postgres=postgres,
    )


# --- latency ---------------------------------------------------------------------------


def latency(params: dict[str, Any], context: Context) -> Result:
    """A paced total `rate` from `senders` into `members`; one probe reads send stamps."""
    members, senders = int(params["members"]), int(params["senders"])
    names = [f"lat{i:05d}" for i in range(members)]

    async def drive(server: ServerProcess) -> Result:
        modes = [Mode.COUNT] * members
        modes[senders] = Mode.PROBE
        setup = await build_room(server.port, "latency", names, PASSWORD, modes, members)
        engine = Engine()
        wires = [
            engine.adopt(w, Role.PROBE if i == senders else Role.COUNT)
            for i, w in enumerate(room_wires(setup.members))
        ]
        probe = wires[senders]
        now = time.perf_counter()
        engine.pace(
            wires[:senders], params["rate"], now, now + params["warmup"] + params["duration"]
        )
        send_read_markers(engine, wires, params)
        start, end = measure(context, engine, server, wires, params["warmup"], params["duration"])
        engine.run(time.perf_counter() + 0.3)  # the last messages in flight
        engine.close()
        close_all(setup.members)
        figures = window_figures(start, end)
        figures["messages_in_per_s"] = figures.pop("per_member_median_per_s")
        figures.update(percentiles_ms([probe], start.wall_ns, end.wall_ns))
        figures["generator_lag_p99_ms"] = lag_ms(engine)
        figures["read_markers_sent"] = engine.markers_sent
        figures["connections_lost"] = lost(wires)
        indexing_owed(start, end, figures, server)
        p99, core = figures.get("p99_ms"), figures["server_core_use"]
        return {
            "metrics": figures,
            "targets": [
                target(
                    "p99_ms", "p99 latency (ms)", p99, "<= 2 ms", p99 is not None and p99 <= 2.0
                ),
                target("server_core_use", "server core use", core, "<= 0.30", core <= 0.30),
            ],
        }

    return run_with_server(
        with_markers("latency", params),
        params,
        context,
        drive,
        accounts=names,
        max_room_capacity=members,
    )


# --- rooms -----------------------------------------------------------------------------


def rooms(params: dict[str, Any], context: Context) -> Result:
    """`members` spread over `rooms` rooms; one paced sender and one probe in each room."""
    names = rooms_names(params)
    per_room = len(names) // int(params["rooms"])
    return run_with_server(
        "rooms",
        params,
        context,
        rooms_drive(params, context),
        accounts=names,
        max_room_capacity=per_room,
    )


def rooms_names(params: dict[str, Any]) -> list[str]:
    count = int(params["rooms"])
    per_room = int(params["members"]) // count
    return [f"r{r:03d}m{i:04d}" for r in range(count) for i in range(per_room)]


def rooms_drive(params: dict[str, Any], context: Context) -> Callable[[ServerProcess], Any]:
    """The rooms scenario's drive, for any server (issue 19 runs it on several nodes: each
    room's connections go to the host and port its `room_created`/`joined` reply names)."""
    names = rooms_names(params)
    count = int(params["rooms"])
    per_room = len(names) // count

    async def drive(server: ServerProcess) -> Result:
        modes = [Mode.COUNT] * per_room
        modes[1] = Mode.PROBE
        setups = []
        for r in range(count):
            room_names = names[r * per_room : (r + 1) * per_room]
            setups.append(
                await build_room(server.port, f"room {r}", room_names, PASSWORD, modes, per_room)
            )
        everyone = [m for s in setups for m in s.members]
        engine = Engine()
        endpoints: dict[int, list[Endpoint]] = {}
        for r, room_setup in enumerate(setups):
            endpoints[r] = [
                engine.adopt(w, Role.PROBE if i == 1 else Role.COUNT)
                for i, w in enumerate(room_wires(room_setup.members))
            ]
        wires = [e for room in endpoints.values() for e in room]
        senders = [room[0] for room in endpoints.values()]
        probes = [room[1] for room in endpoints.values()]
        now = time.perf_counter()
        engine.pace(senders, params["rate"], now, now + params["warmup"] + params["duration"])
        start, end = measure(context, engine, server, wires, params["warmup"], params["duration"])
        engine.run(time.perf_counter() + 0.3)
        engine.close()
        figures = window_figures(start, end)
        if server.postgres is not None:
            figures["rooms_per_node"] = server.postgres.rooms_per_node(server.db_path)
        close_all(everyone)
        del figures["per_member_median_per_s"]
        received = [b - a for a, b in zip(start.counts, end.counts, strict=True)]
        probe_lines = sum(n for n, w in zip(received, wires, strict=True) if w in probes)
        figures["messages_in_per_s"] = round(probe_lines / figures["window_s"], 1)
        figures.update(percentiles_ms(probes, start.wall_ns, end.wall_ns))
        figures["generator_lag_p99_ms"] = lag_ms(engine)
        figures["read_markers_sent"] = engine.markers_sent
        figures["connections_lost"] = lost(wires)
        indexing_owed(start, end, figures, server)
        p99, core = figures.get("p99_ms"), figures["server_core_use"]
        return {
            "metrics": figures,
            "targets": [
                target("p99_ms", "p99 latency (ms)", p99, "<= 5 ms", p99 is not None and p99 <= 5),
                target("server_core_use", "server core use", core, "<= 0.65", core <= 0.65),
            ],
            "notes": [f"one sender and one probe in each of the {count} rooms"],
        }

    return drive


# --- idle ------------------------------------------------------------------------------


def raise_fd_limit(wanted: int) -> int:
    """Raise this process's open-file limit towards `wanted` (the server inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    goal = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < goal:
        resource.setrlimit(resource.RLIMIT_NOFILE, (goal, hard))
        soft = goal
    return soft


def idle(params: dict[str, Any], context: Context) -> Result:
    """`connections` logged-in main-port connections that then say nothing."""
    requested = int(params["connections"])
    limit = raise_fd_limit(requested + 1000)
    connections = min(requested, limit - 200)
    names = [f"idle{i:06d}" for i in range(connections)]

    async def drive(server: ServerProcess) -> Result:
        await asyncio.sleep(0.5)
        before = server.memory_kb().get("VmRSS", 0)
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        bench_cpu_before = time.process_time()
        threads_before = server.thread_seconds()

        async def log_in_quietly(name: str) -> Member:
            # Lobby events (presence of each later login) would otherwise pile up unparsed
            # in the bench: 5,000 × 5,000 of them took 10 GB of the generator's memory.
            member = await log_in(server.port, name, PASSWORD)
            member.main.set_mode(Mode.COUNT)
            return member

        members: list[Member] = await gather_limited(
            [log_in_quietly(name) for name in names], int(params["parallel"])
        )
        connect_s = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
        bench_cpu = time.process_time() - bench_cpu_before
        threads_after = server.thread_seconds()
        loop_cpu = (
            threads_after.get("main", (0.0, 0.0))[0] - threads_before.get("main", (0.0, 0.0))[0]
        )
        for member in members:
            member.main.set_mode(Mode.COUNT)
        await asyncio.sleep(2.0)
        after = server.memory_kb().get("VmRSS", 0)
        wires = [m.main for m in members]
        still_open = sum(1 for w in wires if w.is_open)
        close_all(members)
        rss_after = mb(after) or 0.0
        notes = [f"hash profile 'test' (cheap argon2id) for the {connections} logins"]
        if connections < requested:
            notes.append(f"open-file limit {limit}: {connections} of {requested} connections")
        return {
            "metrics": {
                "connections": connections,
                "rss_before_mb": mb(before),
                "rss_after_mb": rss_after,
                "kb_per_connection": round((after - before) / connections, 1),
                "connect_and_login_s": round(connect_s, 2),
                "logins_per_s": round(connections / connect_s, 1),
                "server_cpu_s": round(cpu, 2),
                "server_core_use_logging_in": round(cpu / connect_s, 3),
                "server_cpu_ms_per_login": round(cpu * 1000 / connections, 3),
                "event_loop_cpu_ms_per_login": round(loop_cpu * 1000 / connections, 3),
                # Near 1: the logins/s are the generator's, not the server's.
                "generator_core_use": round(bench_cpu / connect_s, 3),
                "still_open_after_2s": still_open,
            },
            "targets": [
                target(
                    "rss_after_mb",
                    f"server RSS with {connections} idle (MB)",
                    rss_after,
                    "<= 150 MB",
                    rss_after <= 150,
                )
            ],
            "notes": notes,
        }

    return run_with_server("idle", params, context, drive, accounts=names)


# --- login-storm -----------------------------------------------------------------------


def login_storm(params: dict[str, Any], context: Context) -> Result:
    """`logins` at once at the standard argon2 cost while a room chats at a paced `rate`."""
    members, senders, logins = int(params["members"]), int(params["senders"]), int(params["logins"])
    limit = float(params["storm_limit"])
    chat_names = [f"chat{i:04d}" for i in range(members)]
    storm_names = [f"storm{i:05d}" for i in range(logins)]

    async def drive(server: ServerProcess) -> Result:
        modes = [Mode.COUNT] * members
        modes[senders] = Mode.PROBE
        setup = await build_room(server.port, "chat", chat_names, PASSWORD, modes, members)
        wires = room_wires(setup.members)
        probe = wires[senders]
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        chat = asyncio.create_task(paced(wires[:senders], params["rate"], loop.time() + 600, stop))
        await asyncio.sleep(params["warmup"])
        calm_start = Snapshot.take(server, wires)
        await asyncio.sleep(1.0)
        storm_start = Snapshot.take(server, wires)
        server_cores = os.sched_getaffinity(server.pid)
        cores_busy_start = cores_busy_seconds(server_cores)
        loop_cpu_start = read_cpu_seconds(server.pid, server.pid)  # the main thread's
        tasks = [
            asyncio.create_task(log_in(server.port, n, PASSWORD, timeout=limit))
            for n in storm_names
        ]
        done, pending = await asyncio.wait(tasks, timeout=limit)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        storm = [t.result() for t in done if t.exception() is None]
        failures: dict[str, int] = {}
        for task in done:
            if task.exception() is not None:
                kind = str(task.exception())[:60] or type(task.exception()).__name__
                failures[kind] = failures.get(kind, 0) + 1
        if pending:
            failures[f"not done in {limit:g} s"] = len(pending)
        storm_end = Snapshot.take(server, wires)
        cores_busy = cores_busy_seconds(server_cores) - cores_busy_start
        loop_cpu = read_cpu_seconds(server.pid, server.pid) - loop_cpu_start
        await asyncio.sleep(0.5)
        stop.set()
        await chat
        await asyncio.sleep(0.3)
        close_all(setup.members + storm)
        storm_s = storm_end.wall - storm_start.wall
        logged_in = len(storm)
        during = percentiles_ms([probe], storm_start.wall_ns, storm_end.wall_ns)
        calm = percentiles_ms([probe], calm_start.wall_ns, storm_start.wall_ns)
        figures: dict[str, Any] = {
            "logins": logins,
            "logged_in": logged_in,
            "login_failures": failures,
            "storm_s": round(storm_s, 2),
            "logins_per_s": round(logged_in / storm_s, 2),
            "server_cpu_s_during_storm": round(storm_end.server_cpu - storm_start.server_cpu, 2),
            "server_core_use_before_storm": round(
                (storm_start.server_cpu - calm_start.server_cpu)
                / (storm_start.wall - calm_start.wall),
                3,
            ),
            "server_core_use_during_storm": round(
                (storm_end.server_cpu - storm_start.server_cpu) / storm_s, 3
            ),
            # the server's threads waiting for one another (all share its core) and for others
            "server_wait_share_during_storm": round(
                (storm_end.server_wait - storm_start.server_wait) / storm_s, 3
            ),
            # what else ran on the server's core(s): the load that makes a pair unfair
            "others_core_use_on_server_cores": round(
                max(0.0, cores_busy - (storm_end.server_cpu - storm_start.server_cpu)) / storm_s,
                3,
            ),
            # the hashing threads' (and any other thread's but the event loop's) CPU a login
            "cpu_ms_per_login_off_event_loop": round(
                (storm_end.server_cpu - storm_start.server_cpu - loop_cpu) * 1e3 / logged_in, 1
            )
            if logged_in
            else None,
            "event_loop_core_use_during_storm": round(loop_cpu / storm_s, 3),
            "chat_messages_in_per_s": round(
                (storm_end.counts[senders] - storm_start.counts[senders]) / storm_s, 1
            ),
            "chat_p99_before_storm_ms": calm.get("p99_ms"),
            "chat_samples_during_storm": during.get("samples", 0),
            "chat_p50_during_storm_ms": during.get("p50_ms"),
            "chat_p99_during_storm_ms": during.get("p99_ms"),
            "chat_max_during_storm_ms": during.get("max_ms"),
            "connections_lost": lost(wires),
        }
        p99 = figures["chat_p99_during_storm_ms"]
        return {
            "metrics": figures,
            "targets": [
                target(
                    "logged_in",
                    "logins completed",
                    logged_in,
                    f"all {logins}",
                    logged_in == logins,
                ),
                target(
                    "chat_p99_during_storm_ms",
                    "chat p99 during storm (ms)",
                    p99,
                    "<= 50 ms",
                    p99 is not None and p99 <= 50,
                ),
            ],
            "notes": [
                "hash profile 'standard' (RFC 9106 low-memory argon2id); accounts preloaded with "
                "one hash, every login verifies at full cost",
                f"chat: {members} members, {senders} senders, {params['rate']:g} msg/s paced",
            ],
        }

    return run_with_server(
        "login-storm",
        params,
        context,
        drive,
        hash_profile="standard",
        accounts=chat_names + storm_names,
    )


# --- overload --------------------------------------------------------------------------


def overload(params: dict[str, Any], context: Context) -> Result:
    """`senders` at full speed into `members`; everyone but the senders reads slowly."""
    members, senders = int(params["members"]), int(params["senders"])
    names = [f"ovl{i:05d}" for i in range(members)]
    rcvbuf = int(params["slow_rcvbuf"])

    async def drive(server: ServerProcess) -> Result:
        rcvbufs: list[int | None] = [None] * senders + [rcvbuf] * (members - senders)
        setup = await build_room(
            server.port, "overload", names, PASSWORD, [Mode.COUNT] * members, members, rcvbufs
        )
        engine = Engine()
        wires = [
            engine.adopt(
                w,
                Role.PROBE if i == 0 else Role.COUNT,
                full_speed_lines=64,
                stamped=True,
                sender=i,
            )
            if i < senders
            else engine.adopt(
                w, Role.SLOW, slow_pause=float(params["slow_pause"]), slow_read=rcvbuf
            )
            for i, w in enumerate(room_wires(setup.members))
        ]
        samples: list[tuple[float, int]] = []
        queued: list[int] = []  # kernel send queues, kB, at each sample
        abort_kb = int(params["rss_abort_mb"]) * 1024
        aborted = False

        def sample(seconds: float) -> bool:
            nonlocal aborted
            rss = server.memory_kb().get("VmRSS", 0)
            samples.append((round(seconds, 2), rss))
            queued.append(server.send_queue_kb())
            aborted = rss > abort_kb or not server.alive
            return not aborted

        start, end = measure(
            context, engine, server, wires, params["warmup"], params["duration"], sample=sample
        )
        peak = server.memory_kb().get("VmHWM")
        engine.close()
        close_all(setup.members)
        wall = end.wall - start.wall
        fast = [b - a for a, b in zip(start.counts[:senders], end.counts[:senders], strict=True)]
        slow = [b - a for a, b in zip(start.counts[senders:], end.counts[senders:], strict=True)]
        half = [rss for t, rss in samples if t >= wall / 2]
        peak_mb = mb(peak)
        figures: dict[str, Any] = {
            "peak_rss_mb": peak_mb,
            "max_sampled_rss_mb": mb(max(r for _, r in samples)) if samples else None,
            "rss_at_half_mb": mb(half[0]) if half else None,
            "rss_at_end_mb": mb(samples[-1][1]) if samples else None,
            "max_kernel_send_queues_mb": mb(max(queued)) if queued else None,
            "max_rss_plus_send_queues_mb": (
                mb(max(r + q for (_, r), q in zip(samples, queued, strict=True)))
                if samples
                else None
            ),
            "messages_in_per_s": round(statistics.median(fast) / wall, 1) if fast else None,
            "slow_reader_deliveries_per_s": round(sum(slow) / wall) if slow else None,
            "slow_readers_cut_off": lost(wires[senders:]),
            "senders_cut_off": lost(wires[:senders]),
            "server_core_use": round((end.server_cpu - start.server_cpu) / wall, 3),
            **percentiles_ms([wires[0]], start.wall_ns, end.wall_ns),  # a sender reads them
            **sender_figures(wires[0], senders, start.wall_ns, end.wall_ns),
            "aborted_at_rss_limit": aborted,
            "rss_samples_mb": [(t, mb(r)) for t, r in samples[:: max(1, len(samples) // 20)]],
        }
        notes = [
            f"{members - senders} slow readers: SO_RCVBUF {rcvbuf}, one read then "
            f"{params['slow_pause']} s pause; the server's --max-output-bytes left at its default"
        ]
        if aborted:
            notes.append(
                f"stopped early: server RSS over {params['rss_abort_mb']} MB or server gone"
            )
        return {
            "metrics": figures,
            "targets": [
                target(
                    "peak_rss_mb",
                    "server peak RSS (MB)",
                    peak_mb,
                    "<= 300 MB",
                    peak_mb is not None and peak_mb <= 300 and not aborted,
                )
            ],
            "notes": notes,
        }

    return run_with_server(
        "overload", params, context, drive, accounts=names, max_room_capacity=members
    )


SCENARIOS: dict[str, Callable[[dict[str, Any], Context], Result]] = {
    "fanout": fanout,
    "saturation": saturation,
    "latency": latency,
    "fanout-read-markers": fanout,
    "latency-read-markers": latency,
    "rooms": rooms,
    "idle": idle,
    "login-storm": login_storm,
    "overload": overload,
}


# Issue 15: the same scenarios with every member sending a read marker once a second, to
# set beside the plain ones (the cost of the extra events should stay within 10 %).
DEFAULTS["fanout-read-markers"] = {**DEFAULTS["fanout"], "read_markers": 1.0}
DEFAULTS["latency-read-markers"] = {**DEFAULTS["latency"], "read_markers": 1.0}
