"""The attention part of `make screenshots`: unread counts, a mention mark and a desktop
notification, as the person sees them.

    python -m tools.attention_screenshot [--out docs/screenshots] [--display :98]

On a virtual X display of its own (see tools/screenshots.py) this runs a private
`dbus-daemon --session` and the `dunst` notification daemon on it, points the client at
that bus (DBUS_SESSION_BUS_ADDRESS), lets others write in two rooms that are not in front
of the person (one with an @mention), and grabs the whole X screen so dunst's popup is in
the picture next to the main window. Without dunst it says so and the picture shows the
window alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools.screenshots import (
    DEFAULT_OUT,
    PASSWORD,
    ROOT,
    Person,
    pump_until,
    server_process,
    settle,
    type_text,
    virtual_display,
)

WINDOW_WIDTH = 840  # at x=24, ending left of dunst's popup (about 400 px from the right)
SHOT_HEIGHT = 624  # the window (y 24..584 and its frame) and a margin

# Top right, clear of the main window at the left; large enough to read in the README.
DUNSTRC = """[global]
    font = Noto Sans CJK KR 11
    width = 360
    origin = top-right
    offset = 24x40
    frame_width = 2
    frame_color = "#5b8def"
    corner_radius = 6
    padding = 12
    horizontal_padding = 14
    icon_position = off
    show_indicators = no
    markup = no
    format = "<b>%s</b>\\n%b"
[urgency_normal]
    background = "#ffffff"
    foreground = "#202124"
    timeout = 0
"""


@contextmanager
def session_bus(folder: Path) -> Iterator[str]:
    """A private `dbus-daemon --session` while the block runs; yields its address."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--print-address", "--nofork", "--nopidfile"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=folder,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()  # printed once it listens
        if not address.startswith("unix:"):
            raise SystemExit(f"dbus-daemon did not start: {address!r}")
        yield address
    finally:
        daemon.terminate()
        daemon.wait(5)


@contextmanager
def notification_daemon(folder: Path, address: str) -> Iterator[subprocess.Popen[bytes] | None]:
    """`dunst` on the bus at `address` and the current DISPLAY, or None without dunst."""
    if shutil.which("dunst") is None:
        print("dunst is missing: the picture shows no notification popup", file=sys.stderr)
        yield None
        return
    config = folder / "dunstrc"
    config.write_text(DUNSTRC, encoding="utf-8")
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
    dunst = subprocess.Popen(
        ["dunst", "-config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield dunst
    finally:
        dunst.terminate()
        dunst.wait(5)


def service_owned() -> bool:
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.connectToBus(os.environ["DBUS_SESSION_BUS_ADDRESS"], "watch")
    return bool(bus.interface().isServiceRegistered("org.freedesktop.Notifications").value())


def desktop() -> Any:
    """A plain desktop behind the windows (Xvfb's root window is black)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    backdrop = QWidget()
    backdrop.setWindowFlags(
        Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowDoesNotAcceptFocus
    )
    backdrop.setStyleSheet("background: #3b4a5a;")
    backdrop.setGeometry(QGuiApplication.primaryScreen().geometry())
    backdrop.show()
    return backdrop


def save_screen(path: Path) -> None:
    """The X screen down to the main window's bottom edge: the window and whatever the
    notification daemon shows beside it (the empty rest is cut off)."""
    from PySide6.QtGui import QGuiApplication

    settle(600)
    screen = QGuiApplication.primaryScreen()
    if not screen.grabWindow(0, 0, 0, screen.geometry().width(), SHOT_HEIGHT).save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def stage(port: int, language: str, out: Path) -> None:
    """Log one person in (in `language`), put them in three rooms, the first in front, and
    let others write in the two behind: unread counts, a mention, a notification."""
    from PySide6.QtWidgets import QApplication

    from app.client.client_app import ClientApp
    from app.shared import i18n

    korean = language == "ko"
    me = "이지수" if korean else "alice"
    Person(port, me, log_in=False)
    friend, other = (
        Person(port, "김민지" if korean else "carol"),
        Person(port, "박준호" if korean else "bob"),
    )
    rooms = (
        ["독서 모임", "숙제 도우미", "동아리"]
        if korean
        else ["Book club", "Homework help", "Chess"]
    )
    made = [friend.create(f"{rooms[0]}", 8), other.create(rooms[1], 6), other.create(rooms[2], 6)]
    friend.join(made[2])
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    i18n.install_translators(app, language)
    backdrop = desktop()
    client = ClientApp("127.0.0.1", port)
    client.start()
    type_text(client.login.name_edit, me)
    type_text(client.login.password_edit, PASSWORD)
    client.login.login_button.click()
    lobby, main = client.lobby, client.main
    pump_until(lambda: lobby.connected, "the main window")
    chats = []
    for room in made:
        lobby.join(room)

        def entered(room_id: int = room.id) -> bool:
            chat = lobby.joiner.chat_for(room_id)
            return chat is not None and bool(chat.connected)

        pump_until(entered, f"entering {room.name}")
        chats.append(lobby.joiner.chat_for(room.id))
    main.form.move(24, 24)
    main.form.resize(WINDOW_WIDTH, 560)
    main.go_to(next(key for key, known in main.chats.items() if known is chats[0]))
    main.form.raise_()
    main.form.activateWindow()
    friend.say(
        rooms[0], "어서 오세요! 4장까지 읽었어요." if korean else "Welcome! I'm on chapter 4."
    )
    if korean:
        other.say(rooms[1], "수학 숙제 3번 푸신 분 계세요?")
        other.say(rooms[1], "@이지수 님, 42쪽 예제 좀 같이 봐 주실래요?")
        other.say(rooms[2], "토요일 대회 명단 올렸어요.")
        friend.say(rooms[2], "저도 나갈게요!")
        friend.say(rooms[2], "연습은 금요일 5시예요.")
    else:
        other.say(rooms[1], "Has anyone solved question 3?")
        other.say(rooms[1], "@alice could you check my answer to question 3?")
        other.say(rooms[2], "The tournament list for Saturday is up.")
        friend.say(rooms[2], "Count me in!")
        friend.say(rooms[2], "Practice is on Friday at 5.")

    def badges() -> bool:
        return main.attention.state(_key(main, chats[1])).unread == 2 and (
            main.attention.state(_key(main, chats[2])).unread == 3
        )

    pump_until(badges, "the unread counts")
    save_screen(out / ("attention_ko.png" if korean else "attention.png"))
    client.shutdown()
    backdrop.close()


def _key(main: Any, chat: Any) -> object:
    return next(key for key, known in main.chats.items() if known is chat)


def capture(port: int, out: Path, folder: Path, language: str) -> None:
    """One language's picture, in a fresh application."""
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.client.ui import add_icon_search_path, icon

    app = QApplication([sys.argv[0]])
    app.setApplicationName("RoomChat")
    app.setOrganizationName("RoomChat")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    add_icon_search_path()
    app.setWindowIcon(icon("roomchat"))
    out.mkdir(parents=True, exist_ok=True)
    if shutil.which("dunst"):
        pump_until(service_owned, "the notification service on the bus")
    stage(port, language, out)


def main(argv: list[str] | None = None) -> int:
    from tools.screenshots import ensure_packages

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNGs")
    parser.add_argument("--display", default=":98", help="X display for Xvfb (default :98)")
    parser.add_argument("--lang", choices=["en", "ko"], help="one language (default: both)")
    args = parser.parse_args(argv)
    ensure_packages()
    if args.lang is None:  # each language in a process of its own: a fresh screen and server
        for language in ("en", "ko"):
            command = [sys.executable, "-m", "tools.attention_screenshot", "--lang", language]
            command += ["--out", str(args.out), "--display", args.display]
            subprocess.run(command, check=True, cwd=ROOT)
        return 0
    with tempfile.TemporaryDirectory() as temp, virtual_display(args.display):
        folder = Path(temp)
        with (
            session_bus(folder) as address,
            notification_daemon(folder, address),
            server_process(folder) as port,
        ):
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
            capture(port, args.out.resolve(), folder, args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
