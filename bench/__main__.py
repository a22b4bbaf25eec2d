"""`python -m bench [scenario ...] [--duration S] [--members N] ...`: run, print, save.

No scenario named runs them all, in the order of issue 9 (the later ones beside those they
are compared with). `fanout-postgresql` and `nodes` start a throw-away PostgreSQL of their
own (Debian's postgresql package; see tools/pg_cluster.py), removed when they end. A flag
given on the command line overrides that parameter in every selected scenario that has it;
the rest keep their defaults (`--list` shows them).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import report, server_process
from bench.catalogue import DEFAULTS, SCENARIOS
from bench.scenarios import Context
from bench.server_process import pick_cores

# Command-line flag -> the scenario parameter it sets.
FLAGS: dict[str, tuple[type, str]] = {
    "duration": (float, "seconds of measuring window (fanout, latency, rooms, nodes, overload)"),
    "warmup": (float, "seconds before the window opens"),
    "members": (int, "members in the room (rooms: in total; login-storm: in the chat room)"),
    "senders": (int, "members that send"),
    "rate": (float, "paced messages/s in total (latency, rooms, login-storm's chat)"),
    "rooms": (int, "rooms (rooms, nodes)"),
    "nodes": (str, "node counts, comma-separated: nodes runs rooms on each (--workers N)"),
    "connections": (int, "idle connections (idle)"),
    "parallel": (int, "connections set up at once (idle)"),
    "logins": (int, "logins in the storm (login-storm)"),
    "storm_limit": (float, "seconds after which unfinished storm logins count as failed"),
    "read_markers": (
        float,
        "seconds between each member's read markers; 0: none (fanout, latency)",
    ),
    "sender_sndbuf": (int, "SO_SNDBUF of a flat-out sender, bytes; 0: the kernel's (saturation)"),
    "slow_pause": (float, "seconds a slow reader waits after each read (overload)"),
    "slow_rcvbuf": (int, "SO_RCVBUF of a slow reader, bytes (overload)"),
    "rss_abort_mb": (int, "stop overload early when the server's RSS passes this (MB)"),
    "messages": (int, "messages generated in the archive rooms (history, search)"),
    "query_rate": (float, "history pages or searches asked per second (history, search)"),
    "file_mib": (float, "size of the uploaded file, MiB (upload)"),
    "limit_s": (float, "seconds the upload may take before the scenario gives up (upload)"),
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the RoomChat server: " + ", ".join(SCENARIOS) + ".",
    )
    parser.add_argument(
        "scenarios", nargs="*", metavar="scenario", help="scenarios to run (default: all)"
    )
    for name, (kind, text) in FLAGS.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, type=kind, help=text)
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for main.py (repeat), e.g. --server-arg=--max-output-bytes=4000000",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run py-spy on the server during each measuring window (raw stacks to FILE, "
        "suffixed with the scenario); the figures of a profiled run are disturbed",
    )
    parser.add_argument(
        "--native",
        action="store_true",
        help="with --profile: sample C/C++ frames too (Qt, SQLite, libc); slows the server",
    )
    parser.add_argument(
        "--repo",
        metavar="DIR",
        help="run the server of another checkout (its main.py), to compare two versions",
    )
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to cores")
    parser.add_argument("--list", action="store_true", help="list scenarios and defaults")
    args = parser.parse_args(argv)
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(
            f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.list:
        for name in SCENARIOS:
            defaults = DEFAULTS[name]
            print(
                f"{name:20} "
                + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in defaults.items())
            )
        return 0
    if args.repo:
        server_process.REPO = Path(args.repo).resolve()
    selected = args.scenarios or list(SCENARIOS)
    usable = len(os.sched_getaffinity(0))
    server_core, generator_core = (None, None) if args.no_pin else pick_cores()
    server_cores = None if generator_core is None else set(os.sched_getaffinity(0))
    if generator_core is not None:
        os.sched_setaffinity(0, {generator_core})
    print(report.pinning_line(server_core, generator_core), flush=True)
    context = Context(
        server_core,
        server_cores=(server_cores - {generator_core}) if server_cores else None,
        extra_server_args=list(args.server_arg),
        profile_native=args.native,
    )
    results: list[dict[str, Any]] = []
    began = time.perf_counter()
    for name in selected:
        params = dict(DEFAULTS[name])
        for key in params:
            value = getattr(args, key, None)
            if value is not None:
                params[key] = value
        print(f"[{time.perf_counter() - began:6.1f}s] {name} {params}", flush=True)
        if args.profile:
            context.profile_path = f"{args.profile}.{name}.txt"
        started = time.perf_counter()
        try:
            result = SCENARIOS[name](params, context)
        except Exception as failure:
            traceback.print_exc()
            result = {
                "scenario": name,
                "params": params,
                "error": f"{type(failure).__name__}: {failure}",
            }
        result["elapsed_s"] = round(time.perf_counter() - started, 1)
        results.append(result)
        for note in result.get("notes", []):
            print(f"           note: {note}")
        profile = result.get("profile")
        if profile:
            print(f"           profile ({profile.get('samples')} samples): {profile.get('file')}")
            for function, percent in profile.get("self_percent", [])[:8]:
                print(f"             {percent:5.1f}% self  {function}")
            if "error" in profile:
                print(f"           profile failed: {profile['error']}")
        server = result.get("server", {})
        if server.get("log_counts"):
            print(f"           server log: {server['log_counts']}")
    machine = report.machine(server_core, generator_core, usable)
    document: dict[str, Any] = {
        "machine": machine,
        "pinning": report.pinning_line(server_core, generator_core),
        "server_repo": str(server_process.REPO),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "total_s": round(time.perf_counter() - began, 1),
        "scenarios": results,
    }
    path = report.write_json(document)
    print()
    print(
        f"{machine['cpu_model']}, {machine['cores']} cores; Python {machine['python']}, "
        f"PySide6 {machine['pyside6']} (Qt {machine['qt']}); {document['pinning']}"
    )
    print(report.table(results))
    for caveat in report.caveats(results):
        print(f"\n{caveat}")
    if args.markdown:
        print()
        print(report.markdown_table(results))
    print(f"\n{len(results)} scenario(s) in {document['total_s']} s; results in {path}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
