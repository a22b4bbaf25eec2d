"""Argon2id verification that keeps libargon2's working memory from one verify to the next.

argon2-cffi's `verify` has libargon2 allocate the hash's whole memory on every call: at the
`standard` profile that is a 64 MiB `malloc`, hence an `mmap`, 16,384 page faults with the
kernel zeroing each page, then argon2's wipe and a `munmap`. Here the same computation runs
through libargon2's context API (`argon2_ctx`, argon2-cffi's documented low-level binding)
with allocation callbacks that lend out a buffer kept for reuse, and the result is compared
with the encoded hash in constant time, as `argon2_verify` does.

argon2's wipe is kept: libargon2 clears the memory (`clear_internal_memory`) before it calls
the free callback, so what is kept between verifies is zeros, never a hash's blocks.

Only what this path can read exactly as libargon2 would takes it: an `$argon2id$v=19$`
hash with decimal parameters and canonical unpadded base64, of at least `min_memory` KiB.
For anything else, and whenever libargon2 refuses a context, `verify` says None and the
caller asks argon2-cffi, so every answer is the one argon2-cffi's `verify` gives.

Below glibc's largest mmap threshold (32 MiB) malloc serves argon2 from memory the process
already has, and this path's own Python (the parsing, the callbacks) costs more than it
saves: at the `test` profile (1 MiB) 0.49 ms a verify against argon2-cffi's 0.45, a resume
token's (8 KiB) 0.035–0.046 ms against 0.030. So by default only larger hashes take it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import mmap
import os
import re
import threading
from typing import Any

from argon2.low_level import ffi, lib

# As libargon2's decode_string reads them: decimals without leading zeros.
_DECIMAL = r"(0|[1-9][0-9]{0,9})"
_ENCODED = re.compile(
    rf"\$argon2id\$v=19\$m={_DECIMAL},t={_DECIMAL},p={_DECIMAL}\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)"
)
_U32 = 0xFFFFFFFF
# KiB; glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64 bits: from there every malloc is an mmap
MIN_MEMORY_KIB = 32 * 1024
HUGE_PAGE = 2 * 1024 * 1024


def _new_buffer(size: int) -> Any:
    """`size` bytes for argon2 to work in; large ones in transparent huge pages where the
    system lets a mapping ask for them (MADV_HUGEPAGE).

    argon2 reads a block at a random place in its whole memory for each block it fills: in
    4 KiB pages nearly every one of those reads misses the TLB, in 2 MiB pages 32 entries
    map the standard profile's 64 MiB (a verify's CPU, load 7-9, four runs each:
    argon2-cffi 217-249 ms, this buffer in 4 KiB pages 148-197 ms, in huge pages
    156-170 ms)."""
    if size >= HUGE_PAGE and hasattr(mmap, "MADV_HUGEPAGE"):
        try:
            mapping = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            mapping.madvise(mmap.MADV_HUGEPAGE)
        except (OSError, AttributeError, ValueError):
            pass
        else:
            return ffi.from_buffer("uint8_t[]", mapping)  # keeps the mapping alive
    return ffi.new("uint8_t[]", size)


def _unpadded_b64(text: str) -> bytes | None:
    """The bytes of canonical unpadded base64 (as libargon2 accepts it), else None."""
    if len(text) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        return None
    # libargon2 refuses leftover bits that are not zero: the encoding must be the canonical one
    return raw if base64.b64encode(raw).rstrip(b"=").decode() == text else None


class Argon2Memory:
    """libargon2's working memory, lent to each `verify` and kept for the next one.

    At most `keep` buffers are kept (one per thread that verifies at once); a buffer is
    as large as the largest hash it served, so at the `standard` profile each thread that
    has verified holds 64 MiB until `release()`. `threads`: how many threads libargon2 may
    start for one hash (at most its lanes); the default, the cores this process may run on,
    is 1 for a server pinned to one core, where argon2's own threads (one a lane, started
    anew for each of a hash's slices) would only take turns.

    `allocations` counts the buffers made, so that a test can tell that they are reused.
    """

    def __init__(
        self, keep: int, threads: int | None = None, min_memory: int = MIN_MEMORY_KIB
    ) -> None:
        self.keep = max(0, keep)
        self.min_memory = min_memory
        self.threads = max(1, threads if threads is not None else len(os.sched_getaffinity(0)))
        self.allocations = 0
        self._lock = threading.Lock()
        self._free: list[Any] = []  # cffi buffers, largest first
        self._lent: dict[int, Any] = {}  # address -> buffer, while argon2_ctx works in it
        # An exception in a callback must not read as ARGON2_OK: argon2 then fails the hash.
        self._allocate_cbk = ffi.callback(
            "int(uint8_t **, size_t)", self._allocate, error=lib.ARGON2_MEMORY_ALLOCATION_ERROR
        )
        self._free_cbk = ffi.callback("void(uint8_t *, size_t)", self._give_back)

    @property
    def kept_bytes(self) -> int:
        """Bytes held now, lent or not."""
        with self._lock:
            return sum(len(buffer) for buffer in [*self._free, *self._lent.values()])

    def release(self) -> None:
        """Drop the buffers not lent now (the lent ones are kept when they come back)."""
        with self._lock:
            self._free.clear()

    def verify(self, encoded: str, password: bytes) -> bool | None:
        """Whether `password` matches the Argon2id hash `encoded`; None when this path does not
        take the hash or libargon2 refused it (then argon2-cffi must answer)."""
        match = _ENCODED.fullmatch(encoded)
        if match is None:
            return None
        memory_cost, time_cost, lanes = (int(match[i]) for i in (1, 2, 3))
        if memory_cost < self.min_memory or max(memory_cost, time_cost, lanes) > _U32:
            return None
        salt, digest = _unpadded_b64(match[4]), _unpadded_b64(match[5])
        if salt is None or digest is None:
            return None
        context = ffi.new("argon2_context *")
        out = ffi.new("uint8_t[]", len(digest))
        # cffi's buffers live as long as these names: until argon2_ctx has returned
        pwd, salt_buffer = ffi.new("uint8_t[]", password), ffi.new("uint8_t[]", salt)
        context.out, context.outlen = out, len(digest)
        context.pwd, context.pwdlen = pwd, len(password)
        context.salt, context.saltlen = salt_buffer, len(salt)
        context.secret, context.secretlen = ffi.NULL, 0
        context.ad, context.adlen = ffi.NULL, 0
        context.t_cost, context.m_cost = time_cost, memory_cost
        context.lanes, context.threads = lanes, min(lanes, self.threads)
        context.version = lib.ARGON2_VERSION_13
        context.allocate_cbk, context.free_cbk = self._allocate_cbk, self._free_cbk
        context.flags = lib.ARGON2_DEFAULT_FLAGS
        if lib.argon2_ctx(context, lib.Argon2_id) != lib.ARGON2_OK:
            return None
        return hmac.compare_digest(bytes(ffi.buffer(out, len(digest))), digest)

    def _allocate(self, memory: Any, size: int) -> int:
        with self._lock:
            fitting = [buffer for buffer in self._free if len(buffer) >= size]
            if fitting:
                buffer = fitting[-1]  # the smallest that fits
                self._free.remove(buffer)
            else:
                buffer = _new_buffer(size)
                self.allocations += 1
            self._lent[int(ffi.cast("uintptr_t", buffer))] = buffer
        memory[0] = buffer
        return int(lib.ARGON2_OK)

    def _give_back(self, memory: Any, size: int) -> None:
        # libargon2 has wiped the `size` bytes it used before calling this
        with self._lock:
            buffer = self._lent.pop(int(ffi.cast("uintptr_t", memory)), None)
            if buffer is not None:
                self._free.append(buffer)
                self._free.sort(key=len, reverse=True)
                del self._free[self.keep :]
