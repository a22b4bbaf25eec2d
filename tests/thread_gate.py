"""A gate on a pool's thread: a module's function, patched to wait until the test opens the
gate, so that a test sees the event loop go on while the thread's job is held."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import ModuleType

import pytest


class Gate:
    """Holds every call of the gated function until opened; records the calling threads."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.threads: list[int] = []
        self.waiting = 0

    def open(self) -> None:
        self.opened.set()


def gated(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> Iterator[Gate]:
    """For a fixture: `module.name` held at the gate until opened (opened at teardown, so
    that no pool's thread is left waiting)."""
    held = Gate()
    real = getattr(module, name)

    def gated_call(*args: object, **kwargs: object) -> object:
        held.threads.append(threading.get_ident())
        held.waiting += 1
        held.opened.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, gated_call)
    yield held
    held.open()
