"""`make run` and `make screenshots` name the Debian packages Qt's xcb plugin is missing."""

from __future__ import annotations

import pytest

from tools import xcb_libs


@pytest.mark.parametrize(
    ("library", "version", "package"),
    [
        ("libxcb-icccm", "4", "libxcb-icccm4"),
        ("libxcb-cursor", "0", "libxcb-cursor0"),
        ("libxkbcommon-x11", "0", "libxkbcommon-x11-0"),
        ("libxcb-render-util", "0", "libxcb-render-util0"),
    ],
)
def test_a_library_maps_to_its_debian_package(library: str, version: str, package: str) -> None:
    assert xcb_libs.package_of(library, version) == package


def test_missing_libraries_are_read_from_ldd(monkeypatch: pytest.MonkeyPatch) -> None:
    output = (
        "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x1)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxkbcommon-x11.so.0 => not found\n"
        "\tlibxcb-icccm.so.4 => not found\n"
    )

    class Done:
        stdout = output

    monkeypatch.setattr(xcb_libs.subprocess, "run", lambda *_a, **_k: Done())
    monkeypatch.setattr(xcb_libs.shutil, "which", lambda _name: "/usr/bin/ldd")
    assert xcb_libs.missing_packages() == ["libxcb-icccm4", "libxkbcommon-x11-0"]
