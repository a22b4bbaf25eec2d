"""The upload queue without a server: hashed off the loop, sent in chunks as the socket drains."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from PySide6.QtCore import QThread, QTimer
from pytestqt.qtbot import QtBot

from app.client import uploads
from app.client.upload_files import FileFacts, file_facts
from app.client.uploads import UploadQueue, UploadState
from app.shared.protocol import Request, UploadBegin, UploadChunk, UploadEnd, UploadReady, encode

MIB = 1024 * 1024


class Link:
    """A connection whose socket buffer fills with what is sent until `drain()`."""

    def __init__(self) -> None:
        self.sent: list[Request] = []
        self.pending_bytes = 0

    def send(self, message: Request) -> bool:
        self.sent.append(message)
        self.pending_bytes += len(encode(message))
        return True


def test_a_large_file_is_hashed_off_the_loop_then_sent_as_the_socket_drains(
    qtbot: QtBot, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "video.bin"
    data = bytes(range(256)) * (25 * MIB // 256)  # 25 MiB
    path.write_bytes(data)
    ticks: list[int] = []
    ticked = threading.Event()
    hashed_off_loop: list[bool] = []
    main_thread = QThread.currentThread()

    def slow_facts(where: str) -> FileFacts | None:
        hashed_off_loop.append(QThread.currentThread() is not main_thread)
        ticked.wait(2.0)  # done only once the event loop has turned: never on it
        return file_facts(where)

    monkeypatch.setattr(uploads, "file_facts", slow_facts)
    timer = QTimer()
    timer.timeout.connect(lambda: (ticks.append(1), len(ticks) >= 3 and ticked.set()))
    timer.start(5)
    queue = UploadQueue()
    link = Link()
    queue.set_link(link)
    queue.add_file(str(path))
    qtbot.waitUntil(lambda: bool(link.sent), timeout=10_000)
    timer.stop()
    assert hashed_off_loop == [True] and len(ticks) >= 3
    begin = link.sent[0]
    assert isinstance(begin, UploadBegin)
    assert (begin.name, begin.size) == ("video.bin", len(data))
    assert begin.sha256 == hashlib.sha256(data).hexdigest()
    assert begin.width is None and begin.mime == "application/octet-stream"
    queue.on_ready(UploadReady(9, 46_080, begin.id))
    chunks = [m for m in link.sent if isinstance(m, UploadChunk)]
    assert 1 <= len(chunks) <= 5  # only what fits the socket's buffer, not 25 MiB
    rounds = 0
    while not isinstance(link.sent[-1], UploadEnd):
        link.pending_bytes = 0  # the socket wrote it all: bytes_written → pump
        queue.pump()
        rounds += 1
    chunks = [m for m in link.sent if isinstance(m, UploadChunk)]
    assert all(len(chunk.data) <= 46_080 and chunk.upload_id == 9 for chunk in chunks)
    assert b"".join(chunk.data for chunk in chunks) == data
    assert rounds > 100
    assert queue.upload(0).state == UploadState.FINISHING
    queue.close()


def test_an_image_declares_its_size_from_its_header(tmp_path: Path) -> None:
    from tests.client.images import bomb_png

    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png(3_000, 2_000))
    facts = file_facts(str(path))
    assert facts is not None
    assert (facts.mime, facts.width, facts.height) == ("image/png", 3_000, 2_000)


def test_the_queue_is_a_sound_model(qtbot: QtBot, qtmodeltester, tmp_path: Path) -> None:
    queue = UploadQueue()
    for number in range(3):
        path = tmp_path / f"f{number}.txt"
        path.write_text("x" * number)
        queue.add_file(str(path))
    qtmodeltester.check(queue, force_py=False)
    qtbot.waitUntil(lambda: queue.workers.pending == 0, timeout=5_000)
    assert [queue.index(row, 0).data() for row in range(3)] == [
        "f0.txt — waiting",
        "f1.txt — waiting",
        "f2.txt — waiting",
    ]
    queue.cancel(1)
    assert queue.rowCount() == 2
    qtmodeltester.check(queue, force_py=False)
    queue.close()
