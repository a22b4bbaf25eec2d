"""Run inside a fresh network namespace by test_mdns_namespace: python-zeroconf's
`ServiceBrowser`, a browser none of us wrote, watches two real RoomChat servers.

Prints one `ok: ...` line per check passed; exits 1 with `FAILED: ...` on the first that
fails. zeroconf runs in threads of its own (it is a test tool, not app code); its
callbacks only append to a list that the Qt event loop here reads.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from zeroconf import ServiceBrowser, ServiceListener, Zeroconf

from app.server.config import ServerConfig
from app.server.mdns_responder import State
from app.server.server import ChatServer

SERVICE = "_roomchat._tcp.local."
TIMEOUT = 15.0


class CheckFailedError(Exception):
    """One of the checks did not hold."""


class Events(ServiceListener):
    """What zeroconf's browser reports, as (kind, name) pairs, from its own thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str]] = []

    def _note(self, kind: str, name: str) -> None:
        with self.lock:
            self.seen.append((kind, name))

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self._note("add", name)

    def update_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self._note("update", name)

    def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self._note("remove", name)

    def kinds(self, name: str) -> list[str]:
        with self.lock:
            return [kind for kind, seen in self.seen if seen == name]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    loop, timer = QEventLoop(), QTimer()
    timer.timeout.connect(loop.quit)
    timer.start(20)
    while not condition():
        if time.monotonic() > deadline:
            raise CheckFailedError(what)
        loop.exec()
    print(f"ok: {what}", flush=True)


def start_server(folder: Path, index: int) -> ChatServer:
    config = ServerConfig(
        db_path=str(folder / f"zc{index}.sqlite3"),
        host="0.0.0.0",
        port=0,
        hash_profile="test",
        server_name="Club",
        registration=index == 0,
        mdns_update_interval=0.0,
    )
    server = ChatServer(config)
    if not server.listen():
        raise CheckFailedError("cannot listen")
    assert server.announcer is not None
    announcer = server.announcer
    wait_until(lambda: announcer.responder.state is State.RUNNING, f"server {index} announced")
    return server


def properties(zc: Zeroconf, name: str) -> tuple[int, dict[str, str]]:
    info = zc.get_service_info(SERVICE, name, timeout=3000)
    if info is None:
        raise CheckFailedError(f"zeroconf cannot resolve {name}")
    values = {
        key.decode(): (value or b"").decode() for key, value in (info.properties or {}).items()
    }
    return info.port or 0, values


def main(folder: Path) -> None:
    first = start_server(folder, 0)
    second = start_server(folder, 1)
    zc = Zeroconf(interfaces=["127.0.0.1"])
    events = Events()
    browser = ServiceBrowser(zc, SERVICE, events)
    try:
        one, two = f"Club.{SERVICE}", f"Club (2).{SERVICE}"
        wait_until(lambda: "add" in events.kinds(one) and "add" in events.kinds(two),
                   "zeroconf finds both, under distinct names")  # fmt: skip
        port, txt = properties(zc, one)
        expected = {"v": "1", "tls": "0", "reg": "1", "rooms": "0"}
        if (port, txt) != (first.port, expected):
            raise CheckFailedError(f"SRV/TXT of the first: {port} {txt}")
        port, txt = properties(zc, two)
        if (port, txt.get("reg")) != (second.port, "0"):
            raise CheckFailedError(f"SRV/TXT of the second: {port} {txt}")
        print("ok: zeroconf reads the right SRV port and TXT", flush=True)
        first.store.add_account("alice", "alice", "x")
        first.directory.open_room("Lounge", "alice", 4, None, "r")
        wait_until(lambda: "update" in events.kinds(one), "zeroconf sees the TXT updated")
        port, txt = properties(zc, one)
        if txt.get("rooms") != "1":
            raise CheckFailedError(f"rooms after opening one: {txt}")
        print("ok: and its room count is 1", flush=True)
        second.shutdown()
        wait_until(lambda: "remove" in events.kinds(two), "zeroconf sees the goodbye")
        first.shutdown()
    finally:
        browser.cancel()
        zc.close()


if __name__ == "__main__":
    application = QCoreApplication(sys.argv[:1])
    try:
        main(Path(sys.argv[1]))
    except CheckFailedError as failure:
        print(f"FAILED: {failure}", flush=True)
        sys.exit(1)
    print("done", flush=True)
