"""The admin window's Operators, Reports and Audit log tabs, over a real core on its own
thread and real clients: a report arrives live, an operator granted from the tab is one at
the next login, the audit log lists a kick."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow
from tests.conftest import PASSWORD
from tests.server.admin.conftest import TIMEOUT_MS, click_row
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def rows(model) -> list[list[str]]:
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def show_tab(admin: AdminWindow, name: str) -> None:
    tabs = admin.form.findChild(QTabWidget, "adminTabs")
    tabs.setCurrentWidget(admin.form.findChild(QWidget, name))


def say(member: WireClient, text: str) -> int:
    member.send(type="say", text=text)
    return int(member.expect("message")["seq"])


def test_a_report_appears_live_and_is_dismissed(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    tabs = admin.moderation
    show_tab(admin, "reportsTab")
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice, "Lounge", capacity=3)
    alice_in = enter(connect, room, ticket)
    bob_in = join(connect, bob, room)
    seq = say(alice_in, "<b>rude</b> words")
    bob_in.send(type="report", seq=seq, reason="not nice", id="r")
    bob_in.expect("reported")
    qtbot.waitUntil(lambda: tabs.reports_model.rowCount() == 1, timeout=TIMEOUT_MS)
    when, room_name, reporter, author, text, reason = rows(tabs.reports_model)[0]
    assert (room_name, reporter, author, reason) == ("Lounge", "bob", "alice", "not nice")
    assert text == "<b>rude</b> words"  # the model's plain text, shown literally
    assert when.startswith("20")
    assert not tabs.dismiss_button.isEnabled()  # nothing selected
    click_row(qtbot, tabs.reports_view, 0)
    assert tabs.dismiss_button.isEnabled()
    qtbot.mouseClick(tabs.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tabs.reports_model.rowCount() == 0, timeout=TIMEOUT_MS)
    assert admin.status_bar.currentMessage() == "Report dismissed"


def logged_in_as_operator(connect: Connect, name: str) -> bool:
    client = connect()
    operator = client.request("login", "logged_in", name=name, password=PASSWORD)["operator"]
    client.close()
    return bool(operator)


def test_an_operator_granted_from_the_tab_is_one_at_the_next_login(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    tabs = admin.moderation
    show_tab(admin, "operatorsTab")
    login("kim").close()
    assert not logged_in_as_operator(connect, "kim")
    qtbot.keyClicks(tabs.name_edit, "KIM")  # any case: the account's key
    qtbot.mouseClick(tabs.grant_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tabs.operators == ("kim",), timeout=TIMEOUT_MS)
    assert admin.status_bar.currentMessage() == "kim is an operator from their next login"
    assert tabs.operators_model.stringList() == ["kim"]
    assert logged_in_as_operator(connect, "kim")
    qtbot.keyClicks(tabs.name_edit, "nobody")
    qtbot.mouseClick(tabs.grant_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: admin.status_bar.currentMessage() == "There is no account called nobody",
        timeout=TIMEOUT_MS,
    )
    click_row(qtbot, tabs.operators_view, 0)  # fills in the name
    assert tabs.name_edit.text() == "kim"
    qtbot.mouseClick(tabs.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tabs.operators == (), timeout=TIMEOUT_MS)
    assert not logged_in_as_operator(connect, "kim")


def test_the_audit_log_lists_kicks_newest_first(
    qtbot: QtBot, admin: AdminWindow, login: Login, connect: Connect
) -> None:
    tabs = admin.moderation
    show_tab(admin, "auditTab")
    alice, bob, lee = login("alice"), login("bob"), login("lee")
    room, ticket = create(alice, "Lounge", capacity=4)
    alice_in = enter(connect, room, ticket)
    bob_in = join(connect, bob, room)
    join(connect, lee, room)
    alice_in.send(type="kick", name="bob", reason="spam", id="k")
    bob_in.expect_error("kicked")
    qtbot.waitUntil(lambda: tabs.audit_model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert rows(tabs.audit_model)[0][1:] == ["Lounge", "alice", "kicked", "bob", "spam"]
    admin.core.kick(room["id"], "lee")  # as the Kick button does
    qtbot.waitUntil(lambda: tabs.audit_model.rowCount() == 2, timeout=TIMEOUT_MS)
    assert rows(tabs.audit_model)[0][1:] == ["Lounge", "the admin window", "kicked", "lee", ""]
