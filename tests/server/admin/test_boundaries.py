"""The admin window stays outside the core: no widgets in the server, its form is complete."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from app.server.admin import report_actions, room_moderation
from app.server.admin.window import FORM_NAME, REQUIRED
from app.shared.forms import form_path

APP = Path(__file__).resolve().parents[3] / "app"
LAUNCHER = APP / "server" / "cli.py"


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_server_core_imports_no_widgets() -> None:
    # Checked in the source: PySide6.QtSql itself loads QtWidgets, so sys.modules can't tell.
    core = [p for p in (APP / "server").glob("*.py") if p != LAUNCHER]
    assert core
    for path in core:
        widgets = {m for m in imported_modules(path) if m.startswith("PySide6.QtWidgets")}
        assert not widgets, f"{path.name} imports {widgets}"


def test_only_the_launcher_imports_the_admin_window() -> None:
    admin = APP / "server" / "admin"
    for path in APP.rglob("*.py"):
        if path == LAUNCHER or admin in path.parents:
            continue
        modules = imported_modules(path)
        assert not any(m.startswith("app.server.admin") for m in modules), path


def test_only_the_bridge_and_the_core_thread_touch_the_core() -> None:
    # The window's side (on the GUI thread) sees plain data from the bridge's signals; a
    # core object read there would race the core's own thread.
    admin = APP / "server" / "admin"
    core_side = ("bridge.py", "node_feed.py", "core_thread.py")  # node_feed: the bridge's part
    window_side = [p for p in admin.glob("*.py") if p.name not in core_side]
    assert len(window_side) >= 5
    for path in window_side:
        core = {
            m
            for m in imported_modules(path)
            if m.startswith("app.server.") and not m.startswith("app.server.admin")
        }
        assert not core, f"{path.name} imports {core}"


def test_the_form_names_every_widget_the_controller_needs() -> None:
    tree = ElementTree.parse(form_path(FORM_NAME))
    names = {element.get("name") for element in tree.iter() if element.get("name")}
    assert set(REQUIRED + report_actions.REQUIRED + room_moderation.REQUIRED) <= names
    top = tree.getroot().find("widget")
    assert top is not None and top.get("class") == "QMainWindow"
