"""Saving attachments: safe names, no overwriting, kept only when the hash matches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.client.downloads import Download, numbered, reserve_path, safe_name


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..\\..\\boot.ini", "_.._boot.ini"),
        ("..", "download"),
        (".", "download"),
        ("  ", "download"),
        (".bashrc", "bashrc"),
        ("con.txt", "_con.txt"),
        ("a\x00b\nc\u202etxt.exe", "abctxt.exe"),
        ("사진.png", "사진.png"),
    ],
)
def test_a_name_from_the_server_is_only_a_name(given: str, safe: str) -> None:
    assert safe_name(given) == safe


def test_a_very_long_name_keeps_its_extension() -> None:
    name = safe_name("x" * 300 + ".png")
    assert len(name) <= 180 and name.endswith("x.png")


def test_numbered_names() -> None:
    assert numbered("photo.jpg", 1) == "photo (1).jpg"
    assert numbered("backup.tar.gz", 2) == "backup (2).tar.gz"
    assert numbered("README", 3) == "README (3)"


def test_reserving_never_takes_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "notes (1).txt").write_text("also mine")
    path = reserve_path(str(tmp_path), "notes.txt")
    assert path == str(tmp_path / "notes (2).txt")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "notes (1).txt").read_text() == "also mine"


def _download(tmp_path: Path, data: bytes, declared: bytes | None = None) -> Download:
    path = reserve_path(str(tmp_path), "file.bin")
    assert path is not None
    digest = hashlib.sha256(declared if declared is not None else data).hexdigest()
    return Download(path, len(data), digest, reserved=True)


def test_a_download_is_kept_once_its_hash_matches(qtbot: QtBot, tmp_path: Path) -> None:
    data = b"abc" * 20_000
    download = _download(tmp_path, data)
    assert download.feed(0, data[:40_000])
    assert download.offset == 40_000
    assert download.feed(40_000, data[40_000:])
    assert not (tmp_path / "file.bin").read_bytes()  # only our empty reservation so far
    with qtbot.waitSignal(download.finished) as finished:
        assert download.finish(hashlib.sha256(data).hexdigest())
    assert finished.args == [str(tmp_path / "file.bin")]
    assert (tmp_path / "file.bin").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.bin"]


def test_a_wrong_hash_or_a_chunk_out_of_place_keeps_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    data = b"hello world"
    download = _download(tmp_path, data, declared=b"something else!")
    download.feed(0, data)
    with qtbot.waitSignal(download.failed) as failed:
        assert not download.finish(hashlib.sha256(data).hexdigest())
    assert failed.args == ["corrupt"]
    other = _download(tmp_path, data)
    assert not other.feed(5, data)
    assert list(tmp_path.iterdir()) == []
