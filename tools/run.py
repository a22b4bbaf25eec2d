"""`make run`: the whole system from one command.

With a display: the server (with its admin window) and one client window pointed at it; the
server stops when the client window is closed. Without a display: the server alone, headless,
with a line on how to connect.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.server.cli import has_display
from tools.xcb_libs import missing_packages

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "main.py")


def main(argv: list[str]) -> int:
    server_cmd = [sys.executable, MAIN, "--mode", "server", *argv]
    missing = missing_packages() if has_display() else []
    if missing:  # Qt would abort on opening a window: say what to install, serve headless
        print(
            f"the window cannot open: install {' '.join(missing)} "
            f"(apt-get install {' '.join(missing)}); running the server headless",
            file=sys.stderr,
            flush=True,
        )
    if not has_display() or missing:
        print(
            "no display: running the server headless; connect a client with\n"
            "  .venv/bin/python main.py --mode client --host HOST --port PORT",
            file=sys.stderr,
            flush=True,
        )
        # Become the server (same process): signals sent to `make run` reach it directly.
        os.execv(sys.executable, [*server_cmd, "--headless"])
    # SIGTERM becomes SystemExit, so that the client is killed and the server stopped below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline().strip()  # "listening on HOST:PORT", or nothing if it failed
    if not line.startswith("listening on "):
        return server.wait() or 1
    print(line, flush=True)
    host, port = line.removeprefix("listening on ").rsplit(":", 1)
    try:
        return subprocess.call([sys.executable, MAIN, "--mode", "client", "--host", host,
                                "--port", port])  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
