"""Instructions per delivery: a fixed fanout workload against a server run under callgrind.

Wall-clock and CPU-time figures move with whatever else shares the machine; instruction
counts do not. This starts the real server (`main.py`, of this checkout or of `--repo`)
under `valgrind --tool=callgrind` with instrumentation off, builds one room of `--members`
as the fanout scenario does, and sends `--rounds` blocks of `--lines` say lines, one block
at a time from the `--senders` in turn, waiting until every member has read each block
before the next (so every read holds one block, whatever the load). Only the measured
rounds are counted (callgrind_control zeroes, switches on, dumps), every thread of the
server: the search index's too, which the bench waits for before zeroing and before
dumping, so that the count holds the indexing of exactly the measured rounds' messages.
Prints instructions per message and per delivery (`--marker-every N`: a read marker,
relayed to every other member, after every N blocks, from each member in turn); the
callgrind file is kept for callgrind_annotate. With an `--out` ending in `.pstats` the
server runs under cProfile instead, for Python call counts (of the whole run: diff a run
of `--rounds 0` against one of N to get N rounds' worth).

    .venv/bin/python -m bench.instructions --out /tmp/cg.main
    .venv/bin/python -m bench.instructions --repo /path/to/old/checkout --out /tmp/cg.old
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import time
from pathlib import Path

from bench import server_process
from bench.clients import Mode, build_room, close_all, say_line, stamped_text
from bench.engine import Engine
from bench.scenarios import PASSWORD, room_wires
from bench.server_process import ServerProcess


class CallgrindServer(ServerProcess):
    """The bench's server process, under callgrind, from any checkout."""

    def __init__(
        self, repo: Path, out: str, extra: list[str], members: int, threads: bool = False
    ) -> None:
        super().__init__(extra_args=extra, max_room_capacity=members)
        self.repo = repo
        self.out = out
        self.threads = threads  # a count per thread (callgrind's --separate-threads)
        self.call_counts = out.endswith(".pstats")  # under cProfile instead of callgrind

    def command(self) -> list[str]:
        command = super().command()
        if self.call_counts:
            return [command[0], "-m", "cProfile", "-o", self.out, *command[1:]]
        valgrind = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={self.out}",
            *(["--separate-threads=yes"] if self.threads else []),
        ]
        return valgrind + command


def control(server: CallgrindServer, *args: str) -> None:
    if not server.call_counts:
        command = ["callgrind_control", *args, str(server.pid)]
        subprocess.run(command, check=True, capture_output=True)


def drive(server: CallgrindServer, args: argparse.Namespace) -> int:
    async def setup() -> list:
        names = [f"ins{i:05d}" for i in range(args.members)]
        modes = [Mode.COUNT] * args.members
        return (await build_room(server.port, "ins", names, PASSWORD, modes, args.members)).members

    loop = asyncio.new_event_loop()
    members = loop.run_until_complete(setup())
    engine = Engine()
    endpoints = [engine.adopt(w) for w in room_wires(members)]
    block = say_line(stamped_text(0)) * args.lines
    expected = [0] * len(endpoints)  # lines each member reads by the end of the round
    said = 0
    markers = 0

    def wait_for_all() -> None:
        deadline = time.monotonic() + 120
        while any(e.count < want for e, want in zip(endpoints, expected, strict=True)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"deliveries stalled: {[e.count for e in endpoints]}")
            engine.run(time.perf_counter() + 0.02)

    def one_round(index: int) -> None:
        nonlocal said, markers
        engine.send(endpoints[index % args.senders], block, args.lines)
        said += args.lines
        expected[:] = [count + args.lines for count in expected]
        wait_for_all()
        if args.marker_every and index % args.marker_every == args.marker_every - 1:
            # The next member in turn has read everything: its marker goes to all others.
            # Each member's first marker is relayed at once (its rate limit is per member).
            reader = markers % len(endpoints)
            markers += 1
            engine.send(endpoints[reader], b'{"type":"read","seq":%d}\n' % said, 0)
            expected[:] = [c + (i != reader) for i, c in enumerate(expected)]
            wait_for_all()

    def wait_for_index() -> None:
        deadline = time.monotonic() + 600
        while server.unindexed_messages():  # None: a checkout without the index file
            if time.monotonic() > deadline:
                raise RuntimeError("the search index did not catch up")
            time.sleep(0.2)

    for index in range(args.warmup):
        one_round(index)
    wait_for_index()
    control(server, "--zero")
    control(server, "--instr=on")
    for index in range(args.rounds):
        one_round(index)
    wait_for_index()  # the rounds' indexing, on its own thread, is counted too
    control(server, "--dump")
    control(server, "--instr=off")
    engine.close()
    close_all(members)
    loop.close()
    return args.rounds * args.lines


def thread_instructions(out: str) -> dict[str, int]:
    """The Ir totals of the dump callgrind wrote on `--dump` (the last numbered file), by
    thread ("1" is the event loop's) with `--separate-threads`, else as one ("all")."""
    dumps = sorted(Path(out).parent.glob(Path(out).name + ".*"), key=lambda p: p.stat().st_mtime)
    last = re.match(r".*\.(\d+)(-\d+)?$", dumps[-1].name)
    assert last is not None
    totals: dict[str, int] = {}
    for dump in dumps:
        named = re.match(r".*\.(\d+)(?:-(\d+))?$", dump.name)
        if named is None or named.group(1) != last.group(1):
            continue
        text = dump.read_text("utf-8", "replace")
        match = re.search(r"^(?:totals|summary): (\d+)", text, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"no totals in {dump}")
        totals[str(int(named.group(2))) if named.group(2) else "all"] = int(match.group(1))
    return totals


def total_instructions(out: str) -> int:
    """The Ir total of the dump callgrind wrote on `--dump`, every thread's."""
    return sum(thread_instructions(out).values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=server_process.REPO)
    parser.add_argument(
        "--out",
        default="/tmp/roomchat.callgrind",
        help="callgrind's file; ending in .pstats: cProfile call counts",
    )
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--lines", type=int, default=200, help="say lines per block")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--marker-every",
        type=int,
        default=0,
        help="after every N blocks a member sends a read marker (issue 15; 0: none)",
    )
    parser.add_argument("--server-arg", action="append", default=[])
    parser.add_argument(
        "--threads", action="store_true", help="a count per server thread (1: the event loop)"
    )
    args = parser.parse_args()
    server_process.START_TIMEOUT_S = 300.0  # Python and Qt start slowly under valgrind
    server_process.STOP_TIMEOUT_S = 60.0
    server_process.REPO = args.repo.resolve()  # main.py, --add-user and cwd from there
    server = CallgrindServer(
        args.repo.resolve(), args.out, args.server_arg, args.members, args.threads
    )
    with server:
        names = [f"ins{i:05d}" for i in range(args.members)]
        server.preload_accounts(names, PASSWORD)
        server.start()
        messages = drive(server, args)
        if server.call_counts:
            server.stop()
            print(f"{messages} messages; call counts of the whole run in {args.out}")
            return
        threads = thread_instructions(args.out)
        instructions = sum(threads.values())
    deliveries = messages * args.members
    print(
        f"repo {args.repo}  members {args.members}  lines/block {args.lines}  "
        f"messages {messages}  deliveries {deliveries}"
    )
    print(
        f"instructions {instructions:,}  per message {instructions / messages:,.0f}  "
        f"per delivery {instructions / deliveries:,.1f}"
    )
    if len(threads) > 1:
        print("per message, by thread: " + ", ".join(
            f"{name} {count / messages:,.0f}" for name, count in sorted(threads.items())
        ))  # fmt: skip


if __name__ == "__main__":
    main()
