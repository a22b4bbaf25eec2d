"""Instructions per login: `--logins` main-port logins against a server under callgrind.

The `idle` scenario's logins (cheap `test` argon2 profile, `--parallel` at a time), counted
in instructions rather than seconds, thread by thread (`--separate-threads=yes`): the event
loop's count is what a login costs the server's one core beside the hashing pool's. The
server starts with instrumentation off; `--warmup` logins run first (so that the measured
ones log in among that many online, and Python's caches are warm), then callgrind is
zeroed, switched on, the measured logins run, and it dumps.

    .venv/bin/python -m bench.login_instructions --out /tmp/cg.login
    .venv/bin/python -m bench.login_instructions --repo /path/to/old/checkout --out /tmp/cg.old
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
from pathlib import Path

from bench import server_process
from bench.clients import Member, Mode, close_all, gather_limited, log_in
from bench.instructions import CallgrindServer
from bench.scenarios import PASSWORD


class ThreadedCallgrindServer(CallgrindServer):
    """The callgrind server, one output file per thread."""

    def command(self) -> list[str]:
        command = super().command()
        if self.call_counts:
            return command
        return [command[0], "--separate-threads=yes", *command[1:]]


def control(server: CallgrindServer, *args: str) -> None:
    if not server.call_counts:
        command = ["callgrind_control", *args, str(server.pid)]
        subprocess.run(command, check=True, capture_output=True)


async def log_in_all(port: int, names: list[str], parallel: int) -> list[Member]:
    async def quietly(name: str) -> Member:
        member = await log_in(port, name, PASSWORD, timeout=600)
        member.main.set_mode(Mode.COUNT)  # presence events are not parsed
        return member

    return list(await gather_limited([quietly(name) for name in names], parallel))


def per_thread(out: str) -> dict[str, int]:
    """The last dump's Ir total of each thread (`OUT.N-TT` files), by thread number."""
    found: dict[str, tuple[int, int]] = {}  # thread: (dump number, total)
    for path in Path(out).parent.glob(Path(out).name + ".*-*"):
        number, _, thread = path.name.rpartition("-")
        text = path.read_text("utf-8", "replace")
        match = re.search(r"^(?:totals|summary): (\d+)", text, re.MULTILINE)
        if match is None or not thread.isdigit():
            continue
        dump = int(number.rsplit(".", 1)[1])
        key = f"{int(thread):02d}"
        if key not in found or dump >= found[key][0]:
            found[key] = (dump, int(match.group(1)))
    return {key: total for key, (_, total) in sorted(found.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=server_process.REPO)
    parser.add_argument("--out", default="/tmp/roomchat-login.callgrind")
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=100)
    parser.add_argument("--server-arg", action="append", default=[])
    args = parser.parse_args()
    server_process.START_TIMEOUT_S = 300.0  # Python and Qt start slowly under valgrind
    server_process.STOP_TIMEOUT_S = 60.0
    server_process.REPO = args.repo.resolve()
    for old in Path(args.out).parent.glob(Path(args.out).name + "*-[0-9][0-9]"):
        old.unlink()  # an earlier run's, which `per_thread` would read
    server = ThreadedCallgrindServer(args.repo.resolve(), args.out, args.server_arg, 100)
    names = [f"login{i:06d}" for i in range(args.warmup + args.logins)]
    with server:
        server.preload_accounts(names, PASSWORD)
        server.start()
        loop = asyncio.new_event_loop()
        members = loop.run_until_complete(
            log_in_all(server.port, names[: args.warmup], args.parallel)
        )
        control(server, "--zero")
        control(server, "--instr=on")
        members += loop.run_until_complete(
            log_in_all(server.port, names[args.warmup :], args.parallel)
        )
        control(server, "--dump")
        close_all(members)
        loop.close()
        totals = per_thread(args.out)
    main_thread = totals.get("01", 0)
    others = sum(totals.values()) - main_thread
    print(f"repo {args.repo}  logins {args.logins} after {args.warmup}  parallel {args.parallel}")
    print(
        f"event loop {main_thread:,} ({main_thread / args.logins:,.0f} a login); "
        f"other threads {others:,} ({others / args.logins:,.0f} a login)"
    )
    for thread, count in totals.items():
        print(f"  thread {thread}: {count:,}")


if __name__ == "__main__":
    main()
