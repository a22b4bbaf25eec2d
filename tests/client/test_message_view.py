"""The message list: text selected by mouse and keyboard, copied, quoted; links that open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QDesktopServices, QFontMetrics, QGuiApplication, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from app.client import links
from app.client.chat_models import ChatEntry, EntryKind
from app.client.chat_window import ChatWindow
from app.client.current_session import CurrentSession
from app.shared.protocol import ChatMessage, RoomSummary
from tests.client.conftest import WAIT_MS
from tests.plain_text import ESCAPED, HOSTILE

ROOM = RoomSummary(1, "Lounge", 4001, 0, 5, False, "alice", "2024-01-01T00:00:00Z")


@pytest.fixture
def chat(qtbot):
    """A room's view on screen (no server needed to show and select messages)."""
    chat = ChatWindow(ROOM, CurrentSession())
    chat.form.resize(720, 480)
    chat.form.show()
    qtbot.waitExposed(chat.form)
    yield chat
    with qtbot.waitSignal(chat.form.destroyed, timeout=WAIT_MS):  # before its models go
        chat.leave()


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The URLs handed to the browser (QDesktopServices.openUrl, replaced)."""
    urls: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: urls.append(url.toString()) or True
    )
    return urls


def _add(qtbot, chat, text: str, sender: str = "bob") -> int:
    chat.messages.append(ChatEntry(EntryKind.MESSAGE, text, sender))
    row = chat.messages.rowCount() - 1
    view = chat.messages_view
    qtbot.waitUntil(lambda: view.visualRect(chat.messages.index(row, 0)).isValid(), timeout=WAIT_MS)
    return row


def _at(chat, row: int, text: str, prefix: str) -> QPoint:
    """Where, in the view's viewport, the character after `prefix` of message `row` is."""
    view = chat.messages_view
    index = chat.messages.index(row, 0)
    option = chat.view_actions._option(index)
    origin = chat.delegate.body_origin(index, QRectF(view.visualRect(index)), option)
    metrics = QFontMetrics(view.font())
    assert text.startswith(prefix)
    return QPointF(
        origin.x() + metrics.horizontalAdvance(prefix) + 1, origin.y() + metrics.height() / 2
    ).toPoint()


def test_text_is_selected_with_the_mouse_and_copied(qtbot, chat) -> None:
    text = "hello world, and more"
    row = _add(qtbot, chat, text)
    viewport = chat.messages_view.viewport()
    start, end = _at(chat, row, text, ""), _at(chat, row, text, "hello world")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(start.x() - 1, start.y()))
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert chat.view_actions.selected_text() == "hello world"
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(chat.messages_view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "hello world"


def test_the_list_is_reached_with_tab_and_messages_selected_with_arrows(qtbot, chat) -> None:
    for text in ("one", "two", "three"):
        _add(qtbot, chat, text)
    view = chat.messages_view
    chat.input_edit.setEnabled(True)  # as when in the room
    chat.input_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chat.input_edit, timeout=WAIT_MS)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view  # Tab reaches the list
    qtbot.keyClick(view, Qt.Key.Key_End)
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "bob: two\nbob: three"


def test_the_context_menu_copies_a_link_and_quotes(qtbot, chat) -> None:
    text = "see https://example.org/a_(b) now\nand this"
    row = _add(qtbot, chat, text)
    point = _at(chat, row, text, "see https://exa")
    chat.messages_view.customContextMenuRequested.emit(point)
    menu = chat.view_actions.menu
    assert menu is not None and menu.isVisible()
    actions = {action.text(): action for action in menu.actions()}
    assert set(actions) == {"&Copy", "Copy &link", "&Quote"}
    QGuiApplication.clipboard().clear()
    actions["Copy &link"].trigger()
    assert QGuiApplication.clipboard().text() == "https://example.org/a_(b)"
    menu.close()
    chat.input_edit.setEnabled(True)
    chat.messages_view.customContextMenuRequested.emit(point)
    quote = next(a for a in chat.view_actions.menu.actions() if a.text() == "&Quote")
    quote.trigger()
    assert chat.input_edit.toPlainText() == "> bob: see https://example.org/a_(b) now\n> and this\n"


def test_only_http_and_https_links_are_opened_on_click(qtbot, chat, opened) -> None:
    text = "https://example.org/x javascript:alert(1) file:///etc/passwd ftp://h/f"
    row = _add(qtbot, chat, text)
    viewport = chat.messages_view.viewport()
    link = _at(chat, row, text, "https://exam")
    qtbot.mouseMove(viewport, link)
    assert viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor  # it looks clickable
    help_event = QHelpEvent(QEvent.Type.ToolTip, link, viewport.mapToGlobal(link))
    QApplication.sendEvent(viewport, help_event)
    assert "https://example.org/x" in QToolTip.text()  # the URL shows on hover
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=link)
    assert opened == ["https://example.org/x"]
    for prefix in (
        "https://example.org/x javascript:al",
        "https://example.org/x javascript:alert(1) file:///e",
    ):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_at(chat, row, text, prefix))
    ftp = _at(chat, row, text, text[: text.index("ftp://") + 3])
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=ftp)
    assert opened == ["https://example.org/x"]  # nothing but the http(s) link


def test_links_are_found_and_checked_before_opening(opened) -> None:
    found = links.find_links("a http://x.org/p, (https://y.org/q_(r)). https:// end")
    assert [url for _s, _e, url in found] == ["http://x.org/p", "https://y.org/q_(r)"]
    for url in ("javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/", "https://", "data:,x"):
        assert not links.open_link(url), url
    assert links.open_link("HTTPS://Example.org/") and opened == ["https://example.org/"]


def test_linked_text_stays_plain_text() -> None:
    html = links.linked_html(f"{HOSTILE} https://x.org/?a=1&b=<i>")
    assert ESCAPED in html and "<h1" not in html and "<i>" not in html
    assert html.count("<a ") == 1 and 'href="https://x.org/?a=1&amp;b="' in html


def test_messages_filled_in_above_keep_a_scrolled_back_view_still(qtbot, chat) -> None:
    for seq in [*range(1, 11), *range(41, 91)]:
        chat.messages.append(ChatEntry(EntryKind.MESSAGE, f"m{seq}", "bob", seq=seq))
    view = chat.messages_view
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)
    view.scrollTo(chat.messages.index(30, 0), view.ScrollHint.PositionAtTop)  # scrolled back
    qtbot.waitUntil(lambda: not chat._follow, timeout=WAIT_MS)
    top = view.indexAt(QPoint(0, 0)).data(Qt.ItemDataRole.DisplayRole)
    missed = [ChatMessage(seq, "bob", f"m{seq}", "2024-01-01T00:00:00Z") for seq in range(11, 41)]
    chat._insert_missed(41, missed)
    rows = range(chat.messages.rowCount())
    said = [chat.messages.entry(r) for r in rows if chat.messages.entry(r).kind != EntryKind.DAY]
    assert [entry.text for entry in said] == [f"m{s}" for s in range(1, 91)]
    qtbot.waitUntil(
        lambda: view.indexAt(QPoint(0, 0)).data(Qt.ItemDataRole.DisplayRole) == top,
        timeout=WAIT_MS,
    )
