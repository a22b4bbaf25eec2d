"""The server's admin window: a Qt Widgets view over a running `ChatServer`.

Only the launcher imports this package; the server core imports no widget, so `--headless`
runs the same core without it.
"""

from __future__ import annotations

from app.server.admin.window import AdminWindow
from app.server.server import ChatServer
from app.shared.screens import fit_to_screen

__all__ = ["AdminWindow", "open_admin_window"]


def open_admin_window(server: ChatServer) -> AdminWindow:
    """Create and show the admin window for a listening `server`.

    Keep the returned controller referenced while the application runs; its `form` is the
    window. Closing the window shuts the server down; quit the application on `shut_down`.
    """
    window = AdminWindow(server)
    fit_to_screen(window.form)
    window.form.show()
    return window
