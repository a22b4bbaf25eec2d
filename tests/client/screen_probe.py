"""Run as `python -m tests.client.screen_probe DB`: opens every window as the app does and
prints, as JSON, each one's frame and its screen's available area (for test_sizes.py, which
runs it under a chosen screen size and `QT_SCALE_FACTOR`)."""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QApplication, QWidget


def main(db_path: str) -> None:
    app = QApplication(sys.argv[:1])
    from app.client.chat_window import ChatWindow
    from app.client.create_room_dialog import CreateRoomDialog
    from app.client.current_session import CurrentSession
    from app.client.login_window import LoginWindow
    from app.client.main_window import MainWindow
    from app.client.password_dialog import PasswordDialog
    from app.server.admin import CoreThread, open_admin_window
    from app.server.config import ServerConfig
    from app.server.server import ChatServer
    from app.shared.protocol import RoomSummary

    current = CurrentSession()
    login = LoginWindow("127.0.0.1", 4000)
    login.show()
    main = MainWindow(current)
    main.show_rooms([])
    room = RoomSummary(1, "Lounge", 4001, 0, 5, False, "alice", "2024-01-01T00:00:00Z")
    chat = ChatWindow(room, current)
    chat.show()  # a room in its own window (popped out of the main window)
    password = PasswordDialog(main.form, 1, "Lounge")
    password.open()
    create = CreateRoomDialog(main.form)
    create.open()
    config = ServerConfig(db_path=db_path, port=0, hash_profile="test")
    core = CoreThread(lambda parent: ChatServer(config, parent))
    core.start()
    assert core.listen() is not None
    admin = open_admin_window(core.bridge)
    windows: dict[str, QWidget] = {
        "login": login.form,
        "main": main.form,
        "chat": chat.form,
        "password": password.form,
        "create_room": create.form,
        "admin": admin.form,
    }
    for _ in range(5):
        app.processEvents()
    report = {}
    for name, window in windows.items():
        frame = window.frameGeometry()
        area = window.screen().availableGeometry()
        report[name] = {
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "area": [area.x(), area.y(), area.width(), area.height()],
        }
    print(json.dumps(report))
    core.stop()


if __name__ == "__main__":
    main(sys.argv[1])
