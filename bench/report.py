"""The machine description, the stdout table and `bench/results/latest.json`."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def qt_versions() -> dict[str, str]:
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError as missing:
        return {"pyside6": f"unavailable ({missing})", "qt": "unavailable"}
    return {"pyside6": PySide6.__version__, "qt": QtCore.qVersion()}


def machine(server_core: int | None, generator_core: int | None, usable: int) -> dict[str, Any]:
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "python_executable": sys.executable,
        **qt_versions(),
        "kernel": platform.release(),
        "server_core": server_core,
        "generator_core": generator_core,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def pinning_line(server_core: int | None, generator_core: int | None) -> str:
    if server_core is None:
        return "not pinned (fewer than 2 cores available, or --no-pin)"
    return f"server pinned to core {server_core}, generator to core {generator_core}"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:g}"
    return str(value)


# The figures each scenario shows in the table (the JSON has all of them).
PEERS_VIEW = [  # issue 18: what the peers are compared on, in every timed scenario
    ("messages_in_per_s", "messages in /s"),
    ("server_core_use", "server core use"),
    ("server_wait_share", "server waiting for its core"),
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
]
# Flat-out senders: whether the server served all of them (a pooled p99 counts only what
# arrived, so a server that leaves a sender unread shows the latency of the others).
SENDERS_VIEW = [
    ("slowest_sender_messages_in_per_s", "slowest sender, messages in /s"),
    ("fastest_sender_messages_in_per_s", "fastest sender, messages in /s"),
    ("senders_with_nothing_through", "senders with nothing through"),
    ("worst_sender_p99_ms", "p99 ms of the worst-served sender"),
]
TABLE_FIGURES: dict[str, list[tuple[str, str]]] = {
    "fanout": [
        *PEERS_VIEW,
        ("deliveries_per_s", "deliveries /s"),
        ("deliveries_per_server_cpu_s", "deliveries / server CPU-s"),
        ("generator_core_use", "generator core use"),
        *SENDERS_VIEW,
    ],
    "saturation": [
        *PEERS_VIEW,
        ("deliveries_per_s", "deliveries /s"),
        ("max_ms", "max ms"),
        ("deliveries_per_server_cpu_s", "deliveries / server CPU-s"),
        ("generator_core_use", "generator core use"),
        *SENDERS_VIEW,
    ],
    "latency": [
        *PEERS_VIEW,
        ("p95_ms", "p95 ms"),
        ("max_ms", "max ms"),
        ("deliveries_per_s", "deliveries /s"),
    ],
    "rooms": [
        *PEERS_VIEW,
        ("deliveries_per_s", "deliveries /s"),
        ("max_ms", "max ms"),
    ],
    "idle": [
        ("connections", "connections"),
        ("rss_before_mb", "RSS before MB"),
        ("rss_after_mb", "RSS after MB"),
        ("kb_per_connection", "kB per connection"),
        ("connect_and_login_s", "connect+login all, s"),
        ("logins_per_s", "logins /s"),
        ("server_core_use_logging_in", "server core use (logging in)"),
        ("server_cpu_ms_per_login", "server CPU ms a login"),
        ("event_loop_cpu_ms_per_login", "event loop CPU ms a login"),
        ("generator_core_use", "generator core use"),
    ],
    "login-storm": [
        ("logged_in", "logins completed"),
        ("logins_per_s", "logins /s"),
        ("storm_s", "storm length s"),
        ("server_core_use_during_storm", "server core use during"),
        ("server_wait_share_during_storm", "server waiting for its core during"),
        ("others_core_use_on_server_cores", "others' use of the server's core"),
        ("cpu_ms_per_login_off_event_loop", "CPU ms a login off the event loop"),
        ("event_loop_core_use_during_storm", "event loop core use during"),
        ("chat_messages_in_per_s", "chat messages in /s during"),
        ("chat_p99_before_storm_ms", "chat p99 before, ms"),
        ("chat_p50_during_storm_ms", "chat p50 during, ms"),
        ("chat_p99_during_storm_ms", "chat p99 during, ms"),
        ("chat_max_during_storm_ms", "chat max during, ms"),
    ],
    "overload": [
        *PEERS_VIEW,
        ("peak_rss_mb", "server peak RSS MB"),
        ("rss_at_end_mb", "RSS at end MB"),
        ("max_kernel_send_queues_mb", "kernel send queues MB, max"),
        ("max_rss_plus_send_queues_mb", "RSS + kernel send queues MB, max"),
        ("slow_reader_deliveries_per_s", "slow-reader deliveries /s"),
        ("slow_readers_cut_off", "slow readers cut off"),
        *SENDERS_VIEW,
    ],
    "upload": [
        ("upload_mib_per_s", "upload MiB/s"),
        ("upload_s", "upload s"),
        ("chat_p99_ms_before", "chat p99 before, ms"),
        ("chat_p50_ms", "chat p50 during, ms"),
        ("chat_p99_ms", "chat p99 during, ms"),
        ("chat_max_ms", "chat max during, ms"),
        ("server_core_use", "server core use"),
    ],
}
# Issue 19: fanout on PostgreSQL, with PostgreSQL's own CPU beside the server's.
TABLE_FIGURES["fanout-postgresql"] = [
    *TABLE_FIGURES["fanout"],
    ("database_core_use", "PostgreSQL core use"),
    ("server_and_database_core_use", "server + PostgreSQL core use"),
    ("deliveries_per_server_and_database_cpu_s", "deliveries / (server + PostgreSQL) CPU-s"),
]
# Messages the search worker had still to index when the window ended (its CPU is not in it).
for _indexed in ("fanout", "latency", "rooms"):
    TABLE_FIGURES[_indexed].append(("unindexed_at_end", "not yet in the search index"))
TABLE_FIGURES["fanout"].append(
    ("deliveries_per_server_cpu_s_indexed", "deliveries / server CPU-s, indexing included")
)
# Issue 15's paired scenarios: the plain ones' figures and the markers sent.
for _plain in ("fanout", "latency"):
    TABLE_FIGURES[f"{_plain}-read-markers"] = [
        *TABLE_FIGURES[_plain],
        ("read_markers_sent", "read markers sent"),
    ]


HEADER = ("scenario", "figure", "value", "target")


def table_rows(results: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """One row per figure: scenario, figure, value, and the target beside it (met or not)."""
    rows: list[tuple[str, str, str, str]] = []
    for result in results:
        name = result["scenario"]
        if "error" in result:
            rows.append((name, "FAILED", result["error"][:70], ""))
            continue
        if "side_by_side" in result:  # issue 19's nodes: one value per node count
            rows.append((name, "each value below is for", " / ".join(result["columns"]), ""))
            for label, values in result["side_by_side"]:
                rows.append((name, label, " / ".join(_fmt(v) for v in values), ""))
            continue
        metrics = result.get("metrics", {})
        targets = {t["key"]: t for t in result.get("targets", [])}
        figures = TABLE_FIGURES.get(name, [])
        for key, label in figures:
            rows.append((name, label, _fmt(metrics.get(key)), _goal(targets.get(key))))
        shown = {key for key, _ in figures}
        for key, goal in targets.items():
            if key not in shown:
                rows.append((name, goal["figure"], _fmt(goal["value"]), _goal(goal)))
    return rows


def _goal(goal: dict[str, Any] | None) -> str:
    if goal is None:
        return ""
    return f"{goal['target']}: {'met' if goal['met'] else 'NOT MET'}"


def table(results: list[dict[str, Any]]) -> str:
    """The table for stdout, in aligned columns."""
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def caveats(results: list[dict[str, Any]]) -> list[str]:
    """What the figures of some scenarios do not show, to print with the table."""
    return [r["caveat"] for r in results if r.get("caveat")]


def markdown_table(results: list[dict[str, Any]]) -> str:
    """The same table in Markdown, for docs/PERFORMANCE.md."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def write_json(document: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
