"""Real multicast DNS in a network namespace of its own (only `lo`, set to multicast), so no
packet can leave the machine: two servers get distinct names, a browser finds them with the
right SRV and TXT, the room count follows, garbage is survived, a goodbye removes one."""

from __future__ import annotations

import importlib.util
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


def run_in_namespace(module: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`python -m module folder` in a network namespace of its own; skips where none can be
    made (and says why)."""
    problem = namespace_problem()
    if problem:
        pytest.skip(problem)
    return subprocess.run(
        ["unshare", "--net", "sh", "-c", f'{SETUP} && exec "$0" -m {module} "$1"',
         sys.executable, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip


@pytest.mark.slow
def test_servers_and_a_browser_in_a_namespace_of_their_own(tmp_path: Path) -> None:
    done = run_in_namespace("tests.mdns_namespace", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for check in (
        "ok: both found",
        "ok: distinct names ['RoomChat on ns', 'RoomChat on ns (2)']",
        "ok: the room count follows a room",
        "ok: the login window lists it and logs in there",
        "ok: still answering after the garbage",
        "ok: the goodbye removes a server",
    ):
        assert check in done.stdout, done.stdout


@pytest.mark.slow
def test_python_zeroconf_finds_reads_and_loses_the_servers(tmp_path: Path) -> None:
    """The independent browser: the service found with the right SRV and TXT, two servers
    under distinct names, the room count followed, the goodbye seen."""
    if importlib.util.find_spec("zeroconf") is None:
        pytest.skip("python-zeroconf is not installed (pip install -e '.[test]')")
    done = run_in_namespace("tests.mdns_zeroconf_check", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for check in (
        "ok: zeroconf finds both, under distinct names",
        "ok: zeroconf reads the right SRV port and TXT",
        "ok: and its room count is 1",
        "ok: zeroconf sees the goodbye",
    ):
        assert check in done.stdout, done.stdout
