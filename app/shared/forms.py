"""The one way windows are built: load a Qt Designer `.ui` file from `forms/` at run time.

Controllers hold the loaded form (composition, as Anki's `aqt` does); they never lay out
widgets by hand. `load_form` checks that every object name the code relies on exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from app.shared.labels import ElidedLabel
from app.shared.paths import FORMS_DIR

T = TypeVar("T", bound=QObject)


class FormError(RuntimeError):
    """A form is missing, does not parse, or lacks a widget the code needs."""


def form_path(name: str) -> Path:
    return FORMS_DIR / f"{name}.ui"


def load_form(
    name: str,
    parent: QWidget | None = None,
    required: Iterable[str] = (),
    widgets: Iterable[type[QWidget]] = (),
) -> QWidget:
    """Load `forms/<name>.ui`; raise `FormError` if it fails or lacks a `required` child.
    `widgets` are the custom widget classes the form declares beyond `ElidedLabel`."""
    path = form_path(name)
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"cannot open form {path}: {file.errorString()}")
    try:
        loader = QUiLoader()
        loader.registerCustomWidget(ElidedLabel)  # forms declare it as a custom widget
        for widget_class in widgets:
            loader.registerCustomWidget(widget_class)
        widget = loader.load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise FormError(f"cannot load form {path}: {loader.errorString()}")
    missing = [child for child in required if widget.findChild(QObject, child) is None]
    if missing:
        raise FormError(f"form {name} lacks {', '.join(missing)}")
    return widget


def child(form: QWidget, kind: type[T], name: str) -> T:
    """A named child of a loaded form, of the expected type (or `FormError`)."""
    found = form.findChild(kind, name)
    if found is None:
        raise FormError(f"{form.objectName() or 'form'} has no {kind.__name__} {name!r}")
    return found
