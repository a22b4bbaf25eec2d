"""Capture the server admin window with a few live rooms on a virtual X display.

    python -m tools.admin_screenshot --out docs/screenshots/admin_window.png \
        [--reports-out docs/screenshots/admin_reports.png] \
        [--moderation-out docs/screenshots/admin_moderation.png] \
        [--nodes-out docs/screenshots/admin_nodes.png]

Starts Xvfb, runs a `ChatServer` in-process (temporary database, port 0, cheap hashing),
opens the admin window, lets a few scripted protocol clients register, log in, open three
rooms (one locked), enter and chat, then saves `QWidget.grab()` of the window; then two
members report messages and the Reports tab is saved too; last, the Rooms tab turns on slow
mode in the Lounge and picks a member to mute, and is saved again. Last, where PostgreSQL is
installed, two nodes share a throw-away database and the Nodes tab is saved
(tools/admin_nodes_shot.py).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QTcpSocket

from app.shared.protocol import LineBuffer
from tools.admin_nodes_shot import capture_nodes
from tools.qtwait import pump_until

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots" / "admin_window.png"
DEFAULT_REPORTS_OUT = ROOT / "docs" / "screenshots" / "admin_reports.png"
DEFAULT_MODERATION_OUT = ROOT / "docs" / "screenshots" / "admin_moderation.png"
DEFAULT_NODES_OUT = ROOT / "docs" / "screenshots" / "admin_nodes.png"
DISPLAY = ":98"
PASSWORD = "correct horse"
TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1
# Libraries Qt's xcb platform plugin needs beyond a bare X client, and their Debian packages.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
}

Message = dict[str, Any]


def _display_in_use(number: str) -> bool:
    """True if a live X server holds the display's lock file (a stale lock does not count)."""
    try:
        pid = int(Path(f"/tmp/.X{number}-lock").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _die_with_parent() -> None:
    """In the child: ask Linux to send SIGTERM when this tool's process ends, however."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def virtual_display(display: str = DISPLAY) -> Iterator[str]:
    """Run Xvfb on `display` (installing it when missing and root) while the block runs."""
    missing = [] if shutil.which("Xvfb") else ["xvfb"]
    missing += [pkg for lib, pkg in XCB_LIBRARIES.items() if not ctypes.util.find_library(lib)]
    if missing and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", *missing], check=True)
    number = display.lstrip(":")
    if _display_in_use(number):
        raise SystemExit(f"display {display} is taken (/tmp/.X{number}-lock); pass --display")
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,  # an abort in Qt must not leave Xvfb running
    )
    try:
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + TIMEOUT
        while not socket_path.exists():  # no event loop yet: a plain wait is all there is
            if xvfb.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Xvfb did not start")
            time.sleep(0.05)
        yield display
    finally:
        xvfb.terminate()
        xvfb.wait(5)


class ScriptedClient(QObject):
    """A minimal protocol client: a `QTcpSocket` and an inbox of decoded frames."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.inbox: list[Message] = []
        self._buffer = LineBuffer(limit=10_000_000)
        self.socket = QTcpSocket(self)
        self.socket.readyRead.connect(self._on_socket_ready_read)
        self.socket.connectToHost("127.0.0.1", port)

    def _on_socket_ready_read(self) -> None:
        for line in self._buffer.feed(bytes(self.socket.readAll().data())):
            self.inbox.append(json.loads(line))

    def send(self, **fields: Any) -> None:
        self.socket.write(json.dumps(fields).encode() + b"\n")

    def expect(self, kind: str) -> Message:
        def arrived() -> bool:
            errors = [m for m in self.inbox if m.get("type") == "error"]
            if errors and kind != "error":
                raise SystemExit(f"expected {kind}, got {errors[0]}")
            return any(m.get("type") == kind for m in self.inbox)

        pump_until(arrived, kind)
        found = next(m for m in self.inbox if m.get("type") == kind)
        self.inbox.remove(found)
        return found

    def request(self, kind: str, reply: str, **fields: Any) -> Message:
        self.send(type=kind, **fields)
        return self.expect(reply)


def log_in(port: int, name: str) -> ScriptedClient:
    client = ScriptedClient(port)
    client.expect("welcome")
    client.request("register", "registered", name=name, password=PASSWORD)
    client.request("login", "logged_in", name=name, password=PASSWORD)
    return client


def enter(port: int, ticket: str, name: str) -> ScriptedClient:
    client = ScriptedClient(port)
    client.send(type="enter", ticket=ticket)
    client.expect("entered")
    return client


def populate(port: int) -> tuple[list[ScriptedClient], int, list[ScriptedClient]]:
    """People, rooms and a little chat; returns the clients, the room to select and the
    room connections (the owners' first, then the others' in the order they joined)."""
    names = ["alice", "bob", "carol", "dmitri", "erin", "farah"]
    lobbies = {name: log_in(port, name) for name in names}
    rooms: dict[str, Message] = {}
    inside: list[ScriptedClient] = []
    for owner, room_name, capacity, password in [
        ("alice", "Lounge", 12, None),
        ("bob", "Homework help", 6, None),
        ("carol", "Staff room", 4, "staff only"),
    ]:
        created = lobbies[owner].request(
            "create_room", "room_created", name=room_name, capacity=capacity, password=password
        )
        rooms[room_name] = created["room"]
        inside.append(enter(created["room"]["port"], created["ticket"], owner))
    for name, room_name, password in [
        ("bob", "Lounge", None),
        ("dmitri", "Lounge", None),
        ("erin", "Lounge", None),
        ("farah", "Homework help", None),
        ("erin", "Staff room", "staff only"),
    ]:
        room = rooms[room_name]
        granted = lobbies[name].request(
            "join_room", "join_granted", room_id=room["id"], password=password
        )
        inside.append(enter(room["port"], granted["ticket"], name))
    for speaker, text in [(inside[0], "evening, all"), (inside[3], "hi alice!")]:
        speaker.send(type="say", text=text)
        speaker.expect("message")
    stranger = ScriptedClient(port)
    stranger.expect("welcome")
    stranger.send(type="login", name="mallory", password="guess guess")
    stranger.expect("error")
    return [*lobbies.values(), *inside, stranger], rooms["Lounge"]["id"], inside


def report_some(inside: list[ScriptedClient]) -> None:
    """dmitri and farah say something a moderator should see; bob reports both."""
    alice_lounge, bob_homework, _carol, _bob_lounge, dmitri_lounge = inside[:5]
    farah_homework = inside[6]
    for speaker, reporter, text, reason in [
        (dmitri_lounge, alice_lounge, "cheap watches at spam.example, DM me", "spam"),
        (farah_homework, bob_homework, "<b>answers</b> to tomorrow's test: 5 € each", "cheating"),
    ]:
        speaker.inbox.clear()  # the others' messages, seen before
        speaker.send(type="say", text=text)
        seq = speaker.expect("message")["seq"]
        reporter.request("report", "reported", seq=seq, reason=reason)


def save(widget: Any, out: Path) -> None:
    settle = time.monotonic() + 0.5
    pump_until(lambda: time.monotonic() > settle, "the window to settle")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        raise SystemExit(f"could not write {out}")
    print(f"wrote {out}")


def moderate_some(window: Any, select: Any) -> None:
    """In the Lounge (selected): slow mode on from the window, then dmitri chosen, with a
    duration and a reason, ready to be muted."""
    acts = window.room_moderation
    acts.slow_mode_spin.setValue(10)
    acts.apply_button.click()
    pump_until(lambda: not acts.apply_button.isEnabled(), "the Lounge's slow mode")
    names = window.members_model.names()
    select(window.members_view, window.members_model.index(names.index("dmitri"), 0))
    acts.duration_combo.setCurrentIndex(1)  # 1 hour
    acts.reason_edit.setText("spam links")


def capture(out: Path, reports_out: Path, moderation_out: Path, nodes_out: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget, QWidget

    from app.server.admin import CoreThread, open_admin_window
    from app.server.admin.models import ROOM_ID_ROLE
    from app.server.config import ServerConfig
    from app.server.server import ChatServer
    from app.shared.forms import child

    app = QApplication(sys.argv[:1])
    app.setApplicationName("RoomChat")
    # INFO for the window's event log, as `main.py` does; no stderr handler, so only
    # warnings (through logging's last resort) reach the terminal.
    logging.getLogger("roomchat").setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        config = ServerConfig(
            db_path=str(Path(folder) / "chat.sqlite3"),
            port=0,
            hash_profile="test",
            registrations_per_address=0,  # every client signs up from 127.0.0.1
        )
        core = CoreThread(lambda parent: ChatServer(config, parent))  # as main.py runs it
        core.start()
        address = core.listen()
        if address is None:
            core.stop()
            raise SystemExit("the server could not listen")
        window = open_admin_window(core.bridge)
        pump_until(lambda: window.synced and window.form.isVisible(), "the window")
        clients, lounge, inside = populate(int(address.rsplit(":", 1)[1]))
        pump_until(lambda: window.rooms_model.rowCount() == 3, "the rooms")

        def select(view: Any, index: Any) -> None:
            view.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

        view = window.rooms_view
        for row in range(view.model().rowCount()):
            index = view.model().index(row, 0)
            if index.data(ROOM_ID_ROLE) == lounge:
                select(view, index)
        pump_until(lambda: len(window.members_model.names()) == 4, "the Lounge's members")
        save(window.form, out)
        report_some(inside)
        tabs = child(window.form, QTabWidget, "adminTabs")
        tabs.setCurrentWidget(child(window.form, QWidget, "reportsTab"))
        pump_until(lambda: window.moderation.reports_model.rowCount() == 2, "the reports")
        window.moderation.reports_view.selectRow(0)
        save(window.form, reports_out)
        tabs.setCurrentWidget(child(window.form, QWidget, "roomsTab"))
        moderate_some(window, select)
        save(window.form, moderation_out)
        window.form.close()  # held open until the server has shut down
        if window.confirmation is not None:  # people are connected: it asks first
            window.confirmation.button(QMessageBox.StandardButton.Yes).click()
        pump_until(lambda: not window.form.isVisible(), "the server to shut down")
        core.stop()
        for client in clients:
            client.socket.abort()
    capture_nodes(nodes_out, save, log_in, enter)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the PNG to write")
    parser.add_argument(
        "--reports-out", type=Path, default=DEFAULT_REPORTS_OUT, help="the Reports tab's PNG"
    )
    parser.add_argument(
        "--moderation-out",
        type=Path,
        default=DEFAULT_MODERATION_OUT,
        help="the Rooms tab's PNG, moderating the Lounge",
    )
    parser.add_argument(
        "--nodes-out", type=Path, default=DEFAULT_NODES_OUT, help="the Nodes tab's PNG"
    )
    parser.add_argument("--display", default=DISPLAY, help="the X display Xvfb takes")
    args = parser.parse_args(argv)
    with virtual_display(args.display) as display:
        os.environ["DISPLAY"] = display
        outs = (args.out, args.reports_out, args.moderation_out, args.nodes_out)
        capture(*(path.resolve() for path in outs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
