"""Room names remembered for the admin window's requests until the core answers them."""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

K = TypeVar("K")


class PendingNames(Generic[K]):
    """A name per request not answered yet, by key (a room id, say), oldest first.

    Not one name per key: a second request may go before the first is answered (members
    hear of a change before the core's answer crosses threads), and the first answer would
    take the only name, leaving the second "“”". Answers come in the order asked.
    """

    def __init__(self) -> None:
        self._names: dict[K, deque[str]] = {}

    def ask(self, key: K, name: str) -> None:
        self._names.setdefault(key, deque()).append(name)

    def answer(self, key: K) -> str:
        """The name of the oldest request of `key` not answered yet ("" if none)."""
        names = self._names.get(key)
        if not names:
            return ""
        name = names.popleft()
        if not names:
            del self._names[key]
        return name
