"""Issue 19's scenarios, on a throw-away PostgreSQL (`bench.postgres`):

- `nodes`: the rooms scenario against 1, 2 and 4 node processes (`--workers N`) on one
  PostgreSQL, figures side by side. The members log in at the first node; each room opens
  on the least-loaded node, and its connections go to the host and port the reply names.
- `fanout-postgresql`: fanout with the server on PostgreSQL, to set beside SQLite's.

The node processes and PostgreSQL share every core but the generator's: on a 2-core machine
that is one core, so more nodes can only show what they cost, not what they gain.
"""

from __future__ import annotations

import os
from typing import Any

from bench.postgres import BenchPostgres
from bench.scenarios import (
    DEFAULTS as PLAIN,
)
from bench.scenarios import (
    Context,
    Result,
    flat_out,
    rooms_drive,
    rooms_names,
    run_with_server,
)

# The figures set side by side, per node count (the JSON has every figure of every run).
NODES_FIGURES = [
    ("deliveries_per_s", "deliveries /s"),
    ("messages_in_per_s", "messages in /s"),
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
    ("server_core_use", "nodes' core use (all processes)"),
    ("database_core_use", "PostgreSQL core use"),
    ("server_and_database_core_use", "total core use"),
    ("server_wait_share", "nodes waiting for a core (summed)"),
    ("rooms_per_node", "rooms per node"),
    ("generator_lag_p99_ms", "generator's pacing lag p99 ms"),
]


def node_counts(params: dict[str, Any]) -> list[int]:
    """`--nodes 1,2,4` as numbers, each at least 1."""
    counts = [int(part) for part in str(params["nodes"]).split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise ValueError(f"--nodes wants counts of at least 1, like 1,2,4: {params['nodes']!r}")
    return counts


def caveat(counts: list[int], context: Context) -> str:
    """The plain statement the report prints with the figures."""
    cores = len(context.server_cores) if context.server_cores else os.cpu_count() or 1
    where = (
        f"the nodes and PostgreSQL share {cores} core(s), the generator has its own"
        if context.server_cores
        else f"nodes, PostgreSQL and generator share {os.cpu_count()} core(s) unpinned"
    )
    if context.server_cores and cores > max(counts):
        return (
            f"nodes: {where}, enough for a core per node and one for PostgreSQL: the columns "
            "show how the server scales (on a 2-core machine they would show only the overhead)."
        )
    return (
        f"nodes: {where}. With fewer cores than nodes plus PostgreSQL, these figures show "
        f"the OVERHEAD of running {max(counts)} nodes (more processes, PostgreSQL "
        "notifications, shared tickets), NOT the scaling: on a 2-core machine more nodes "
        "cannot be faster. To see scaling, run it where each node, PostgreSQL and the "
        "generator have a core of their own."
    )


def nodes(params: dict[str, Any], context: Context) -> Result:
    """The rooms scenario against each node count, on one PostgreSQL, side by side."""
    counts = node_counts(params)
    names = rooms_names(params)
    per_room = len(names) // int(params["rooms"])
    runs: dict[str, Result] = {}
    with BenchPostgres(context.server_cores) as postgres:
        for count in counts:
            try:
                runs[str(count)] = run_with_server(
                    f"nodes-{count}",
                    params,
                    context,
                    rooms_drive(params, context),
                    accounts=names,
                    max_room_capacity=per_room,
                    postgres=postgres,
                    workers=count,
                )
            except Exception as failure:  # one count failing must not hide the others
                runs[str(count)] = {"error": f"{type(failure).__name__}: {failure}"}
    columns = [f"{n} node{'s' if n > 1 else ''}" for n in counts]
    side: dict[str, list[Any]] = {key: [] for key, _ in NODES_FIGURES}
    for run in runs.values():
        metrics = run.get("metrics", {})
        for key, _ in NODES_FIGURES:
            value = metrics.get(key)
            if key == "rooms_per_node" and isinstance(value, dict):
                value = "+".join(str(n) for n in sorted(value.values(), reverse=True))
            side[key].append(value if "error" not in run else "FAILED")
    result: Result = {
        "scenario": "nodes",
        "params": params,
        "columns": columns,
        "side_by_side": [(label, side[key]) for key, label in NODES_FIGURES],
        "runs": runs,
        "caveat": caveat(counts, context),
        "notes": [
            "rooms scenario (one paced sender and one probe per room) on one PostgreSQL; "
            "members log in at the first node, rooms open on the least-loaded node",
            *(f"{n} node(s) failed: {r['error']}" for n, r in runs.items() if "error" in r),
        ],
    }
    if all("error" in run for run in runs.values()):
        result["error"] = "every node count failed: " + runs[str(counts[0])]["error"]
    return result


def fanout_postgresql(params: dict[str, Any], context: Context) -> Result:
    """Fanout with the server on PostgreSQL (one node), to set beside SQLite's fanout."""
    with BenchPostgres(context.server_cores) as postgres:
        result = flat_out("fanout-postgresql", params, context, postgres=postgres)
    result.setdefault("notes", []).append(
        "server on PostgreSQL (fsync off, throw-away); deliveries per server CPU-s leave "
        "PostgreSQL's own CPU out: see PostgreSQL core use"
    )
    return result


DEFAULTS: dict[str, dict[str, Any]] = {
    "fanout-postgresql": dict(PLAIN["fanout"]),
    "nodes": {**PLAIN["rooms"], "nodes": "1,2,4"},
}
SCENARIOS = {"fanout-postgresql": fanout_postgresql, "nodes": nodes}
AFTER = {"fanout-postgresql": "fanout", "nodes": "rooms"}  # where each goes in the list
