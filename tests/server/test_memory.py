"""Big transient blocks go back to the kernel when freed, instead of leaving the heap dirty."""

from __future__ import annotations

import ctypes
import platform
import sys

import pytest

from app.server.memory import map_socket_chunks

IS_MMAPPED = 0x2  # the bit glibc sets in a chunk's size word (just before the pointer)

glibc_only = pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc"
)


def libc() -> ctypes.CDLL:
    c = ctypes.CDLL(None)
    c.malloc.restype = ctypes.c_void_p
    c.malloc.argtypes = [ctypes.c_size_t]
    c.free.argtypes = [ctypes.c_void_p]
    return c


def mapped(pointer: int) -> bool:
    header = ctypes.c_size_t.from_address(pointer - ctypes.sizeof(ctypes.c_size_t)).value
    return bool(header & IS_MMAPPED)


@glibc_only
def test_a_freed_big_block_does_not_send_the_next_ones_to_the_heap() -> None:
    """By default, freeing a mapped block raises glibc's mapping threshold to its size:
    a login's presence list of 300 KB then comes from the heap and leaves it dirty, where
    every idle socket's 32 KiB write chunk later lands, all its pages counted."""
    assert map_socket_chunks()
    c = libc()
    first = c.malloc(4 << 20)
    assert first and mapped(first)
    c.free(first)  # would raise the threshold to 4 MiB
    second = c.malloc(2 << 20)
    assert second
    try:
        assert mapped(second)  # still mapped: it goes back to the kernel when freed
    finally:
        c.free(second)
