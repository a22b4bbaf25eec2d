"""A window showing one image of a room in full, decoded off the event loop with the same limits
as thumbnails and scaled to fit; Esc closes it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton

from app.client.attachment_delegate import size_text
from app.client.thumbnails import read_file
from app.client.ui import icon
from app.client.workers import Workers
from app.shared.forms import child, load_form
from app.shared.protocol import Attachment

REQUIRED = ("imageLabel", "infoLabel", "saveButton", "closeButton")


class ImageViewer(QObject):
    """Controller of `forms/image_viewer.ui` for one attachment whose file is at `path`.

    The image is decoded at most at the screen's size (`thumbnails.read_file`: a bomb or a
    damaged file says so instead); it is scaled to the window as it is resized.

    Signals:
        save_requested(object): the person asked to keep the file (its `Attachment`).
    """

    save_requested = Signal(object)

    def __init__(self, attachment: Attachment, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.attachment = attachment
        self.form: QDialog = load_form("image_viewer", None, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("roomchat"))
        self.form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form.setWindowTitle(self.tr("{name} — RoomChat").format(name=attachment.name))
        self.image_label = child(self.form, QLabel, "imageLabel")
        self.image_label.setText(self.tr("Loading…"))
        info = f"{attachment.name} · {size_text(attachment.size)}"
        child(self.form, QLabel, "infoLabel").setText(info)
        self.save_button = child(self.form, QPushButton, "saveButton")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.attachment))
        child(self.form, QPushButton, "closeButton").clicked.connect(self.form.close)
        self.image: QImage | None = None
        self.failed = False
        self.form.installEventFilter(self)
        self.workers = Workers(self)
        screen = QGuiApplication.primaryScreen()
        box = screen.availableSize() if screen is not None else QSize(1920, 1080)
        self.workers.run(lambda: read_file(path, box), self._on_decoded)
        self.form.destroyed.connect(self.workers.close)

    def show(self) -> None:
        self.form.show()
        self.form.raise_()
        self.form.activateWindow()

    def _on_decoded(self, image: object) -> None:
        if isinstance(image, QImage) and not image.isNull():
            self.image = image
            self._fit()
        else:
            self.failed = True
            self.image_label.setText(
                self.tr("This image cannot be shown: it is damaged, or too large to open safely.")
            )

    @Slot()
    def _fit(self) -> None:
        if self.image is None:
            return
        pixmap = QPixmap.fromImage(self.image)
        size = self.image_label.size()
        if pixmap.width() > size.width() or pixmap.height() > size.height():
            pixmap = pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self.image_label.setPixmap(pixmap)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form and event.type() == QEvent.Type.Resize:
            self._fit()
        return False
