"""Name colours: a palette readable on light and dark backgrounds, assigned per room so
that no two members present share a colour while the palette has enough of them."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from PySide6.QtGui import QColor

from app.shared.validation import name_key

PALETTE_SIZE = 16
MIN_CONTRAST = 4.5  # WCAG AA for normal text, against the list's background
LIGHT_BACKGROUND = QColor("#ffffff")
DARK_BACKGROUND = QColor("#202020")


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(one: QColor, other: QColor) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palette(background: QColor, dark: bool) -> tuple[QColor, ...]:
    """PALETTE_SIZE hues evenly around the wheel (neighbours in the order used are far
    apart), each at the lightness nearest the middle that still reads on `background`."""
    colors = []
    for step in range(PALETTE_SIZE):
        hue = (step * 7 % PALETTE_SIZE) * 360 // PALETTE_SIZE  # 7 is prime to 16: a shuffle
        lightness = 0.62 if dark else 0.42
        color = QColor.fromHslF(hue / 360, 0.75, lightness)
        while contrast(color, background) < MIN_CONTRAST and 0.05 < lightness < 0.95:
            lightness += 0.01 if dark else -0.01
            color = QColor.fromHslF(hue / 360, 0.75, lightness)
        colors.append(color)
    return tuple(colors)


LIGHT_PALETTE = _palette(LIGHT_BACKGROUND, dark=False)
DARK_PALETTE = _palette(DARK_BACKGROUND, dark=True)


def preferred(name: str) -> int:
    """The palette slot a name gets when it is free: the same on every run and machine."""
    return zlib.crc32(name_key(name).encode()) % PALETTE_SIZE


class NameColors:
    """Colour slots for the members of one room. Members keep their slot while they stay;
    a newcomer gets their preferred slot if it is free, else the next free one; only when
    every slot is taken do two members share. When someone leaves, a member who shares a
    slot moves to the free one. Names not present (senders of older messages) get their
    preferred slot.

    Signals: none (not a QObject).
    """

    def __init__(self) -> None:
        self._slots: dict[str, int] = {}  # name_key -> slot

    def update(self, members: Iterable[str]) -> None:
        keys = sorted({name_key(name) for name in members})
        self._slots = {key: slot for key, slot in self._slots.items() if key in keys}
        for key in keys:  # a shared slot is given up when a free one exists now
            slot = self._slots.get(key)
            if slot is not None and list(self._slots.values()).count(slot) > 1:
                free = self._free_from(preferred(key), ignoring=key)
                if free is not None:
                    self._slots[key] = free
        for key in keys:
            if key not in self._slots:
                free = self._free_from(preferred(key))
                self._slots[key] = free if free is not None else self._least_used()

    def _free_from(self, start: int, ignoring: str = "") -> int | None:
        taken = {slot for key, slot in self._slots.items() if key != ignoring}
        for step in range(PALETTE_SIZE):
            slot = (start + step) % PALETTE_SIZE
            if slot not in taken:
                return slot
        return None

    def _least_used(self) -> int:
        used = list(self._slots.values())
        return min(range(PALETTE_SIZE), key=used.count)

    def slot(self, name: str) -> int:
        key = name_key(name)
        return self._slots.get(key, preferred(key))

    def color(self, name: str, dark: bool = False) -> QColor:
        return (DARK_PALETTE if dark else LIGHT_PALETTE)[self.slot(name)]
