"""Images decoded off the event loop, within limits: bombs and damaged files become placeholders."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, QThread, QTimer
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.client.thumbnails import State, Thumbnails, declared_size, read_file
from tests.client.images import bomb_png, encoded, truncated_jpeg


@pytest.fixture
def thumbnails(qtbot: QtBot) -> Thumbnails:
    made = Thumbnails()
    yield made
    made.close()


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_a_picture_is_scaled_into_the_thumbnail_box(
    qtbot: QtBot, tmp_path: Path, thumbnails: Thumbnails
) -> None:
    path = write(tmp_path, "wide.png", encoded(1000, 500, "PNG"))
    with qtbot.waitSignal(thumbnails.changed, timeout=5_000):
        thumbnails.request("a", path)
    image = thumbnails.image("a")
    assert thumbnails.state("a") == State.READY and image is not None
    assert image.size() == QSize(320, 160)


def test_bomb_and_truncated_jpeg_are_placeholders_while_the_loop_turns(
    qtbot: QtBot, tmp_path: Path, thumbnails: Thumbnails
) -> None:
    bomb = write(tmp_path, "bomb.png", bomb_png())
    cut = write(tmp_path, "cut.jpg", truncated_jpeg())
    assert declared_size(bomb) == QSize(20_000, 20_000)
    ticks: list[int] = []
    ticked = threading.Event()
    timer = QTimer()
    timer.setInterval(5)

    def tick() -> None:
        ticks.append(1)
        if len(ticks) >= 3:
            ticked.set()

    timer.timeout.connect(tick)
    threads: list[bool] = []
    ticks_when_decoded: list[int] = []

    def decode(path: str, box: QSize) -> QImage | None:
        # Finishes only once the timer has fired a few times: on the event loop it could
        # not, and the ticks counted when it finished would be 0.
        threads.append(QThread.currentThread() is not thumbnails.thread())
        ticked.wait(2.0)
        ticks_when_decoded.append(len(ticks))
        return read_file(path, box)

    thumbnails.decode = decode
    timer.start()
    thumbnails.request("bomb", bomb)
    thumbnails.request("cut", cut)
    qtbot.waitUntil(lambda: thumbnails.workers.pending == 0, timeout=10_000)
    timer.stop()
    assert thumbnails.state("bomb") == State.PLACEHOLDER
    assert thumbnails.state("cut") == State.PLACEHOLDER
    assert thumbnails.image("bomb") is None and thumbnails.image("cut") is None
    assert threads == [True, True]
    assert min(ticks_when_decoded) >= 3


def test_a_whole_jpeg_and_png_decode(tmp_path: Path) -> None:
    jpeg = read_file(write(tmp_path, "ok.jpg", encoded(800, 600, "JPEG")), QSize(320, 240))
    png = read_file(write(tmp_path, "ok.png", encoded(40, 30, "PNG")), QSize(320, 240))
    assert jpeg is not None and jpeg.size() == QSize(320, 240)
    assert png is not None and png.size() == QSize(40, 30)  # small ones are not enlarged


def test_not_an_image_is_a_placeholder(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, "notes.png", b"hello, not a picture")) is None
    assert read_file(str(tmp_path / "missing.png")) is None


def test_the_cache_drops_the_least_recently_drawn_and_a_dropped_one_is_made_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = write(tmp_path, "wide.png", encoded(1000, 500, "PNG"))
    decoded: list[str] = []

    def decode(file: str, box: QSize) -> QImage | None:
        decoded.append(file)
        return read_file(file, box)

    one = QImage(read_file(path, QSize(320, 240))).sizeInBytes()
    thumbnails = Thumbnails(cache_bytes=2 * one)  # room for two
    thumbnails.decode = decode
    try:
        for key in ("a", "b"):
            with qtbot.waitSignal(thumbnails.changed, timeout=5_000):
                thumbnails.request(key, path)
        assert thumbnails.image("a") is not None  # drawn: "b" is now the oldest
        with qtbot.waitSignal(thumbnails.changed, timeout=5_000):
            thumbnails.request("c", path)
        assert thumbnails.state("b") is None and thumbnails.image("b") is None  # dropped
        assert thumbnails.state("a") == thumbnails.state("c") == State.READY
        assert thumbnails.cached_bytes == 2 * one
        assert len(decoded) == 3
        with qtbot.waitSignal(thumbnails.changed, timeout=5_000):
            thumbnails.request("b", path)  # shown again: decoded anew
        assert len(decoded) == 4 and thumbnails.state("b") == State.READY
        assert thumbnails.state("a") is None  # the least recently drawn went this time
    finally:
        thumbnails.close()
