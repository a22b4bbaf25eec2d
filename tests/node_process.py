"""A RoomChat node as a real process (`main.py --mode server --headless`), for `kill -9`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import MAIN


@contextmanager
def node_process(db_path: str, name: str, *flags: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """The node and its main port; killed with SIGKILL (no goodbye) when the block ends,
    unless it ended already."""
    process = subprocess.Popen(
        [sys.executable, MAIN, "--mode", "server", "--headless", "--port", "0",
         "--db", db_path, "--hash-profile", "test", "--registrations-per-address", "0",
         "--node-name", name, *flags],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on "), line
        yield process, int(line.rsplit(":", 1)[1])
    finally:
        process.kill()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
