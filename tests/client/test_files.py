"""Files and images in a room, against a real server: drop, paste, thumbnails, placeholders,
the viewer, saving to Downloads without overwriting, the upload queue."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.client.chat_models import ATTACHMENT_ROLE, EntryKind
from app.client.chat_window import ChatWindow
from app.client.thumbnails import State
from app.shared.protocol import Attachment
from tests.client.conftest import (
    WAIT_MS,
    activate,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)
from tests.client.images import bomb_png, encoded, truncated_jpeg


@pytest.fixture(autouse=True)
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own: Downloads and the cache are in it."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    return home


def _pair(qtbot: QtBot, make_client) -> tuple[ChatWindow, ChatWindow]:  # type: ignore[no-untyped-def]
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    alice_chat = create_room(qtbot, alice, "Files", capacity=5)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Files"))
    bob_chat = entered_chat(qtbot, bob, "Files")
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice", "bob"], timeout=WAIT_MS)
    return alice_chat, bob_chat


def _attachments(chat: ChatWindow) -> list[tuple[int, Attachment]]:
    model = chat.messages
    found = []
    for row in range(model.rowCount()):
        attachment = model.index(row, 0).data(ATTACHMENT_ROLE)
        if isinstance(attachment, Attachment):
            found.append((row, attachment))
    return found


def _arrived(qtbot: QtBot, chat: ChatWindow, name: str) -> tuple[int, Attachment]:
    def find() -> tuple[int, Attachment] | None:
        return next(((r, a) for r, a in _attachments(chat) if a.name == name), None)

    qtbot.waitUntil(lambda: find() is not None, timeout=10_000)
    found = find()
    assert found is not None
    return found


def _drop(chat: ChatWindow, paths: list[Path]) -> bool:
    """Drag files over the message list and drop them, as a file manager would."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    target = chat.messages_view.viewport()
    point = target.rect().center()
    action, none = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
    enter = QDragEnterEvent(point, action, data, none, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(point), action, data, none, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def _click_attachment(qtbot: QtBot, chat: ChatWindow, row: int, right: bool = False) -> None:
    view = chat.messages_view
    index = chat.messages.index(row, 0)
    view.scrollTo(index)
    rect = chat.delegate.attachment_rect(index, chat.view_actions._option(index))
    assert rect is not None
    point = (
        QPoint(int(rect.right()) - 30, int(rect.center().y())) if right else rect.center().toPoint()
    )
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_dropped_file_arrives_and_saves_to_downloads_beside_an_existing_one(
    qtbot: QtBot, make_client, tmp_path: Path, folders: Path
) -> None:
    alice_chat, bob_chat = _pair(qtbot, make_client)
    sheet = tmp_path / "worksheet.txt"
    content = b"question 1\n" * 10_000  # 110 KB: three chunks
    sheet.write_bytes(content)
    assert _drop(alice_chat, [sheet])
    row, attachment = _arrived(qtbot, bob_chat, "worksheet.txt")
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert not alice_chat.files.panel.isVisible() or alice_chat.files.uploads.rowCount() == 0
    downloads = folders / "Downloads"
    downloads.mkdir()
    (downloads / "worksheet.txt").write_bytes(b"my own notes")
    _click_attachment(qtbot, bob_chat, row, right=True)  # its Save button
    saved = downloads / "worksheet (1).txt"
    qtbot.waitUntil(lambda: bob_chat.files.saved(attachment), timeout=10_000)
    assert saved.read_bytes() == content
    assert (downloads / "worksheet.txt").read_bytes() == b"my own notes"
    assert sorted(p.name for p in downloads.iterdir()) == ["worksheet (1).txt", "worksheet.txt"]
    notices = [bob_chat.messages.entry(r) for r in range(bob_chat.messages.rowCount())]
    assert any(e.kind == EntryKind.NOTICE and "worksheet (1).txt" in e.text for e in notices)


def test_a_pasted_image_shows_as_a_thumbnail_for_another_member_and_opens(
    qtbot: QtBot, make_client
) -> None:
    alice_chat, bob_chat = _pair(qtbot, make_client)
    picture = QImage()
    assert picture.loadFromData(encoded(1200, 600, "PNG"))
    QApplication.clipboard().setImage(picture)
    alice_chat.input_edit.setFocus()
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert alice_chat.input_edit.text() == ""
    row, attachment = _arrived(qtbot, bob_chat, "pasted image.png")
    assert (attachment.mime, attachment.width, attachment.height) == ("image/png", 1200, 600)
    files = bob_chat.files
    qtbot.waitUntil(lambda: files.thumbnail(attachment)[0] == State.READY, timeout=10_000)
    image = files.thumbnail(attachment)[1]
    assert image is not None and image.size() == QSize(320, 160)
    bob_chat.form.window().resize(1100, 700)  # room for the whole thumbnail
    qtbot.waitUntil(lambda: bob_chat.messages_view.viewport().width() > 400, timeout=WAIT_MS)
    rect = bob_chat.delegate.attachment_rect(
        bob_chat.messages.index(row, 0),
        bob_chat.view_actions._option(bob_chat.messages.index(row, 0)),
    )
    assert rect is not None and rect.height() >= 160
    # Keyboard only: select the message, Enter opens the viewer, Esc closes it.
    view = bob_chat.messages_view
    view.setFocus()
    view.setCurrentIndex(bob_chat.messages.index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(files.viewers) == 1
    viewer = files.viewers[0]
    qtbot.waitUntil(lambda: viewer.image is not None, timeout=WAIT_MS)
    shown = viewer.image.size()  # decoded at most at the screen's size, its aspect kept
    assert shown.width() > 320 and shown.width() == 2 * shown.height()
    qtbot.waitExposed(viewer.form)
    qtbot.keyClick(viewer.form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not files.viewers, timeout=WAIT_MS)


def test_a_bomb_and_a_truncated_jpeg_are_placeholders_and_the_loop_keeps_turning(
    qtbot: QtBot, make_client, tmp_path: Path
) -> None:
    alice_chat, bob_chat = _pair(qtbot, make_client)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png())
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(truncated_jpeg())
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    alice_chat.files.add_files([str(bomb), str(cut)])
    _, bomb_attachment = _arrived(qtbot, bob_chat, "bomb.png")
    _, cut_attachment = _arrived(qtbot, bob_chat, "cut.jpg")
    assert (bomb_attachment.width, bomb_attachment.height) == (20_000, 20_000)
    files = bob_chat.files
    for attachment in (bomb_attachment, cut_attachment):
        qtbot.waitUntil(
            lambda a=attachment: files.thumbnail(a)[0] == State.PLACEHOLDER, timeout=10_000
        )
        assert files.thumbnail(attachment)[1] is None
    timer.stop()
    assert len(ticks) > 3
    bob_chat.messages_view.viewport().repaint()  # the placeholders paint


def test_uploads_wait_in_a_queue_one_at_a_time_and_can_be_cancelled(
    qtbot: QtBot, make_client, tmp_path: Path
) -> None:
    alice_chat, bob_chat = _pair(qtbot, make_client)
    paths = []
    for number in range(3):
        path = tmp_path / f"part{number}.bin"
        path.write_bytes(bytes([number]) * 300_000)
        paths.append(path)
    queue = alice_chat.files.uploads
    alice_chat.files.add_files([str(path) for path in paths])
    assert queue.rowCount() == 3
    assert alice_chat.files.panel.isVisible()
    qtbot.waitUntil(lambda: queue.current is not None, timeout=WAIT_MS)
    states = [queue.upload(row).state.value for row in range(queue.rowCount())]
    assert sum(state not in ("hashing", "queued") for state in states) == 1
    alice_chat.files.uploads_view.setCurrentIndex(queue.index(2, 0))
    qtbot.mouseClick(alice_chat.files.cancel_button, Qt.MouseButton.LeftButton)
    assert queue.rowCount() == 2
    _arrived(qtbot, bob_chat, "part0.bin")
    _arrived(qtbot, bob_chat, "part1.bin")
    qtbot.waitUntil(lambda: queue.rowCount() == 0, timeout=WAIT_MS)
    assert not alice_chat.files.panel.isVisible()
    assert "part2.bin" not in [a.name for _, a in _attachments(bob_chat)]


@pytest.mark.server_config(max_file_bytes=10_000)
def test_a_refused_upload_says_why_and_leaves_the_queue(
    qtbot: QtBot, make_client, tmp_path: Path
) -> None:
    alice_chat, _bob_chat = _pair(qtbot, make_client)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 20_000)
    activate(qtbot, alice_chat.form.window())
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    dialog = alice_chat.files.dialog
    assert dialog is not None and dialog.isVisible()  # Ctrl+U asks which files
    dialog.filesSelected.emit([str(big)])
    dialog.reject()
    queue = alice_chat.files.uploads
    qtbot.waitUntil(lambda: queue.rowCount() == 0, timeout=WAIT_MS)
    problems = [
        alice_chat.messages.entry(row)
        for row in range(alice_chat.messages.rowCount())
        if alice_chat.messages.entry(row).kind == EntryKind.PROBLEM
    ]
    assert [p.text for p in problems] == [
        "“big.bin” was not sent: it is larger than this server accepts"
    ]
    assert not alice_chat.countdown.active  # the room's Send is not held up by it


@pytest.mark.server_config(msg_rate=0.5, msg_burst=1, upload_timeout=600.0)
def test_an_upload_whose_end_is_rate_limited_is_sent_again_soon(
    qtbot: QtBot, make_client, tmp_path: Path
) -> None:
    """The server keeps an upload whose upload_end it refused for the chat budget; the
    client cancels it before beginning again, rather than waiting for it to time out."""
    alice_chat, bob_chat = _pair(qtbot, make_client)
    alice_chat.input_edit.setPlainText("the budget's one message")
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_Return)
    path = tmp_path / "later.bin"
    path.write_bytes(b"y" * 1_000)
    alice_chat.files.add_files([str(path)])
    _arrived(qtbot, bob_chat, "later.bin")


def test_a_thumbnail_dropped_from_the_cache_is_made_again_when_drawn(
    qtbot: QtBot, make_client
) -> None:
    alice_chat, bob_chat = _pair(qtbot, make_client)
    files = bob_chat.files
    files.thumbnails.cache_bytes = 1  # room for the newest only
    bob_chat.form.window().hide()  # nothing drawn but what this test asks for
    shown = []
    for width in (600, 800):
        picture = QImage()
        assert picture.loadFromData(encoded(width, 300, "PNG"))
        QApplication.clipboard().setImage(picture)
        alice_chat.input_edit.setFocus()
        qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        count = len(shown) + 1
        qtbot.waitUntil(lambda n=count: len(_attachments(bob_chat)) == n, timeout=10_000)
        attachment = _attachments(bob_chat)[-1][1]
        qtbot.waitUntil(
            lambda a=attachment: files.thumbnails.state(a.sha256) == State.READY, timeout=10_000
        )
        shown.append(attachment)
    first, second = shown
    assert files.thumbnails.state(first.sha256) is None  # dropped for the second
    assert files.thumbnail(first)[0] is None  # only measured: not made again
    assert files.thumbnail(first, drawn=True)[0] == State.DECODING  # drawn: made again
    qtbot.waitUntil(lambda: files.thumbnail(first)[0] == State.READY, timeout=10_000)
    image = files.thumbnail(first)[1]
    assert image is not None and image.size() == QSize(320, 160)
    assert files.thumbnails.state(second.sha256) is None  # and now the second went
