"""The login window listing servers it found on the network, saved as a PNG (for the README).

    python -m tools.found_screenshot [--out docs/screenshots/login_found.png]

Needs root: it runs itself again in a network namespace of its own (`unshare --net`, with
`lo` up and set to multicast), so the two servers it starts announce themselves to nobody
but the client beside them. The window is drawn with the offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots" / "login_found.png"
SETUP = "ip link set lo up && ip link set lo multicast on"


def capture(out: Path) -> None:
    """Inside the namespace: two servers (one with TLS), the client's login window, a pick."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from app.client.client_app import ClientApp
    from app.client.server_finder import ServerFinder
    from app.client.ui import add_icon_search_path
    from app.server.config import ServerConfig
    from app.server.server import ChatServer
    from app.server.tls import load_server_tls, make_self_signed
    from app.shared import i18n

    add_icon_search_path()
    i18n.install_translators(app, "en")
    folder = Path(tempfile.mkdtemp())
    cert, key = make_self_signed(str(folder), ["localhost", "127.0.0.1"])
    servers = [
        ChatServer(ServerConfig(db_path=str(folder / f"{n}.sqlite3"), host="0.0.0.0",
                                port=port, hash_profile="test", server_name=name, tls=tls))
        for n, (name, port, tls) in enumerate([
            ("Maple School", 4000, load_server_tls(str(cert), str(key))),
            ("Chess club", 4100, None),
        ])
    ]  # fmt: skip
    for server in servers:
        assert server.listen()
    client = ClientApp("127.0.0.1", 4000)
    finder = ServerFinder(client)
    finder.servers_changed.connect(client.login.found_servers.model.set_servers)
    assert finder.start()
    client.start()
    loop, timer = QEventLoop(), QTimer()
    timer.timeout.connect(loop.quit)
    timer.start(20)
    deadline = time.monotonic() + 15
    model = client.login.found_servers.model
    while model.rowCount() < len(servers):
        if time.monotonic() > deadline:
            raise SystemExit("the servers were not found")
        loop.exec()
    view = client.login.found_servers._view
    index = model.index(1)  # Maple School, after Chess club
    view.setCurrentIndex(index)
    view.activated.emit(index)  # as Enter on it would
    form = client.login.form
    form.resize(440, form.sizeHint().height())
    for _ in range(10):  # let the layout settle
        loop.exec()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not form.grab().save(str(out)):
        raise SystemExit(f"cannot write {out}")
    print(f"wrote {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the PNG to write")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        capture(args.out.resolve())
        return 0
    if os.geteuid() != 0:
        raise SystemExit("needs root, to make a network namespace")
    inner = f'{SETUP} && exec "$0" -m tools.found_screenshot --inside --out "$1"'
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = ["unshare", "--net", "sh", "-c", inner, sys.executable, str(args.out.resolve())]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
