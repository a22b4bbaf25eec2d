"""Run a short Python script in a fresh interpreter at the project's root: for what a new
process imports (its memory), which a test process that imported everything cannot show."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def printed_by(script: str) -> list[str]:
    """The words `script` printed; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()
