"""`make screenshots`: the real client and server on a virtual X display, saved as PNGs.

    python -m tools.screenshots [--out docs/screenshots] [--display :99]

Starts Xvfb (installing it, a CJK font, dbus and dunst with apt-get when missing and
running as root), starts the server as `main.py --mode server --headless --port 0`, then
runs the client's real windows in this process on the xcb platform, drives them by code as
a person would, and saves each window with `QWidget.grab()`. Other people in the rooms are
played by the client's own `MainSession` and `RoomConnection`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from app.shared.protocol import JoinGranted, Request, RoomCreated, RoomSummary

Reply = TypeVar("Reply")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse"
TIMEOUT = 15.0


def ensure_packages() -> None:
    """Install Xvfb, a CJK font, the xcb plugin's libraries, and D-Bus with the dunst
    notification daemon (tools/attention_screenshot.py) when they are missing and we may
    (root, apt-get)."""
    from tools.xcb_libs import missing_packages

    have_font = b"CJK" in subprocess.run(["fc-list"], capture_output=True).stdout
    missing = [] if shutil.which("Xvfb") else ["xvfb"]
    missing += [] if have_font else ["fonts-noto-cjk"]
    missing += [] if shutil.which("dbus-daemon") else ["dbus"]
    missing += [] if shutil.which("dunst") else ["dunst"]
    missing += missing_packages()  # what Qt's xcb plugin links against
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"please install {' '.join(missing)} (needs root and apt-get)")
    subprocess.run(["apt-get", "install", "-y", *missing], check=True)


@contextmanager
def virtual_display(display: str) -> Iterator[None]:
    """Run Xvfb on `display` while the block runs; DISPLAY points at it."""
    number = display.lstrip(":")
    if Path(f"/tmp/.X11-unix/X{number}").exists():
        raise SystemExit(f"display {display} is taken; pass --display :N")
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not Path(f"/tmp/.X11-unix/X{number}").exists():  # no event loop yet
            if xvfb.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Xvfb did not start")
            time.sleep(0.05)
        os.environ["DISPLAY"] = display
        yield
    finally:
        xvfb.terminate()
        xvfb.wait(5)


@contextmanager
def server_process(folder: Path) -> Iterator[int]:
    """The real server, headless, on a free port; yields that port."""
    command = [sys.executable, str(ROOT / "main.py"), "--mode", "server", "--headless"]
    command += ["--port", "0", "--db", str(folder / "chat.sqlite3"), "--hash-profile", "test"]
    command += ["--registrations-per-address", "0"]  # every person signs up from 127.0.0.1
    command += ["--log-level", "warning"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()  # "listening on HOST:PORT", or EOF on failure
        if not line.startswith("listening on "):
            raise SystemExit(f"the server did not start: {line!r}")
        yield int(line.rsplit(":", 1)[1])
    finally:
        server.terminate()
        server.wait(10)


def pump_until(condition: Callable[[], object], what: str) -> None:
    from tools.qtwait import pump_until as pump  # Qt is imported only once the display is set

    pump(condition, what, TIMEOUT)


def settle(ms: int = 300) -> None:
    """Let windows map, lay out and paint."""
    end = time.monotonic() + ms / 1000
    pump_until(lambda: time.monotonic() >= end, "the windows to settle")


def save(widget, path: Path) -> None:
    widget.raise_()
    widget.activateWindow()
    settle()
    if not widget.grab().save(str(path)):
        raise SystemExit(f"cannot write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


class Person:
    """Someone else on the server, played through the client's own connection classes."""

    def __init__(self, port: int, name: str, log_in: bool = True) -> None:
        from app.client.session import MainSession

        self.name = name
        self.rooms: dict[str, object] = {}
        self.session = MainSession()
        self.session.open("127.0.0.1", port)
        pump_until(lambda: self.session.is_open, f"{name} to connect")
        from app.shared.protocol import LoggedIn, Login, Register, Registered

        self.call(Register(name, PASSWORD), Registered)
        if log_in:
            self.call(Login(name, PASSWORD), LoggedIn)

    def call(self, request: Request, expected: type[Reply]) -> Reply:
        box: dict[str, Any] = {}
        self.session.request(
            request,
            expected,
            lambda reply: box.update(reply=reply),
            lambda error: box.update(error=error.code),
        )
        pump_until(lambda: bool(box), f"{self.name}: {request.TYPE}")
        if "error" in box:
            raise SystemExit(f"{self.name}: {request.TYPE} failed: {box['error']}")
        reply: Reply = box["reply"]
        return reply

    def enter(self, granted: RoomCreated | JoinGranted) -> None:
        from app.client.session import RoomConnection

        room = RoomConnection()
        entered: list[object] = []
        room.entered.connect(entered.append)
        room.enter("127.0.0.1", granted.room.port, granted.ticket)
        pump_until(lambda: bool(entered), f"{self.name} to enter {granted.room.name}")
        self.rooms[granted.room.name] = room

    def create(self, name: str, capacity: int, password: str | None = None) -> RoomSummary:
        from app.shared.protocol import CreateRoom, RoomCreated

        created = self.call(CreateRoom(name, capacity, password), RoomCreated)
        self.enter(created)
        return created.room

    def join(self, room: RoomSummary, password: str | None = None) -> None:
        from app.shared.protocol import JoinGranted, JoinRoom

        self.enter(self.call(JoinRoom(room.id, password), JoinGranted))

    def say(self, room_name: str, text: str) -> None:
        self.rooms[room_name].say(text)  # type: ignore[attr-defined]


def type_text(widget, text: str) -> None:
    widget.clear()
    if hasattr(widget, "insertPlainText"):  # the chat's multi-line input
        widget.insertPlainText(text)
    else:
        widget.insert(text)


def capture(port: int, out: Path, folder: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.client.client_app import ClientApp
    from app.client.login_window import LoginWindow
    from app.client.ui import add_icon_search_path, icon
    from app.shared import i18n
    from tools.search_screenshot import save_search

    app = QApplication([sys.argv[0]])
    app.setApplicationName("RoomChat")
    app.setOrganizationName("RoomChat")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    add_icon_search_path()
    app.setWindowIcon(icon("roomchat"))
    i18n.install_translators(app, "en")
    out.mkdir(parents=True, exist_ok=True)

    carol, dmitri, erin, farah = (Person(port, n) for n in ("carol", "dmitri", "erin", "farah"))
    minji, bob = Person(port, "김민지"), Person(port, "bob")
    Person(port, "alice", log_in=False)  # registers alice; she logs in through the window
    Person(port, "이지수", log_in=False)  # logs in through the Korean window
    book_club = carol.create("Book club", 8)
    carol.say("Book club", "Has everyone finished chapter 3?")
    minji.join(book_club)
    minji.say("Book club", "안녕하세요! 거의 다 읽었어요.")
    homework = erin.create("Homework help", 6)
    farah.join(homework)
    dmitri.create("Staff room", 4, password="staff only")
    pair = bob.create("Pair programming", 2)
    erin.join(pair)

    client = ClientApp("127.0.0.1", port)
    client.start()
    login = client.login
    type_text(login.name_edit, "alice")
    type_text(login.password_edit, "wrong password")
    login.form.resize(440, login.form.sizeHint().height())
    save(login.form, out / "login.png")
    login.login_button.click()
    pump_until(lambda: login.error_label.isVisible(), "the failed login")
    save(login.form, out / "login_failed.png")

    type_text(login.password_edit, PASSWORD)
    login.login_button.click()
    lobby, main = client.lobby, client.main
    pump_until(lambda: lobby.connected and lobby.model.rowCount() == 4, "the lobby")
    main.form.resize(900, 520)
    lobby.view.selectRow(0)
    save(main.form, out / "main_window.png")

    lobby.open_create_dialog()
    dialog = lobby.create_dialog
    assert dialog is not None
    type_text(dialog.name_edit, "Study group")
    dialog.capacity_spin.setValue(8)
    dialog.private_check.setChecked(True)
    type_text(dialog.password_edit, "exam week")
    save(dialog.form, out / "create_room.png")
    dialog.form.reject()

    rooms = [lobby.model.room_at(row) for row in range(lobby.model.rowCount())]
    staff_room = next(room for room in rooms if room is not None and room.name == "Staff room")
    lobby.join(staff_room)
    pump_until(lambda: lobby.password_dialog is not None, "the password dialog")
    password_dialog = lobby.password_dialog
    assert password_dialog is not None
    type_text(password_dialog.password_edit, "let me in")
    password_dialog.join_button.click()
    pump_until(lambda: password_dialog.error_label.isVisible(), "the wrong password")
    save(password_dialog.form, out / "password_dialog.png")
    password_dialog.form.reject()

    lobby.join(book_club)
    pump_until(lambda: lobby.joiner.chat_for(book_club.id) is not None, "the chat window")
    chat = lobby.joiner.chat_for(book_club.id)
    assert chat is not None
    pump_until(lambda: chat.connected, "entering the Book club")
    type_text(chat.input_edit, "Almost! The ending of chapter 3 surprised me.")
    chat.send_button.click()
    pump_until(lambda: chat.messages.last_seq >= 3, "alice's message")
    carol.say(
        "Book club", "Right? Notes are at https://example.org/book-club\nLet's talk on Friday."
    )
    bob.join(book_club)
    bob.say("Book club", "Count me in, I'll bring snacks.")
    pump_until(lambda: chat.messages.last_seq >= 5, "the conversation")
    homework_room = next(
        room for room in rooms if room is not None and room.name == "Homework help"
    )
    lobby.join(homework_room)  # a second room in the sidebar
    pump_until(lambda: lobby.joiner.chat_for(homework_room.id) is not None, "Homework help")
    main.go_to(next(key for key, known in main.chats.items() if known is chat))
    type_text(chat.input_edit, "See you all on Friday")
    save(main.form, out / "main_window_room.png")
    farah.say("Homework help", "Can someone explain the question at the end of chapter 3?")
    homework_chat = lobby.joiner.chat_for(homework_room.id)
    assert homework_chat is not None
    pump_until(lambda: homework_chat.messages.last_seq, "farah's question")
    save_search(main, "chapter", 3, out / "search.png", save)
    capture_room_settings(carol, chat, out)
    from tools.files_screenshot import capture_files

    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")  # fetched images: not the person's
    type_text(chat.input_edit, "")
    capture_files(main, chat, carol.rooms["Book club"], folder, out, pump_until, save)

    i18n.install_translators(app, "ko")
    korean = LoginWindow("127.0.0.1", port)
    korean.show()
    type_text(korean.name_edit, "김민지")
    type_text(korean.password_edit, PASSWORD)
    korean.form.resize(440, korean.form.sizeHint().height())
    save(korean.form, out / "login_ko.png")
    korean.form.close()
    korean_client = ClientApp("127.0.0.1", port)  # its windows load in Korean
    korean_client.start()
    type_text(korean_client.login.name_edit, "이지수")
    type_text(korean_client.login.password_edit, PASSWORD)
    korean_client.login.login_button.click()
    korean_lobby, korean_main = korean_client.lobby, korean_client.main
    pump_until(lambda: korean_lobby.connected, "the Korean main window")
    korean_lobby.join(book_club)
    pump_until(
        lambda: (
            (found := korean_lobby.joiner.chat_for(book_club.id)) is not None and found.connected
        ),
        "the Korean client in the Book club",
    )
    korean_main.form.resize(900, 520)
    minji.say("Book club", "지수 님, 어서 오세요! 저도 거의 다 읽었어요.")
    settle()
    save(korean_main.form, out / "main_window_ko.png")
    korean_lobby.join(homework_room)
    pump_until(
        lambda: (
            (found := korean_lobby.joiner.chat_for(homework_room.id)) is not None
            and found.connected
        ),
        "the Korean client in Homework help",
    )
    minji.say("Book club", "다음 주 독서 숙제는 4장까지 읽기예요.")
    farah.say("Homework help", "수학 숙제 3번 푸신 분 계세요?")
    erin.say("Homework help", "숙제 3번은 교과서 42쪽 예제를 보세요.")
    save_search(korean_main, "숙제", 3, out / "search_ko.png", save)
    korean_client.shutdown()
    client.shutdown()


def capture_room_settings(owner: Person, chat: Any, out: Path) -> None:
    """The owner names alice a moderator; alice opens Room settings and sets slow mode."""
    from app.shared.protocol import MODERATOR, SetRole

    owner.rooms["Book club"].send(SetRole("alice", MODERATOR))  # type: ignore[attr-defined]
    pump_until(lambda: chat.moderation.my_role() == MODERATOR, "alice to be a moderator")
    chat.moderation.open_settings()
    dialog = chat.moderation.dialog
    assert dialog is not None
    dialog.slow_spin.setValue(30)
    dialog.password_choice.setCurrentIndex(1)  # set a new password
    type_text(dialog.password_edit, "chapter four")
    dialog.form.resize(480, dialog.form.sizeHint().height())
    save(dialog.form, out / "room_settings.png")
    dialog.form.reject()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNGs")
    parser.add_argument("--display", default=":99", help="X display for Xvfb (default :99)")
    args = parser.parse_args(argv)
    ensure_packages()
    with (
        tempfile.TemporaryDirectory() as temp,
        virtual_display(args.display),
        server_process(Path(temp)) as port,
    ):
        capture(port, args.out.resolve(), Path(temp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
