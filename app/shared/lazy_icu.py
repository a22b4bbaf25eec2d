"""ICU (PyICU), imported on first use: `import icu` alone adds about 9 MB to a process.

A server whose accounts only log in and whose chat is plain ASCII never needs it; the
look-alike checks on new names and rooms, and the visibility check on unusual chat text, do.
"""

from __future__ import annotations

import functools
from types import ModuleType


@functools.cache
def icu() -> ModuleType:
    """The `icu` module, imported the first time it is asked for."""
    import icu as module  # here, not at the top: see the module docstring

    return module


def is_default_ignorable(char: str) -> bool:
    """Unicode's Default_Ignorable_Code_Point (drawn as nothing), which `unicodedata` lacks."""
    lib = icu()
    return bool(lib.Char.hasBinaryProperty(char, lib.UProperty.DEFAULT_IGNORABLE_CODE_POINT))
