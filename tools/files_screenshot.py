"""The files part of `make screenshots`: a room with an image and a file in it.

Someone else shares a picture through the client's own `UploadQueue` over a plain
`RoomConnection`; the person shares a document through the window's Attach path; the
main window is saved once the thumbnail has been fetched and decoded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def whiteboard(path: Path) -> None:
    """A picture of a whiteboard after a book club, drawn with QPainter."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPen

    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(0, 0, 1200, 800)
    gradient.setColorAt(0, QColor("#f7f7f2"))
    gradient.setColorAt(1, QColor("#dfe3e6"))
    painter.fillRect(image.rect(), gradient)
    painter.setPen(QPen(QColor("#9aa3ab"), 18))
    painter.drawRect(QRectF(9, 9, 1182, 782))
    font = QFont("DejaVu Sans", 64, QFont.Weight.Bold)
    painter.setFont(font)
    painter.setPen(QColor("#1f4e8c"))
    painter.drawText(QRectF(60, 50, 1080, 120), int(Qt.AlignmentFlag.AlignLeft), "Chapter 3")
    painter.setFont(QFont("DejaVu Sans", 40))
    notes = [("#b3261e", "• the letter"), ("#2e7d32", "• who knew?"), ("#6a3ea1", "• Friday 5 pm")]
    for row, (color, text) in enumerate(notes):
        painter.setPen(QColor(color))
        painter.drawText(
            QRectF(90, 230 + row * 110, 1000, 90), int(Qt.AlignmentFlag.AlignLeft), text
        )
    painter.setPen(QPen(QColor("#e0a100"), 10))
    painter.drawEllipse(QRectF(720, 420, 380, 280))
    painter.end()
    assert image.save(str(path))


def share(room: Any, path: Path, pump_until: Any) -> None:
    """Upload `path` into the room over `room` (a `RoomConnection`) as the person would."""
    from app.client.uploads import UploadQueue
    from app.shared.protocol import UploadReady

    queue = UploadQueue()
    room.file_event_received.connect(
        lambda event: queue.on_ready(event) if isinstance(event, UploadReady) else None
    )
    room.bytes_written.connect(lambda _count: queue.pump())
    room.request_failed.connect(queue.on_error)
    room.message_received.connect(lambda message: queue.on_message(message, True))
    queue.set_link(room)
    queue.add_file(str(path))
    pump_until(lambda: queue.rowCount() == 0, f"the upload of {path.name}")
    queue.close()


def capture_files(
    main: Any, chat: Any, other_room: Any, folder: Path, out: Path, pump_until: Any, save: Any
) -> None:
    """Carol shares a whiteboard photo, alice a reading list; the room is saved."""
    from app.client.thumbnails import State

    picture = folder / "whiteboard.png"
    whiteboard(picture)
    share(other_room, picture, pump_until)
    reading = folder / "reading list.pdf"
    reading.write_bytes(b"%PDF-1.4\n% the book club's reading list\n" + b"0" * 180_000)
    chat.files.add_files([str(reading)])
    attachments = chat.messages

    def shown() -> bool:
        names = set()
        for row in range(attachments.rowCount()):
            entry = attachments.entry(row)
            attachment = entry.attachment
            if attachment is None:
                continue
            if attachment.name == "whiteboard.png" and (
                chat.files.thumbnail(attachment)[0] != State.READY
            ):
                return False
            names.add(attachment.name)
        return names == {"whiteboard.png", "reading list.pdf"}

    pump_until(shown, "the image and the file in the room")
    main.form.resize(1180, 680)
    chat.messages_view.scrollToBottom()
    save(main.form, out / "main_window_files.png")
