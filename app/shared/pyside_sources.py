"""Keep PySide6's import hook from holding the source of every module in `linecache`.

Once PySide6 is imported, shiboken's `__import__` asks of every module imported (and of
those imported before it) whether its source mentions "PySide6", for its `__feature__`
switches (PYSIDE-2029). It finds out with `inspect.getsource`, which leaves each module's
whole source in `linecache` for good: for the server, 2.2 MB of text in 160 files, about
3 MB of the process's memory. `read_sources_uncached` puts in a check that gives the same
answer from the file's bytes, which are dropped at once; a traceback still reads its lines
from the files as before. Importing this module puts it in place: main.py imports it
before anything else imports PySide6's modules.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (its import installs the hook adjusted here)

FEATURE_MODULE = "shibokensupport.feature"  # shiboken's embedded support package
CHECK = "_mod_uses_pyside"  # its function: (module) -> does the source say "PySide6"?

_installed: list[Callable[[ModuleType], bool]] = []  # the check put in, once


def read_sources_uncached() -> bool:
    """Put the uncached check in place of shiboken's (once); False if PySide6 has no such
    hook (another version), which is then left as it is."""
    if _installed:
        return True
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, CHECK, None)
    if feature is None or not callable(original):
        return False

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))  # a built-in or compiled module: as before
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(original(module))

    vars(feature)[CHECK] = uses_pyside
    _installed.append(uses_pyside)
    linecache.clearcache()  # what the hook read while PySide6 itself was imported
    return True


read_sources_uncached()
