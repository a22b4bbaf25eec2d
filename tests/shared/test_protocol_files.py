"""The file messages of the room port, parsed and checked with no sockets: what a client may
declare about a file, the strict base64 of chunks, and frames that always fit the line."""

from __future__ import annotations

import base64
import json

import pytest

from app.shared.protocol import (
    FILE_REQUEST_TYPES,
    MAIN_PORT_TYPES,
    MAX_CHUNK_BYTES,
    MAX_FRAME_BYTES,
    ROOM_PORT_TYPES,
    Download,
    DownloadChunk,
    ErrorCode,
    ProtocolError,
    UploadBegin,
    UploadCancel,
    UploadChunk,
    UploadEnd,
    check_file_name,
    decode_frame,
    encode,
    parse_request,
)

HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
BEGIN = {"type": "upload_begin", "name": "notes.txt", "size": 3, "mime": "text/plain"}


def parse(frame: dict[str, object]):
    return parse_request(decode_frame(json.dumps(frame).encode()), ROOM_PORT_TYPES)


def refused(frame: dict[str, object]) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        parse(frame)
    return caught.value


def test_file_requests_are_room_port_requests_only() -> None:
    assert FILE_REQUEST_TYPES <= ROOM_PORT_TYPES
    assert not FILE_REQUEST_TYPES & MAIN_PORT_TYPES


def test_each_file_request_parses_into_its_type_and_back() -> None:
    cases = [
        UploadBegin("시험 결과.png", 10, "image/png", HASH, 640, 480, "b"),
        UploadBegin("empty", 0, "application/octet-stream", HASH),
        UploadChunk(3, b"\x00\x01\xfe\xff"),
        UploadChunk(3, b""),
        UploadEnd(3, "see this", 7),
        UploadEnd(3),
        UploadCancel(3),
        Download(4, 46_080, "d"),
        Download(4),
    ]
    for request in cases:
        assert parse(json.loads(encode(request))) == request


def test_a_download_without_an_offset_starts_at_0() -> None:
    assert parse({"type": "download", "attachment_id": 9}) == Download(9, 0)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "a/b",
        "a\\b",
        "con.txt",
        "CON",
        "Lpt1.tar.gz",
        "com¹",
        "x" * 300,
        "가" * 86,  # 258 bytes of UTF-8
        "",
        ".",
        "..",
        "report.",
        " leading",
        "trailing ",
        "bell\x07",
        "tab\there",
        "nl\nhere",
        "del\x7f",
        "c1\x85",
        "invoice\u202egpj.exe",
        "isolate\u2066x",
        "what?",
        "a:b",
        'quo"te',
        "pi|pe",
        "star*",
        "<x>",
    ],
)
def test_names_that_could_be_paths_devices_or_spoofs_are_invalid_file_name(name: str) -> None:
    problem = refused({**BEGIN, "name": name, "sha256": HASH, "id": 5})
    assert problem.code is ErrorCode.INVALID_FILE_NAME and problem.request_id == 5


@pytest.mark.parametrize(
    "name",
    [
        "notes.txt", "가" * 85, "x" * 255, ".bashrc", "console.txt", "lpt10", "a b.c",
        "\u1100\u1161\u11a8.txt",  # Hangul as macOS decomposes it
        "Tiếng Việt.docx", "e\u0301\u0323.txt",  # Vietnamese, precomposed or not
        "\u2764\ufe0f.png", "\U0001f468\u200d\U0001f469\u200d\U0001f467.jpg",  # VS16, ZWJ
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645.pdf",  # Persian, with ZWNJ
        "\u05e9\u05dc\u05d5\u05dd.txt", "\u0915\u094d\u0937.txt",  # Hebrew, Devanagari
    ],
)  # fmt: skip
def test_ordinary_names_pass(name: str) -> None:
    assert check_file_name(name) == name


@pytest.mark.parametrize(
    "change",
    [
        {"size": -1},
        {"size": "3"},
        {"size": 2.5},
        {"size": True},
        {"size": 2**60},
        {"mime": "text"},
        {"mime": "text/plain; charset=utf-8"},
        {"mime": "te xt/plain"},
        {"mime": "/plain"},
        {"mime": 7},
        {"sha256": HASH.upper()},
        {"sha256": HASH[:-1]},
        {"sha256": HASH + "0"},
        {"sha256": "g" * 64},
        {"sha256": None},
        {"width": 10},
        {"width": 0, "height": 10},
        {"width": 10, "height": -1},
        {"width": 70_000, "height": 10},
        {"width": 1.5, "height": 10},
        {"width": 10, "height": 10},  # text/plain is not an image
        {"name": 5},
    ],
)
def test_a_bad_declaration_is_a_bad_request(change: dict[str, object]) -> None:
    problem = refused({**BEGIN, "sha256": HASH, **change})
    assert problem.code is ErrorCode.BAD_REQUEST


def chunk(data: object) -> dict[str, object]:
    return {"type": "upload_chunk", "upload_id": 1, "data": data}


@pytest.mark.parametrize(
    "data",
    [
        "AAA",  # no padding
        "AA==AA==",  # data after padding
        "AA A",
        "AAAA\n",
        "AA-_",  # the URL-safe alphabet
        "ÀÀÀÀ",
        7,
        None,
        base64.b64encode(bytes(MAX_CHUNK_BYTES + 1)).decode(),
    ],
)
def test_a_chunk_that_is_not_strict_base64_of_at_most_a_chunk_is_a_bad_request(
    data: object,
) -> None:
    assert refused(chunk(data)).code is ErrorCode.BAD_REQUEST


def test_the_largest_chunk_parses() -> None:
    data = bytes(range(256)) * (MAX_CHUNK_BYTES // 256)
    assert parse(chunk(base64.b64encode(data).decode())) == UploadChunk(1, data)


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "upload_chunk", "upload_id": 0, "data": ""},
        {"type": "upload_chunk", "upload_id": "1", "data": ""},
        {"type": "upload_end", "upload_id": 1, "text": 5},
        {"type": "upload_end"},
        {"type": "upload_cancel", "upload_id": None},
        {"type": "download", "attachment_id": 1, "offset": -1},
        {"type": "download", "attachment_id": "1"},
    ],
)
def test_missing_or_mistyped_ids_are_bad_requests(frame: dict[str, object]) -> None:
    assert refused(frame).code is ErrorCode.BAD_REQUEST


def test_the_largest_chunk_frames_fit_the_line_limit() -> None:
    data = bytes(MAX_CHUNK_BYTES)
    big = 2**53
    assert len(encode(DownloadChunk(big, big, data))) <= MAX_FRAME_BYTES
    assert len(encode(UploadChunk(big, data, "x" * 128))) <= MAX_FRAME_BYTES
