"""A room's downloads: chunks routed to their file, resumed by offset on a new connection."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.client.transfers import Purpose, Transfers
from app.shared.protocol import Attachment, Download, DownloadChunk, DownloadEnd, Request


class Link:
    def __init__(self) -> None:
        self.sent: list[Request] = []

    def send(self, message: Request) -> bool:
        self.sent.append(message)
        return True


def test_a_download_cut_off_resumes_from_its_offset(qtbot: QtBot, tmp_path: Path) -> None:
    data = bytes(range(256)) * 400
    attachment = Attachment(7, "data.bin", len(data), "application/octet-stream",
                            hashlib.sha256(data).hexdigest())  # fmt: skip
    transfers = Transfers()
    first = Link()
    transfers.set_link(first)
    path = tmp_path / "data.bin"
    transfers.fetch(attachment, Purpose.SAVE, str(path), reserved=False)
    assert first.sent == [Download(7, 0, "download-7")]
    transfers.on_event(DownloadChunk(7, 0, data[:40_000]))
    transfers.set_link(None)  # the connection dropped
    second = Link()
    transfers.set_link(second)
    assert second.sent == [Download(7, 40_000, "download-7")]
    transfers.on_event(DownloadChunk(7, 40_000, data[40_000:]))
    with qtbot.waitSignal(transfers.finished) as finished:
        transfers.on_event(DownloadEnd(7, hashlib.sha256(data).hexdigest()))
    assert finished.args == [7, "save", str(path)]
    assert path.read_bytes() == data
