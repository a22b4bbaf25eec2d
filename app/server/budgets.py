"""Server-wide budgets per account and per address, sans I/O, on an injected clock; no Qt.

A budget kept per connection or per room entry resets whenever a client reconnects or
re-enters; these survive that, because every room and session asks one `Budgets`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from app.server.config import ServerConfig
from app.shared.limits import Clock, FloodGuard, TokenBucket

LOG_EVERY = 60.0  # seconds: a budget that keeps biting is logged once per this, per key


def text_size(text: str) -> int:
    """The UTF-8 length of `text`, cheaply for ASCII (`isascii` is a flag in CPython)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "replace"))


class Budgets:
    """Chat, stored-text and join budgets per account and chat per address.

    Each is made on first use and forgotten by `prune()` once it has refilled, so a fresh
    one behaves the same and memory follows only who is active. A say costs one dictionary
    lookup and the account guard's `admit()`; address and text budgets are charged per batch.
    """

    def __init__(self, config: ServerConfig, clock: Clock = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._chat: dict[str, FloodGuard] = {}
        self._address_chat: dict[str, TokenBucket] = {}
        self._text: dict[str, TokenBucket] = {}
        self._joins: dict[str, TokenBucket] = {}
        self._searches: dict[str, TokenBucket] = {}
        self._logged: dict[tuple[str, str], float] = {}

    def chat(self, user_key: str) -> FloodGuard:
        """The account's chat guard, shared by all its rooms and connections."""
        guard = self._chat.get(user_key)
        if guard is None:
            config = self._config
            guard = self._chat[user_key] = FloodGuard(
                config.msg_rate, config.msg_burst, config.flood_close_factor, self._clock
            )
        return guard

    def _bucket(
        self, table: dict[str, TokenBucket], key: str, rate: float, burst: float
    ) -> TokenBucket:
        bucket = table.get(key)
        if bucket is None:
            bucket = table[key] = TokenBucket(rate, burst, self._clock)
        return bucket

    def address_chat(self, address_key: str) -> TokenBucket:
        rate = self._config.address_msg_rate
        return self._bucket(self._address_chat, address_key, rate, 2 * rate)

    def text(self, user_key: str) -> TokenBucket:
        per_minute = self._config.text_bytes_per_minute
        return self._bucket(self._text, user_key, per_minute / 60, per_minute)

    def joins(self, user_key: str) -> TokenBucket:
        per_minute = self._config.joins_per_minute
        return self._bucket(self._joins, user_key, per_minute / 60, max(1, per_minute // 3))

    def searches(self, user_key: str) -> TokenBucket:
        rate = self._config.search_rate
        return self._bucket(self._searches, user_key, rate, max(1.0, rate))

    def admit_batch(self, user_key: str, address_key: str, texts: Sequence[str]) -> int:
        """How many of `texts`, from the start, the address and text budgets let through.

        The whole batch is usually charged with one take from each bucket; only a batch
        that does not fit is counted message by message.
        """
        count = len(texts)
        if not count:
            return 0
        address = self.address_chat(address_key)
        allowed = count if address.take_amount(count) else 0
        if not allowed:
            while allowed < count and address.take():
                allowed += 1
        text = self.text(user_key)
        if text.take_amount(text_size("".join(texts[:allowed]))):  # one C pass for all
            return allowed
        sizes = [text_size(t) for t in texts[:allowed]]
        for index, size in enumerate(sizes):
            if not text.take_amount(size):
                return index
        return allowed  # pragma: no cover - the sum did not fit, so one part does not

    def batch_retry_after(self, user_key: str, address_key: str, text: str) -> float:
        """Seconds until `text` would pass both the address and the text budget."""
        size = text_size(text)
        return max(
            self.address_chat(address_key).retry_after(), self.text(user_key).retry_after(size)
        )

    def should_log(self, kind: str, key: str) -> bool:
        """True the first time a budget bites for `key`, then at most once per LOG_EVERY."""
        now = self._clock()
        last = self._logged.get((kind, key))
        if last is not None and now - last < LOG_EVERY:
            return False
        self._logged[(kind, key)] = now
        return True

    def prune(self) -> None:
        """Forget every budget that has refilled (and old log marks): memory stays bounded."""
        for table in (self._address_chat, self._text, self._joins, self._searches):
            for key in [k for k, bucket in table.items() if bucket.is_full()]:
                del table[key]
        for key in [k for k, guard in self._chat.items() if guard.is_idle()]:
            del self._chat[key]
        horizon = self._clock() - LOG_EVERY
        for mark in [m for m, stamp in self._logged.items() if stamp <= horizon]:
            del self._logged[mark]

    def __len__(self) -> int:
        """How many budgets are held (for tests of pruning)."""
        tables = (self._address_chat, self._text, self._joins, self._searches)
        return len(self._chat) + sum(len(table) for table in tables)
