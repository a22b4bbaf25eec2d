"""The bench's throw-away PostgreSQL (issue 19): one `tools.pg_cluster` server per scenario,
a fresh database for each server started on it, stopped and removed at the end of the
scenario whatever happened (use it as a context manager).

The servers reach it by a URL without the password: libpq reads that from the cluster's
password file (`PGPASSFILE` in their environment), so no command line shows it. Its CPU is
that of the postmaster and every backend under it, read from /proc as the server's is.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from bench.server_process import tree_cpu_seconds, tree_wait_seconds
from tools.pg_cluster import Cluster, why_no_server

__all__ = ["BenchPostgres", "why_no_server"]


class BenchPostgres:
    """A running PostgreSQL for the bench; `new_database()` gives a fresh database's URL."""

    def __init__(self, cores: Iterable[int] | None = None) -> None:
        self.cluster = Cluster(cores)
        self._names = (f"bench_{n}" for n in itertools.count(1))

    def __enter__(self) -> BenchPostgres:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def env(self) -> dict[str, str]:
        """What a server process needs in its environment to log in."""
        return {"PGPASSFILE": str(self.cluster.passfile)}

    def new_database(self) -> str:
        """A fresh, empty database; its URL (no password in it)."""
        name = next(self._names)
        self.cluster.psql("postgres", 'CREATE DATABASE :"name" TEMPLATE template0;\n', name=name)
        return self.cluster.url(name, password=False)

    def copy_accounts(self, url: str, first: str, names: Sequence[str]) -> None:
        """Accounts `names`, each a copy of `first`'s row (its hash): the names go in as COPY
        data, never as SQL text."""
        if not names:
            return
        rows = "".join(f"{name}\t{name.casefold()}\n" for name in names)
        script = (
            "CREATE TEMP TABLE bench_names (name TEXT, name_key TEXT);\n"
            "COPY bench_names FROM STDIN;\n" + rows + "\\.\n"
            "INSERT INTO users (name, name_key, password_hash, created_at)\n"
            "  SELECT b.name, b.name_key, u.password_hash, u.created_at\n"
            "  FROM bench_names b, users u WHERE u.name_key = :'first';\n"
        )
        self.cluster.psql(url.rsplit("/", 1)[1], script, first=first.casefold())

    def rooms_per_node(self, url: str) -> dict[str, int]:
        """How many open rooms each node runs (the `node` column of `rooms`)."""
        text = self.cluster.psql(
            url.rsplit("/", 1)[1],
            "SELECT coalesce(node, '-') || '|' || count(*) FROM rooms GROUP BY node ORDER BY 1;\n",
        )
        found: dict[str, int] = {}
        for line in text.splitlines():
            node, _, count = line.rpartition("|")
            if node:
                found[node] = int(count)
        return found

    def cpu_seconds(self) -> float:
        pid = self.cluster.postmaster_pid()
        return tree_cpu_seconds(pid) if pid is not None else 0.0

    def wait_seconds(self) -> float:
        pid = self.cluster.postmaster_pid()
        return tree_wait_seconds(pid) if pid is not None else 0.0

    def stop(self) -> None:
        self.cluster.stop()
