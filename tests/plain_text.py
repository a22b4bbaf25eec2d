"""Helpers for the plain-text tests: what a label or tooltip really shows of a hostile name."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QWidget

# A room name (or message) that, shown as rich text, draws a red heading and hides the rest.
HOSTILE = '<h1 style="color:red">SERVER COMPROMISED</h1><!--'
ESCAPED = "&lt;h1"


def might_be_rich(text: str) -> bool:
    """Qt's own guess, as AutoText labels and tooltips make it."""
    return bool(QtGui.Qt.mightBeRichText(text))  # QtGui's Qt namespace holds it, not QtCore's


def renders_rich(text: str, text_format: Qt.TextFormat) -> bool:
    """Whether Qt lays `text` out as HTML under `text_format` (AutoText guesses)."""
    if text_format == Qt.TextFormat.PlainText:
        return False
    if text_format == Qt.TextFormat.AutoText:
        return might_be_rich(text)
    return True


def shown(text: str, text_format: Qt.TextFormat) -> str:
    """The characters a person sees for `text` (a zero-width space, where a long name may
    wrap, is not seen)."""
    if renders_rich(text, text_format):
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    return text.replace("\u200b", "")


def labels_in(widgets: Iterable[QWidget]) -> list[QLabel]:
    found: list[QLabel] = []
    for widget in widgets:
        if isinstance(widget, QLabel):
            found.append(widget)
        found.extend(widget.findChildren(QLabel))
    return found


def top_level_labels() -> list[QLabel]:
    return labels_in(w for w in QApplication.topLevelWidgets() if w.isVisible())


def check_labels(labels: Iterable[QLabel]) -> list[QLabel]:
    """Fail if a label would render HOSTILE as markup, or guesses (AutoText) about a text that
    holds it escaped; return the labels that show HOSTILE literally."""
    showing: list[QLabel] = []
    for label in labels:
        text, text_format = label.text(), label.textFormat()
        where = f"QLabel {label.objectName()!r} ({text_format.name}): {text!r}"
        if HOSTILE in text:
            assert text_format == Qt.TextFormat.PlainText, where
        if ESCAPED in text:
            assert text_format == Qt.TextFormat.RichText, where
        if HOSTILE in shown(text, text_format):
            showing.append(label)
    return showing


def check_tooltip(tip: str, where: str) -> bool:
    """Fail if a tooltip would render HOSTILE as markup; True if it shows HOSTILE literally."""
    if HOSTILE in tip:
        assert not might_be_rich(tip), f"{where}: {tip!r}"
    return HOSTILE in shown(tip, Qt.TextFormat.AutoText)


def check_model_tooltips(model: QAbstractItemModel, where: str) -> int:
    """Check every cell's tooltip; the number that show HOSTILE literally."""
    count = 0
    # A list model's columnCount is private in C++: PySide6 refuses to call it.
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            tip = model.index(row, column, QModelIndex()).data(Qt.ItemDataRole.ToolTipRole)
            if tip is not None and check_tooltip(str(tip), f"{where}[{row}, {column}]"):
                count += 1
    return count


def check_widget_tooltips(widgets: Iterable[QWidget]) -> None:
    for widget in widgets:
        for each in (widget, *widget.findChildren(QWidget)):
            check_tooltip(each.toolTip(), f"tooltip of {each.objectName()!r}")
