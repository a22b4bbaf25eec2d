"""Make aborting a socket drop what the kernel still holds for a peer that does not read."""

from __future__ import annotations

import functools
import platform
import struct
import sys
from typing import TYPE_CHECKING

from PySide6.QtNetwork import QAbstractSocket

from app.shared import logs

if TYPE_CHECKING:
    import ctypes

# Qt has no SO_LINGER option; these are Linux's values (other systems keep the default,
# where the kernel goes on trying to deliver up to the send buffer after the close).
SOL_SOCKET, SO_LINGER = 1, 13
# The values differ on a few Linux ports (MIPS, SPARC, Alpha, PA-RISC): only these use them.
_SAME_VALUES = {
    "x86_64",
    "aarch64",
    "i686",
    "i386",
    "armv7l",
    "armv8l",
    "riscv64",
    "ppc64le",
    "s390x",
}


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, found when first needed. The process's own symbols (dlopen(NULL))
    include libc's; `ctypes.util.find_library` would import subprocess and run ldconfig.
    ctypes itself is imported here too: most servers never abort a socket."""
    import ctypes

    if sys.platform == "linux" and platform.machine() in _SAME_VALUES:
        return ctypes.CDLL(None, use_errno=True)
    return None


def discard_unsent(socket: QAbstractSocket) -> None:
    """Set SO_LINGER to 0 so that closing resets the connection, unsent data and all."""
    descriptor = socket.socketDescriptor()
    libc = _libc()
    if libc is None or descriptor < 0:
        return
    linger = struct.pack("ii", 1, 0)  # struct linger {l_onoff = 1, l_linger = 0}
    if libc.setsockopt(int(descriptor), SOL_SOCKET, SO_LINGER, linger, len(linger)) != 0:
        logs.net.debug("SO_LINGER not set: errno %d", _errno())


def _errno() -> int:
    import ctypes  # already imported by `_libc`

    return ctypes.get_errno()
