"""The admin window shows room names and other clients' text literally, never as rich text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow
from tests.plain_text import (
    HOSTILE,
    check_labels,
    check_model_tooltips,
    check_widget_tooltips,
    labels_in,
    shown,
    top_level_labels,
)
from tests.server.admin.conftest import TIMEOUT_MS, select_member, select_room
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def confirm(qtbot: QtBot, admin: AdminWindow, button: QPushButton) -> QMessageBox:
    with qtbot.waitSignal(admin.confirmation_opened, timeout=TIMEOUT_MS) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    box: QMessageBox = opened.args[0]
    assert box.isVisible()
    return box


def check_box(box: QMessageBox, *expected: str) -> None:
    """The box shows HOSTILE (and each `expected` piece) as written, and nothing as markup."""
    assert box.textFormat() == Qt.TextFormat.PlainText
    showing = check_labels(top_level_labels())
    assert [label for label in showing if label in labels_in([box])], box.text()
    seen = shown(box.text(), box.textFormat())
    for piece in (HOSTILE, *expected):
        assert piece in seen


def test_every_admin_widget_shows_a_hostile_room_name_as_written(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice = login("alice")
    room, ticket = create(alice, HOSTILE)
    enter(connect, room, ticket)
    select_room(qtbot, admin, room["id"])
    qtbot.waitUntil(lambda: admin.members_model.names() == ["alice"], timeout=TIMEOUT_MS)
    select_member(qtbot, admin, "alice")

    check_labels(labels_in([admin.form]))
    check_widget_tooltips([admin.form])
    assert HOSTILE in admin.members_group.title()  # a group box title is always plain
    assert check_model_tooltips(admin.rooms_view.model(), "rooms") == 0
    check_model_tooltips(admin.members_model, "members")
    # The log says "room 1 '<h1 …' opened on port …": its tooltip shows that literally.
    assert check_model_tooltips(admin.log_model, "log") >= 1

    kick = confirm(qtbot, admin, admin.kick_button)
    check_box(kick, "alice")
    check_widget_tooltips([kick])
    qtbot.mouseClick(kick.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: admin.confirmation is None, timeout=TIMEOUT_MS)

    close = confirm(qtbot, admin, admin.close_room_button)
    # The trailing "<!--" must not hide the real port from the operator.
    check_box(close, f"(port {room['port']})", "member(s) will be disconnected")
    qtbot.mouseClick(close.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: admin.confirmation is None, timeout=TIMEOUT_MS)
    # The core answers the close by a queued signal; QStatusBar paints plain text.
    qtbot.waitUntil(lambda: HOSTILE in admin.status_bar.currentMessage(), timeout=TIMEOUT_MS)
    check_labels(labels_in([admin.form]))
