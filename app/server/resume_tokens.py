"""Resume tokens: a random selector that finds the stored row and a random secret kept only
as an Argon2id hash.

A token is `SELECTOR.VERIFIER`: 128 random bits that name the row, and 256 random bits that
prove it. A fast hash of the 256-bit verifier would be safe too (nobody can guess 2^256
values, so Argon2id's slowness buys nothing against guessing); Argon2id is used anyway, as
for every stored secret, because the selector makes it workable: the row is found by the
selector, so one hash is verified per resume (no scan), at the cost of a login.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass

SELECTOR_BYTES = 16
VERIFIER_BYTES = 32
# token_urlsafe(n) gives ceil(4n/3) characters of the URL-safe base64 alphabet.
_TOKEN = re.compile(r"([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})")


@dataclass(frozen=True, slots=True)
class MintedToken:
    """A new token for a session about to start, made beside the check that proved it (in
    the same hashing job): the token for `logged_in`, its selector, and its verifier's hash
    (None if hashing it failed: the session then starts without a token). `user_key`: the
    account of a login, whose token may be stored with the others of its batch."""

    token: str
    selector: str
    verifier_hash: str | None
    user_key: str | None = None


def new_token() -> tuple[str, str, str]:
    """A fresh token, its selector and its verifier."""
    token, selector, verifier, _ = minted_secrets(0)
    return token, selector, verifier


def minted_secrets(salt_bytes: int) -> tuple[str, str, str, bytes]:
    """As `new_token`, and a salt of `salt_bytes` for the verifier's hash, from one read of
    the system's random source: three reads had cost a `getrandom` call each per login.
    Disjoint parts of one read are as independent as three reads."""
    raw = os.urandom(SELECTOR_BYTES + VERIFIER_BYTES + salt_bytes)
    selector = _urlsafe(raw[:SELECTOR_BYTES])
    verifier = _urlsafe(raw[SELECTOR_BYTES : SELECTOR_BYTES + VERIFIER_BYTES])
    return f"{selector}.{verifier}", selector, verifier, raw[SELECTOR_BYTES + VERIFIER_BYTES :]


def _urlsafe(data: bytes) -> str:
    """What `secrets.token_urlsafe` makes of these bytes."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def split_token(token: str) -> tuple[str, str] | None:
    """(selector, verifier) of a well-formed token, else None."""
    match = _TOKEN.fullmatch(token)
    return None if match is None else (match[1], match[2])
