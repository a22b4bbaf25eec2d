"""The server's admin window: a Qt Widgets view over a `ChatServer` running on a thread
of its own (`CoreThread`), seen only through a `CoreBridge`.

Only the launcher imports this package; the server core imports no widget, so `--headless`
runs the same core without it (and without the extra thread).
"""

from __future__ import annotations

from app.server.admin.bridge import CoreBridge
from app.server.admin.core_thread import CoreThread
from app.server.admin.window import AdminWindow
from app.shared.screens import fit_to_screen

__all__ = ["AdminWindow", "CoreBridge", "CoreThread", "open_admin_window"]


def open_admin_window(core: CoreBridge) -> AdminWindow:
    """Create and show the admin window for a listening server's bridge.

    Keep the returned controller referenced while the application runs; its `form` is the
    window. Closing the window shuts the server down; quit the application on `shut_down`.
    """
    window = AdminWindow(core)
    fit_to_screen(window.form)
    window.form.show()
    return window
