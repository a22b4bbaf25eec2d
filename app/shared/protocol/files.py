"""Files on the room port: the upload and download requests, their events, and the
`attachment` a MESSAGE may carry (frozen dataclasses, parsed and encoded here).

Upload: `upload_begin` → `upload_ready` (or an error), `upload_chunk`s in order,
`upload_end` → a MESSAGE with `attachment` to every member. Download: `download` →
`download_chunk`s → `download_end`. Parsed by `requests.parse_request` (requests) and
`events.parse_server_frame` (events) like every other message; the value rules are in
file_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from app.shared.protocol.errors import ErrorCode, ProtocolError, RequestId
from app.shared.protocol.file_rules import (
    check_file_name,
    check_mime,
    check_sha256,
    check_side,
    decode_chunk,
    encode_chunk,
)
from app.shared.protocol.framing import WireObject, is_int
from app.shared.protocol.wire import _Wire

if TYPE_CHECKING:  # events.py imports this module; the reader is only a type here
    from app.shared.protocol.events import _Reader

MAX_FILE_SIZE = 2**53  # what a JSON number holds exactly; servers set a far lower limit


@dataclass(frozen=True, slots=True)
class Attachment:
    """The file a MESSAGE carries (its `attachment`); `width`/`height` as the uploader
    declared them for an image, never checked by the server."""

    id: int
    name: str
    size: int
    mime: str
    sha256: str
    width: int | None = None
    height: int | None = None

    def to_wire(self) -> WireObject:
        obj: WireObject = {"id": self.id, "name": self.name, "size": self.size}
        obj["mime"], obj["sha256"] = self.mime, self.sha256
        if self.width is not None and self.height is not None:
            obj["width"], obj["height"] = self.width, self.height
        return obj

    @classmethod
    def from_wire(cls, read: _Reader) -> Attachment:
        return cls(
            read.integer("id"),
            read.text("name"),
            read.integer("size"),
            read.text("mime"),
            read.text("sha256"),
            read.optional_integer("width"),
            read.optional_integer("height"),
        )


# --- requests ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadBegin(_Wire):
    TYPE: ClassVar[str] = "upload_begin"
    name: str
    size: int
    mime: str
    sha256: str
    width: int | None = None
    height: int | None = None
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class UploadChunk(_Wire):
    """The next `data` of upload `upload_id` (bytes here, strict base64 on the wire)."""

    TYPE: ClassVar[str] = "upload_chunk"
    upload_id: int
    data: bytes
    id: RequestId = None

    def to_wire(self) -> WireObject:
        obj: WireObject = {"type": self.TYPE, "upload_id": self.upload_id}
        obj["data"] = encode_chunk(self.data)
        if self.id is not None:
            obj["id"] = self.id
        return obj


@dataclass(frozen=True, slots=True)
class UploadEnd(_Wire):
    """Every chunk is sent: check and store the file, and post it with `text` (or none)."""

    TYPE: ClassVar[str] = "upload_end"
    upload_id: int
    text: str | None = None
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class UploadCancel(_Wire):
    TYPE: ClassVar[str] = "upload_cancel"
    upload_id: int
    id: RequestId = None


@dataclass(frozen=True, slots=True)
class Download(_Wire):
    """Send attachment `attachment_id` from byte `offset` on (0: all of it)."""

    TYPE: ClassVar[str] = "download"
    attachment_id: int
    offset: int = 0
    id: RequestId = None


FileRequest = UploadBegin | UploadChunk | UploadEnd | UploadCancel | Download
FILE_REQUEST_TYPES = frozenset(
    cls.TYPE for cls in (UploadBegin, UploadChunk, UploadEnd, UploadCancel, Download)
)


def _whole(obj: WireObject, key: str, rid: RequestId, least: int = 1) -> int:
    value = obj.get(key)
    if not is_int(value) or not isinstance(value, int) or not least <= value <= MAX_FILE_SIZE:
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be an integer ≥ {least}", rid)
    return value


def _string(obj: WireObject, key: str, rid: RequestId) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{key} must be a string", rid)
    return value


def _upload_begin(obj: WireObject, rid: RequestId) -> UploadBegin:
    name = check_file_name(_string(obj, "name", rid), rid)
    size = _whole(obj, "size", rid, 0)
    mime = check_mime(_string(obj, "mime", rid), rid)
    sha256 = check_sha256(obj.get("sha256"), rid)
    width = check_side(obj.get("width"), "width", rid)
    height = check_side(obj.get("height"), "height", rid)
    if (width is None) != (height is None):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "width and height go together", rid)
    if width is not None and not mime.lower().startswith("image/"):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "width and height are for images", rid)
    return UploadBegin(name, size, mime, sha256, width, height, rid)


def parse_file_request(obj: WireObject, kind: str, rid: RequestId) -> FileRequest:
    """One of FILE_REQUEST_TYPES, its fields checked (`bad_request`, `invalid_file_name`).
    Whether a chunk fits the upload's `chunk_bytes` and size is the server's to check."""
    if kind == UploadChunk.TYPE:  # first: most file frames are chunks
        return UploadChunk(_whole(obj, "upload_id", rid), decode_chunk(obj.get("data"), rid), rid)
    if kind == UploadBegin.TYPE:
        return _upload_begin(obj, rid)
    if kind == UploadEnd.TYPE:
        text = obj.get("text")
        if text is not None and not isinstance(text, str):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "text must be a string or null", rid)
        return UploadEnd(_whole(obj, "upload_id", rid), text, rid)
    if kind == UploadCancel.TYPE:
        return UploadCancel(_whole(obj, "upload_id", rid), rid)
    if kind == Download.TYPE:
        offset = 0 if obj.get("offset") is None else _whole(obj, "offset", rid, 0)
        return Download(_whole(obj, "attachment_id", rid), offset, rid)
    raise AssertionError(f"file type {kind!r} has no parser")


# --- events -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadReady(_Wire):
    """The answer to `upload_begin`: send chunks of at most `chunk_bytes` to `upload_id`."""

    TYPE: ClassVar[str] = "upload_ready"
    upload_id: int
    chunk_bytes: int
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> UploadReady:
        return cls(read.integer("upload_id"), read.integer("chunk_bytes"), read.request_id())


@dataclass(frozen=True, slots=True)
class DownloadChunk(_Wire):
    """Bytes `offset` on of attachment `attachment_id` (bytes here, base64 on the wire)."""

    TYPE: ClassVar[str] = "download_chunk"
    attachment_id: int
    offset: int
    data: bytes

    def to_wire(self) -> WireObject:
        return {
            "type": self.TYPE,
            "attachment_id": self.attachment_id,
            "offset": self.offset,
            "data": encode_chunk(self.data),
        }

    @classmethod
    def from_wire(cls, read: _Reader) -> DownloadChunk:
        data = decode_chunk(read.raw("data"))
        return cls(read.integer("attachment_id"), read.integer("offset"), data)


@dataclass(frozen=True, slots=True)
class DownloadEnd(_Wire):
    """Every byte of the attachment was sent; `sha256` is the whole file's."""

    TYPE: ClassVar[str] = "download_end"
    attachment_id: int
    sha256: str
    id: RequestId = None

    @classmethod
    def from_wire(cls, read: _Reader) -> DownloadEnd:
        return cls(read.integer("attachment_id"), read.text("sha256"), read.request_id())


def attachment_of(read: _Reader) -> Attachment | None:
    """A MESSAGE's optional `attachment` (absent from older servers and plain messages)."""
    if read.raw("attachment") is None:
        return None
    return Attachment.from_wire(type(read)(read.obj("attachment"), "attachment"))
