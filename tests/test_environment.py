"""The installed PySide6 must keep Python's reference counts straight (6.12.0 on 3.11 does not)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Probe(QObject):
    fired = Signal(object)

app = QCoreApplication([])
probe = Probe()
probe.fired.connect(lambda value: None)
before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(300):
    probe.setObjectName("probe")
    probe.fired.emit(1)
after = sys.getrefcount(None), sys.getrefcount(True)
print(before[0] - after[0], before[1] - after[1])
"""


def test_void_calls_and_emits_do_not_leak_references_to_none_or_true() -> None:
    # In a child process: a broken pairing aborts the interpreter sooner or later.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lost_none, lost_true = (int(x) for x in result.stdout.split())
    assert lost_none < 50 and lost_true < 50, (
        f"this PySide6 loses references on void calls ({lost_none}, {lost_true} in 300 calls): "
        "pin PySide6 6.11.3 below Python 3.12"
    )
