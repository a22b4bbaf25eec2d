"""Verifying in a kept buffer gives argon2-cffi's answer for every hash, reuses the buffer,
keeps argon2's wipe, and hands back what it cannot read."""

from __future__ import annotations

import threading

import argon2
import pytest
from argon2.low_level import Type, hash_secret
from pytestqt.qtbot import QtBot

from app.server.argon2_memory import Argon2Memory
from app.server.hash_queue import Priority
from app.server.hashing import (
    TOKEN_ARGON2,
    PasswordHasher,
    make_argon2,
    verify_password,
)

PASSWORD = "correct horse"
HASHERS = {
    "standard": make_argon2("standard"),
    "test": make_argon2("test"),
    "token": TOKEN_ARGON2,
    # beyond a huge page (2 MiB), in two lanes
    "4 MiB": argon2.PasswordHasher(time_cost=1, memory_cost=4096, parallelism=2),
}


def cffi_says(password_hash: str, password: str) -> object:
    """argon2-cffi's answer as verify_password gives it: True, False, or what it raised."""
    try:
        return argon2.PasswordHasher().verify(password_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False
    except Exception as error:
        return type(error)


def we_say(password_hash: str, password: str, memory: Argon2Memory) -> object:
    try:
        return verify_password(HASHERS["test"], password_hash, password, memory)
    except Exception as error:
        return type(error)


@pytest.mark.parametrize("profile", sorted(HASHERS))
@pytest.mark.parametrize("threads", [1, 4])
def test_every_profile_verifies_as_argon2_cffi_does(profile: str, threads: int) -> None:
    memory = Argon2Memory(keep=1, threads=threads, min_memory=0)
    password_hash = HASHERS[profile].hash(PASSWORD)
    for password in (PASSWORD, PASSWORD + "x", "", "ünïcödé"):
        expected = cffi_says(password_hash, password)
        assert memory.verify(password_hash, password.encode()) is expected
        assert verify_password(HASHERS[profile], password_hash, password, memory) is expected
    assert memory.allocations == 1


def other_hashes() -> list[str]:
    secret, salt = PASSWORD.encode(), b"saltsaltsalt"
    good = hash_secret(secret, salt, 1, 64, 1, 16, Type.ID).decode()
    prefix, digest = good.rsplit("$", 1)
    return [
        hash_secret(secret, salt, 1, 64, 1, 16, Type.I).decode(),
        hash_secret(secret, salt, 1, 64, 1, 16, Type.D).decode(),
        hash_secret(secret, salt, 1, 64, 1, 16, Type.ID, version=0x10).decode(),
        good.replace("$v=19", ""),  # version 0x10 by omission
        good.replace("m=64,", "m=064,"),  # libargon2 refuses leading zeros
        good.replace("t=1,", "t=0,"),  # refused by argon2_ctx: too few passes
        good.replace("m=64,", "m=4,"),  # too little memory
        good.replace("p=1$", "p=99999999$"),
        good.replace("m=64,", "m=99999999999,"),  # beyond 32 bits
        f"{prefix}${digest[:-1]}{chr(ord(digest[-1]) + 1)}",  # leftover bits not zero
        f"{prefix}${digest}=",  # padded
        f"{prefix}${digest}$",
        f"{prefix}$",
        good + "\x00",
        good.replace("argon2id", "argon2xx"),
        "",
        "$argon2id$v=19$m=٦٤,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAA",  # not ASCII
    ]


@pytest.mark.parametrize("password_hash", other_hashes())
def test_a_hash_it_does_not_take_is_left_to_argon2_cffi(password_hash: str) -> None:
    memory = Argon2Memory(keep=1, min_memory=0)
    for password in (PASSWORD, PASSWORD + "x", "\udc80"):  # the last one is not UTF-8
        ours = memory.verify(password_hash, password.encode(errors="surrogatepass"))
        assert ours is None or password_hash.startswith("$argon2id$v=19$m=64,t=1,p=1$")
        assert we_say(password_hash, password, memory) == cffi_says(password_hash, password)


def test_the_buffer_is_reused_and_wiped() -> None:
    memory = Argon2Memory(keep=1, min_memory=0)
    big, small = (make_argon2("test").hash(PASSWORD), TOKEN_ARGON2.hash(PASSWORD))
    for password_hash in (big, big, small, big, small):
        assert memory.verify(password_hash, PASSWORD.encode()) is True
    assert memory.allocations == 1  # the 1 MiB buffer served the 8 KiB ones too
    assert memory.kept_bytes == 1024 * 1024
    (kept,) = memory._free
    assert not any(bytes(kept))  # argon2 wiped what it used before giving it back
    memory.release()
    assert memory.kept_bytes == 0


def test_threads_verifying_at_once_keep_a_buffer_each_at_most() -> None:
    memory = Argon2Memory(keep=2, min_memory=0)
    password_hash = make_argon2("test").hash(PASSWORD)
    results: list[bool | None] = []

    def verify_some() -> None:
        results.extend(memory.verify(password_hash, PASSWORD.encode()) for _ in range(20))

    threads = [threading.Thread(target=verify_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [True] * 80
    assert memory.kept_bytes <= 2 * 1024 * 1024
    assert memory._lent == {}


def test_small_hashes_take_argon2_cffis_path_by_default() -> None:
    memory = Argon2Memory(keep=1)
    for profile in ("test", "token"):
        assert memory.verify(HASHERS[profile].hash(PASSWORD), PASSWORD.encode()) is None
    assert memory.allocations == 0


def test_the_server_verifies_standard_hashes_in_one_kept_buffer(qtbot: QtBot) -> None:
    hasher = PasswordHasher("standard")
    try:
        password_hash = hasher.hash_now(PASSWORD)
        got: list[object] = []
        for password in (PASSWORD, PASSWORD + "x", PASSWORD):
            hasher.verify(password_hash, password, got.append, Priority.LOGIN)
        qtbot.waitUntil(lambda: len(got) == 3, timeout=60_000)
        assert got == [True, False, True]
        assert hasher._memory.allocations == 1
        assert hasher._memory.kept_bytes == 64 * 1024 * 1024
        hasher._release_memory.setInterval(0)  # the pool's idle time, shortened
        hasher.verify(password_hash, PASSWORD, got.append, Priority.LOGIN)
        qtbot.waitUntil(lambda: hasher._memory.kept_bytes == 0, timeout=60_000)
        assert got[-1] is True
    finally:
        hasher.close()
