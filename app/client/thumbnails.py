"""Images decoded off the event loop with `QImageReader`, within limits: an allocation cap, a
declared-size check before any pixel is read, and a scaled size; anything else (a
decompression bomb, a corrupt or truncated file) becomes a placeholder."""

from __future__ import annotations

from collections import OrderedDict
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

from app.client.workers import Workers

ALLOCATION_LIMIT_MB = 256
# Decoded as 32-bit pixels: the most a declared image may have and still fit the limit.
MAX_PIXELS = ALLOCATION_LIMIT_MB * 1024 * 1024 // 4
THUMBNAIL_SIZE = QSize(320, 240)
MAX_FILE_BYTES = 64 * 1024 * 1024  # more than the server's largest file; never read beyond
# The decoded thumbnails kept (about 200 of the largest, 320 × 240 at 32 bits); past it the
# least recently drawn are dropped and made again from the file when shown again.
CACHE_BYTES = 64 * 1024 * 1024


def is_complete(data: bytes, image_format: bytes) -> bool:
    """Whether a PNG or JPEG ends as one should (readers fill a cut-off file with grey and
    carry on, so a truncated file would show as half a picture); other formats pass."""
    if image_format == b"png":
        return b"IEND" in data[-16:]
    if image_format in (b"jpeg", b"jpg"):
        return data.rfind(b"\xff\xd9") > data.rfind(b"\xff\xda") >= 0  # EOI after the last SOS
    return True


def declared_size(path: str) -> QSize:
    """The size the header of the image file at `path` declares (invalid if it is not an
    image Qt reads); no pixel is decoded."""
    return QImageReader(path).size()


def read_image(data: bytes, box: QSize | None = None) -> QImage | None:
    """`data` decoded, scaled to fit `box` keeping its aspect (when larger), or None when it
    is not an image, too large to decode safely, or damaged. Safe on any thread."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.isEmpty():
        return None
    if size.width() * size.height() > MAX_PIXELS:  # a bomb: refused before decoding
        return None
    if not is_complete(data, bytes(reader.format().data())):
        return None
    if box is not None and (size.width() > box.width() or size.height() > box.height()):
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def read_file(path: str, box: QSize | None = None) -> QImage | None:
    """The image in the file at `path` (see `read_image`); None if it cannot be read."""
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    return read_image(data, box)


class State(Enum):
    """Where a thumbnail is: being decoded, shown, or a placeholder instead."""

    DECODING = "decoding"
    READY = "ready"
    PLACEHOLDER = "placeholder"


class Thumbnails(QObject):
    """Thumbnails by key (an attachment id), each decoded once on a worker thread.

    `request(key, path)` starts decoding the file; `state(key)` and `image(key)` say what to
    draw. Decoding uses `decode` (a function of path and box), replaceable in tests. At
    most `cache_bytes` of decoded images are kept, the least recently drawn dropped first:
    a dropped key's `state` is None again, so it is requested anew when next shown.

    Signals:
        changed(object): the key's thumbnail is now ready or a placeholder.
    """

    changed = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        box: QSize = THUMBNAIL_SIZE,
        cache_bytes: int = CACHE_BYTES,
    ) -> None:
        super().__init__(parent)
        self.box = QSize(box)
        self.decode = read_file
        self.workers = Workers(self)
        self.cache_bytes = cache_bytes
        self.cached_bytes = 0  # of the images kept now
        self._states: dict[object, State] = {}
        self._images: OrderedDict[object, QImage] = OrderedDict()  # least recently drawn first

    def state(self, key: object) -> State | None:
        return self._states.get(key)

    def image(self, key: object, touch: bool = True) -> QImage | None:
        """The key's thumbnail; with `touch` (it is drawn now) the last to be dropped."""
        image = self._images.get(key)
        if image is not None and touch:
            self._images.move_to_end(key)
        return image

    def request(self, key: object, path: str) -> None:
        """Decode the image at `path` for `key`, unless that is done or under way."""
        if key in self._states:
            return
        self._states[key] = State.DECODING
        decode, box = self.decode, QSize(self.box)
        self.workers.run(lambda: decode(path, box), lambda image: self._on_decoded(key, image))

    def fail(self, key: object) -> None:
        """Show a placeholder for `key` (its file could not be fetched)."""
        self._states[key] = State.PLACEHOLDER
        self.changed.emit(key)

    def _on_decoded(self, key: object, image: object) -> None:
        if isinstance(image, QImage) and not image.isNull():
            self._drop(key)
            self._images[key] = image
            self.cached_bytes += image.sizeInBytes()
            self._states[key] = State.READY
            while self.cached_bytes > self.cache_bytes and len(self._images) > 1:
                self._drop(next(iter(self._images)))  # the least recently drawn
        else:
            self._states[key] = State.PLACEHOLDER
        self.changed.emit(key)

    def _drop(self, key: object) -> None:
        image = self._images.pop(key, None)
        if image is not None:
            self.cached_bytes -= image.sizeInBytes()
            self._states.pop(key, None)

    def close(self) -> None:
        self.workers.close()
