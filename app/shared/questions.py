"""Non-blocking Yes/Cancel questions, shared by the client's windows and the admin window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask(
    parent: QWidget,
    title: str,
    text: str,
    answered: Callable[[bool], None],
    yes_text: str = "",
) -> QMessageBox:
    """Show a Yes/Cancel question with `open()` (never `exec()`: nothing blocks) and call
    `answered(True)` only for Yes (labelled `yes_text` when given: the action's own verb).
    Cancel is the default; the box deletes itself. `text` is shown as plain text: it may
    hold names, which may look like HTML."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    if yes_text:
        box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(
        lambda _result: answered(
            box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes
        )
    )
    box.open()
    return box
