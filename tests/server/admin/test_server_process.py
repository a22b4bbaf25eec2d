"""`main.py --mode server` with its admin window, as a process: the core on its own thread
keeps serving while the display is frozen, and SIGTERM still stops it cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, QProcessEnvironment
from pytestqt.qtbot import QtBot

from tests.conftest import MAIN, PASSWORD, ROOT
from tests.wire_client import WireClient
from tools.xcb_libs import missing_packages

START_MS = 20_000
# What Qt says when an object is used or destroyed from a thread not its own.
THREAD_WARNINGS = ("another thread", "different thread", "QSocketNotifier", "killTimer")


class Process:
    """A `QProcess` whose output is collected as it comes."""

    def __init__(self, program: str, arguments: list[str], environment: dict[str, str]) -> None:
        self.process = QProcess()
        self.process.setWorkingDirectory(str(ROOT))
        env = QProcessEnvironment.systemEnvironment()
        for name, value in environment.items():
            if value:
                env.insert(name, value)
            else:
                env.remove(name)
        self.process.setProcessEnvironment(env)
        self.stdout, self.stderr = bytearray(), bytearray()
        self.process.readyReadStandardOutput.connect(self._on_stdout)
        self.process.readyReadStandardError.connect(self._on_stderr)
        self.process.start(program, arguments)

    def _on_stdout(self) -> None:
        self.stdout.extend(self.process.readAllStandardOutput().data())

    def _on_stderr(self) -> None:
        self.stderr.extend(self.process.readAllStandardError().data())

    @property
    def pid(self) -> int:
        pid = int(self.process.processId())
        # 0 once the process has gone: os.kill(0, …) would signal the whole test run.
        assert pid > 0, "the process is not running"
        return pid

    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def stop(self, qtbot: QtBot) -> None:
        if self.running():
            self.process.kill()
            qtbot.waitUntil(lambda: not self.running(), timeout=START_MS)


def start_server(
    qtbot: QtBot, db: Path, environment: dict[str, str], *flags: str
) -> tuple[Process, int]:
    """The server with its window (no --headless); returns it and its main port."""
    arguments = [MAIN, "--mode", "server", "--port", "0", "--db", str(db),
                 "--hash-profile", "test", "--registrations-per-address", "0", *flags]  # fmt: skip
    server = Process(sys.executable, arguments, environment)
    qtbot.waitUntil(lambda: b"\n" in server.stdout or not server.running(), timeout=START_MS)
    line = server.stdout.decode().partition("\n")[0]
    assert line.startswith("listening on 127.0.0.1:"), (line, server.stderr.decode())
    # The window is made once the port is open; it logs before it is shown.
    qtbot.waitUntil(lambda: b"admin window opened" in server.stderr, timeout=START_MS)
    return server, int(line.rsplit(":", 1)[1])


def log_in(qtbot: QtBot, port: int, name: str) -> WireClient:
    client = WireClient(qtbot, port)
    client.expect("welcome")
    client.request("register", "registered", name=name, password=PASSWORD)
    client.request("login", "logged_in", name=name, password=PASSWORD)
    return client


def said_by(member: WireClient, name: str) -> str:
    while (message := member.expect("message"))["from"] != name:
        pass
    return str(message["text"])


def stop_cleanly(
    qtbot: QtBot, server: Process, clients: list[WireClient], signalled: bool = False
) -> None:
    """SIGTERM (unless `signalled` already, and the goodbyes read): every client hears
    `server_shutdown`, the process exits 0, Qt says nothing of objects on the wrong thread."""
    if not signalled:
        os.kill(server.pid, signal.SIGTERM)
    for client in clients:
        if not signalled:
            client.expect_error("server_shutdown")
        client.wait_closed()
    qtbot.waitUntil(lambda: not server.running(), timeout=START_MS)
    errors = server.stderr.decode()
    assert server.process.exitStatus() == QProcess.ExitStatus.NormalExit, errors
    assert server.process.exitCode() == 0, errors
    assert "server stopped" in errors
    assert not [line for line in errors.splitlines() if any(w in line for w in THREAD_WARNINGS)]


def test_sigterm_stops_the_windowed_server_cleanly(qtbot: QtBot, tmp_path: Path) -> None:
    # The offscreen platform is a display as far as the launcher is concerned.
    server, port = start_server(
        qtbot, tmp_path / "x.sqlite3", {"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}
    )
    try:
        alice = log_in(qtbot, port, "alice")
        room = alice.request("create_room", "room_created", name="Lounge", capacity=4)
        member = WireClient(qtbot, room["room"]["port"])
        member.request("enter", "entered", ticket=room["ticket"])
        stop_cleanly(qtbot, server, [alice, member])
    finally:
        server.stop(qtbot)


@pytest.fixture
def xvfb(qtbot: QtBot) -> Iterator[Process]:
    """An Xvfb of our own on a free display (it picks one and says which)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    if missing := missing_packages():
        pytest.skip(f"Qt's xcb platform plugin needs {' '.join(missing)}")
    display = Process(
        "Xvfb", ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1024x768x24"], {}
    )
    try:
        qtbot.waitUntil(lambda: b"\n" in display.stdout or not display.running(), timeout=START_MS)
        assert display.stdout.strip().isdigit(), display.stderr.decode()
        yield display
    finally:
        if display.running():
            os.kill(display.pid, signal.SIGCONT)
        display.stop(qtbot)


@pytest.mark.slow
def test_chat_flows_while_the_admin_windows_display_is_frozen(
    qtbot: QtBot, tmp_path: Path, xvfb: Process
) -> None:
    environment = {
        "DISPLAY": f":{xvfb.stdout.decode().strip()}",
        "QT_QPA_PLATFORM": "xcb",
        "WAYLAND_DISPLAY": "",
    }
    # Chat as fast as it goes for a few seconds: no rate limit may cut it short.
    unlimited = ("--msg-rate", "0", "--address-msg-rate", "0", "--request-rate", "0",
                 "--text-bytes-per-minute", "0")  # fmt: skip
    server, port = start_server(qtbot, tmp_path / "x.sqlite3", environment, *unlimited)
    try:
        alice, bob = log_in(qtbot, port, "alice"), log_in(qtbot, port, "bob")
        created = alice.request("create_room", "room_created", name="Lounge", capacity=4)
        room = created["room"]
        granted = bob.request("join_room", "join_granted", room_id=room["id"])
        members = []
        for ticket in (created["ticket"], granted["ticket"]):
            member = WireClient(qtbot, room["port"])
            member.request("enter", "entered", ticket=ticket)
            members.append(member)
        alice_room, bob_room = members

        os.kill(xvfb.pid, signal.SIGSTOP)  # the display freezes: the window's thread blocks
        try:
            # Things the window shows (a login, counts, log lines) make it draw, and block.
            carol = log_in(qtbot, port, "carol")
            said = 0
            until = time.monotonic() + 3.0  # a few seconds of chat while frozen
            while time.monotonic() < until:
                said += 1
                alice_room.send(type="say", text=f"ping {said}")
                assert said_by(bob_room, "alice") == f"ping {said}"
                bob_room.send(type="say", text=f"pong {said}")
                assert said_by(alice_room, "bob") == f"pong {said}"
                for client in (alice, bob, carol, alice_room, bob_room):
                    client.request("ping", "pong")
            assert said >= 3
            # SIGTERM still says goodbye to everyone while the window is stuck...
            os.kill(server.pid, signal.SIGTERM)
            for client in (alice, bob, carol, alice_room, bob_room):
                client.expect_error("server_shutdown")
        finally:
            os.kill(xvfb.pid, signal.SIGCONT)
        # ...and the process ends once the window can close.
        stop_cleanly(qtbot, server, [alice, bob, carol, alice_room, bob_room], signalled=True)
    finally:
        server.stop(qtbot)
