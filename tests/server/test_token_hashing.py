"""Resume-token verifiers are hashed with Argon2id at its least cost, since 256 random bits
need no slowness, while passwords keep the profile's cost; a token hashed at any cost (an
older server's) still verifies."""

from __future__ import annotations

import os

import argon2
import pytest
from pytestqt.qtbot import QtBot

from app.server.hash_queue import Priority
from app.server.hashing import TOKEN_ARGON2, PasswordHasher, make_argon2
from app.server.resume_tokens import new_token, split_token

Outcome = list[object]


def test_a_token_is_hashed_at_the_least_cost_and_a_password_at_the_profiles(qtbot: QtBot) -> None:
    hasher = PasswordHasher("standard")
    try:
        _, _, verifier = new_token()
        got: Outcome = []
        hasher.hash_token(verifier, got.append, Priority.LOGIN)
        hasher.hash("a password of eleven", got.append, Priority.LOGIN)
        qtbot.waitUntil(lambda: len(got) == 2, timeout=30_000)
        token_hash, password_hash = (str(value) for value in got)
        token = argon2.extract_parameters(token_hash)
        password = argon2.extract_parameters(password_hash)
        assert token.type is argon2.Type.ID and (token.time_cost, token.memory_cost) == (1, 8)
        standard = argon2.profiles.RFC_9106_LOW_MEMORY
        assert (password.time_cost, password.memory_cost) == (3, standard.memory_cost)
        checked: Outcome = []
        hasher.verify(token_hash, verifier, checked.append, Priority.LOGIN, token=True)
        hasher.verify(token_hash, verifier + "x", checked.append, Priority.LOGIN, token=True)
        qtbot.waitUntil(lambda: len(checked) == 2, timeout=30_000)
        assert checked == [True, False]
    finally:
        hasher.close()


def test_a_token_hashed_at_the_old_full_cost_still_verifies(qtbot: QtBot) -> None:
    _, _, verifier = new_token()
    old = make_argon2("standard").hash(verifier)  # as servers before this one kept them
    hasher = PasswordHasher("test")
    try:
        checked: Outcome = []
        hasher.verify(old, verifier, checked.append, Priority.LOGIN, token=True)
        qtbot.waitUntil(lambda: bool(checked), timeout=30_000)
        assert checked == [True]
    finally:
        hasher.close()


def test_a_minted_token_and_its_hashs_salt_come_from_one_random_read(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three reads (selector, verifier, salt) had cost a `getrandom` call each per login."""
    hasher = PasswordHasher("test")
    try:
        reads: list[int] = []
        urandom = os.urandom

        def counted(size: int) -> bytes:
            reads.append(size)
            return urandom(size)

        monkeypatch.setattr(os, "urandom", counted)
        first, second = hasher._mint(), hasher._mint()
        assert reads == [16 + 32 + 16] * 2
        parts = split_token(first.token)
        assert parts is not None and parts[0] == first.selector
        assert first.verifier_hash is not None
        assert TOKEN_ARGON2.verify(first.verifier_hash, parts[1])
        salt = argon2.extract_parameters(first.verifier_hash).salt_len
        assert salt == 16 and first.verifier_hash != second.verifier_hash
        assert first.selector != second.selector
    finally:
        hasher.close()
