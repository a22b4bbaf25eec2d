"""Which Debian packages Qt's xcb platform plugin still needs on this machine (by `ldd`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import PySide6

PLUGIN = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
_MISSING = re.compile(r"^\s*(lib[\w+.-]+?)\.so\.(\d+) => not found", re.MULTILINE)


def package_of(library: str, version: str) -> str:
    """Debian's name for a shared library: libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a dash when the name ends in a digit)."""
    return f"{library}-{version}" if library[-1].isdigit() else f"{library}{version}"


def missing_packages() -> list[str]:
    """The packages whose libraries the plugin (or Qt's xcb library) cannot find; [] when
    nothing is missing or `ldd` cannot tell."""
    if not PLUGIN.exists() or not shutil.which("ldd"):
        return []
    output = subprocess.run(["ldd", str(PLUGIN)], capture_output=True, text=True).stdout
    return sorted({package_of(name, version) for name, version in _MISSING.findall(output)})
