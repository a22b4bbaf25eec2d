"""Real multicast DNS in a network namespace of its own (only `lo`, set to multicast), so no
packet can leave the machine: two servers get distinct names, a browser finds them with the
right SRV and TXT, the room count follows, garbage is survived, a goodbye removes one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SETUP = "ip link set lo up && ip link set lo multicast on"


def namespace_problem() -> str:
    """Why this machine cannot make a network namespace here, or "" when it can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "making a network namespace needs root (the CI suite runs as root)"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare(1) and ip(8) (util-linux, iproute2)"
    done = subprocess.run(
        ["unshare", "--net", "sh", "-c", SETUP], capture_output=True, text=True, timeout=30
    )
    if done.returncode != 0:
        return f"unshare --net failed: {done.stderr.strip()}"
    return ""


@pytest.mark.slow
def test_servers_and_a_browser_in_a_namespace_of_their_own(tmp_path: Path) -> None:
    problem = namespace_problem()
    if problem:
        pytest.skip(problem)
    done = subprocess.run(
        [
            "unshare",
            "--net",
            "sh",
            "-c",
            f'{SETUP} && exec "$0" -m tests.mdns_namespace "$1"',
            sys.executable,
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for check in (
        "ok: both found",
        "ok: distinct names ['RoomChat on ns', 'RoomChat on ns (2)']",
        "ok: the room count follows a room",
        "ok: still answering after the garbage",
        "ok: the goodbye removes a server",
    ):
        assert check in done.stdout, done.stdout
