"""Optional: sample the server with py-spy during the measuring window (`--profile FILE`).

py-spy is not a dependency; install it for yourself (`.venv/bin/pip install py-spy`). The
raw output (collapsed stacks) is summarised into the functions with the most samples, both
on their own (self) and with what they call (total), as percentages of the active samples.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

FRAME_LINE = re.compile(r":\d+\)$")


def find_py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Profiler:
    """One `py-spy record --format raw` run against a process for a number of seconds."""

    def __init__(self, path: str, rate: int = 200, native: bool = False) -> None:
        self.path = path
        self.rate = rate
        self.native = native  # also C/C++ frames (Qt, SQLite, libc): py-spy --native
        self.process: subprocess.Popen[bytes] | None = None
        self.error: str | None = None

    def start(self, pid: int, seconds: float) -> None:
        executable = find_py_spy()
        if executable is None:
            self.error = "py-spy not found (.venv/bin/pip install py-spy)"
            return
        self.process = subprocess.Popen(
            [
                executable,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(max(1, round(seconds))),
                "--rate",
                str(self.rate),
                "--format",
                "raw",
                *(["--native"] if self.native else ["--nonblocking"]),
                "--output",
                self.path,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def finish(self, timeout: float = 30.0) -> dict[str, Any]:
        """Wait for py-spy, then summarise what it wrote."""
        if self.process is None:
            return {"error": self.error or "not started"}
        try:
            _, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        if self.process.returncode != 0 and not Path(self.path).exists():
            return {"error": err.decode(errors="replace").strip()[-300:]}
        return summarise(self.path)


def _name(frame: str) -> str:
    """`_publish (app/server/room.py:352)` -> `_publish (app/server/room.py)`."""
    return FRAME_LINE.sub(")", frame.strip())


def summarise(path: str, top: int = 15) -> dict[str, Any]:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in Path(path).read_text("utf-8", "replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_name(f) for f in stack.split(";") if f]
        if not frames:
            continue
        samples += count
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / samples, 1)) for name, n in counter.most_common(top)]

    return {
        "file": path,
        "samples": samples,
        "self_percent": share(own) if samples else [],
        "total_percent": share(total) if samples else [],
    }
