"""The Reports tab's acts and the audit log's room filter, over a real core on its own
thread and real members: delete, mute and ban from a report go through the room's own
moderation as the server, and resolve the report."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow
from tests.server.admin.conftest import TIMEOUT_MS, answer, click_row
from tests.server.admin.test_moderation_tabs import Connect, Login, rows, say, show_tab
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

YES = QMessageBox.StandardButton.Yes


def reported_room(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> tuple[WireClient, WireClient, int]:
    """alice says something in Lounge, bob reports it, the tab shows it selected."""
    show_tab(admin, "reportsTab")
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice, "Lounge", capacity=3)
    alice_in = enter(connect, room, ticket)
    bob_in = join(connect, bob, room)
    seq = say(alice_in, "rude words")
    bob_in.expect("message")
    bob_in.send(type="report", seq=seq, reason="not nice", id="r")
    bob_in.expect("reported")
    tabs = admin.moderation
    qtbot.waitUntil(lambda: tabs.reports_model.rowCount() == 1, timeout=TIMEOUT_MS)
    click_row(qtbot, tabs.reports_view, 0)
    return alice_in, bob_in, seq


def test_delete_from_a_report_reaches_every_member_and_closes_it(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, bob_in, seq = reported_room(qtbot, admin, login, connect)
    question = answer(qtbot, admin, admin.report_actions.delete_button, YES)
    assert "alice" in question and "Lounge" in question
    for member in (alice_in, bob_in):
        deleted = member.expect("message_deleted")
        assert (deleted["seq"], deleted["by"]) == (seq, "the server")
    tabs = admin.moderation
    qtbot.waitUntil(lambda: tabs.reports_model.rowCount() == 0, timeout=TIMEOUT_MS)
    assert admin.status_bar.currentMessage() == "Message deleted; report closed"


def test_mute_from_a_report_keeps_the_author_quiet(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, bob_in, _seq = reported_room(qtbot, admin, login, connect)
    actions = admin.report_actions
    actions.duration_combo.setCurrentIndex(1)  # 1 hour
    answer(qtbot, admin, actions.mute_button, YES)
    muted = bob_in.expect("moderation")
    assert (muted["action"], muted["name"], muted["minutes"]) == ("mute", "alice", 60)
    alice_in.send(type="say", text="again", id="s")
    alice_in.expect_error("muted")
    tabs = admin.moderation
    qtbot.waitUntil(lambda: tabs.reports_model.rowCount() == 0, timeout=TIMEOUT_MS)


def test_ban_from_a_report_closes_the_author_and_is_in_the_audit_log(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    alice_in, bob_in, _seq = reported_room(qtbot, admin, login, connect)
    actions = admin.report_actions
    qtbot.keyClicks(actions.reason_edit, "rudeness")
    answer(qtbot, admin, actions.ban_button, YES)
    banned = alice_in.expect_error("banned")
    assert banned["reason"] == "rudeness"
    alice_in.wait_closed()
    assert bob_in.expect("left")["banned_by"] == "the server"
    tabs = admin.moderation
    qtbot.waitUntil(lambda: tabs.audit_model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert rows(tabs.audit_model)[0][1:] == [
        "Lounge", "the admin window", "banned", "alice", "10 min · rudeness"
    ]  # fmt: skip
    qtbot.waitUntil(lambda: tabs.reports_model.rowCount() == 0, timeout=TIMEOUT_MS)


def test_the_audit_log_filters_by_room(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    tabs = admin.moderation
    show_tab(admin, "auditTab")
    alice, bob = login("alice"), login("bob")
    for name in ("Lounge", "Lounge 2"):
        room, ticket = create(alice, name, capacity=3)
        enter(connect, room, ticket)
        join(connect, bob, room)
        admin.core.kick(room["id"], "bob")
    qtbot.waitUntil(lambda: tabs.audit_model.rowCount() == 2, timeout=TIMEOUT_MS)
    combo = tabs.audit_room_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All rooms", "Lounge", "Lounge 2"
    ]  # fmt: skip
    combo.setCurrentIndex(1)
    assert [line[1] for line in rows(tabs.audit_view.model())] == ["Lounge"]
    combo.setCurrentIndex(0)
    assert tabs.audit_view.model().rowCount() == 2
