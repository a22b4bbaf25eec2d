"""glibc's malloc kept from recycling big transient blocks into the heap idle sockets live in."""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

from app.shared import logs

# Each QTcpSocket keeps its write buffer's last chunk for good once it has written a frame
# under 4 KiB (QRingBuffer avoids reallocating it): a 32 KiB QByteArray per connection, of
# which only the pages written count, if they were never touched before. By default glibc
# raises its mapping threshold to the size of every mapped block freed, so the big
# transient blocks of a burst of logins (each login's list of who is online: 300 KB at
# 5,000) then come from the heap and are freed back into it, dirty; the sockets' chunks
# land there and count in full. A fixed threshold sends every block over it to mmap and
# back to the kernel when freed (heaptrack, bench idle: 33 kB a connection down to 23).
MMAP_THRESHOLD = 32 * 1024
M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc's malloc.h)


@functools.cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's mallopt, or None (another C library, or another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        mallopt: Callable[[int, int], int] = ctypes.CDLL(None).mallopt
        return mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return None


def map_socket_chunks() -> bool:
    """Fix glibc's mapping threshold at MMAP_THRESHOLD; False where that cannot be set."""
    mallopt = _mallopt()
    if mallopt is None:
        return False
    if not mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD):
        logs.server.debug("mallopt(M_MMAP_THRESHOLD) refused")
        return False
    return True
