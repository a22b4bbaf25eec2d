"""The certificate dialog: a server certificate the client cannot verify, or one that changed."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget

from app.client import texts
from app.client.tls import CertificateProblem
from app.client.ui import icon
from app.shared.forms import child, load_form
from app.shared.screens import fit_to_screen

REQUIRED = (
    "iconLabel",
    "headingLabel",
    "problemsLabel",
    "fingerprintLabel",
    "pinnedCaptionLabel",
    "pinnedLabel",
    "adviceLabel",
    "trustOnceButton",
    "trustAlwaysButton",
    "forgetButton",
    "cancelButton",
)


class Decision(StrEnum):
    """What the person chose about a certificate."""

    TRUST_ONCE = "trust_once"
    TRUST_ALWAYS = "trust_always"
    FORGET = "forget"  # remove the pinned certificate (offered only when it changed)
    CANCEL = "cancel"


class CertificateDialog(QObject):
    """Controller of `forms/certificate_dialog.ui` for one refused certificate, shown with
    `open()` (window-modal, never blocking the event loop).

    An unverifiable certificate offers Trust once, Trust always and Cancel. A certificate that
    differs from the pinned one offers no trust at all: only Cancel, or forgetting the pin.

    Signals:
        decided(str): the person's `Decision` (Cancel also when the dialog is closed).
    """

    decided = Signal(str)

    def __init__(self, parent: QWidget, problem: CertificateProblem) -> None:
        super().__init__(parent)
        self.problem = problem
        self.form: QDialog = load_form("certificate_dialog", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowIcon(icon("warning"))
        child(self.form, QLabel, "iconLabel").setPixmap(icon("warning").pixmap(32, 32))
        self.heading_label = child(self.form, QLabel, "headingLabel")
        self.problems_label = child(self.form, QLabel, "problemsLabel")
        self.fingerprint_label = child(self.form, QLabel, "fingerprintLabel")
        self.pinned_label = child(self.form, QLabel, "pinnedLabel")
        self.advice_label = child(self.form, QLabel, "adviceLabel")
        self.trust_once_button = child(self.form, QPushButton, "trustOnceButton")
        self.trust_always_button = child(self.form, QPushButton, "trustAlwaysButton")
        self.forget_button = child(self.form, QPushButton, "forgetButton")
        self.cancel_button = child(self.form, QPushButton, "cancelButton")
        self._decision = Decision.CANCEL
        self._show(problem)
        for button, decision in (
            (self.trust_once_button, Decision.TRUST_ONCE),
            (self.trust_always_button, Decision.TRUST_ALWAYS),
            (self.forget_button, Decision.FORGET),
        ):
            button.clicked.connect(lambda _=False, d=decision: self._decide(d))
        self.cancel_button.clicked.connect(self.form.reject)
        self.form.finished.connect(self._on_form_finished)
        self.is_open = False

    @property
    def text(self) -> str:
        """Everything the dialog says, as plain text (for the person's logs and for tests)."""
        labels = (self.heading_label, self.problems_label, self.fingerprint_label)
        return "\n".join(label.text() for label in labels)

    def open(self) -> None:
        self.is_open = True
        fit_to_screen(self.form)
        self.form.open()
        self.cancel_button.setFocus()

    def _show(self, problem: CertificateProblem) -> None:
        address = escape(problem.address)
        if problem.changed:
            self.form.setWindowTitle(self.tr("Server certificate changed"))
            heading = self.tr(
                "<b>Warning: the certificate of the server at {address} has changed.</b> "
                "RoomChat refused the connection."
            )
            advice = self.tr(
                "Ask the server's operator whether they replaced the certificate. Only if "
                "they did, forget the old one and log in again to check the new one."
            )
        else:
            heading = self.tr(
                "<b>RoomChat cannot verify the identity of the server at {address}.</b>"
            )
            advice = self.tr(
                "Trust it only if this fingerprint matches the one the server's operator "
                "gave you. Otherwise someone may be listening in."
            )
        self.heading_label.setText(heading.format(address=address))
        items = "".join(f"<li>{escape(line)}</li>" for line in texts.certificate_problems(problem))
        self.problems_label.setText(f"<ul style='margin: 0'>{items}</ul>" if items else "")
        self.problems_label.setVisible(bool(items))
        self.fingerprint_label.setText(_two_lines(problem.fingerprint))
        self.pinned_label.setText(_two_lines(problem.pinned))
        for widget in (self.pinned_label, child(self.form, QLabel, "pinnedCaptionLabel")):
            widget.setVisible(problem.changed)
        self.advice_label.setText(advice)
        self.trust_once_button.setVisible(not problem.changed)
        self.trust_always_button.setVisible(not problem.changed)
        self.forget_button.setVisible(problem.changed)
        self.form.adjustSize()

    def _decide(self, decision: Decision) -> None:
        self._decision = decision
        self.form.accept()

    @Slot(int)
    def _on_form_finished(self, _result: int) -> None:
        self.is_open = False
        self.decided.emit(str(self._decision))
        self.form.deleteLater()


def _two_lines(fingerprint: str) -> str:
    """A SHA-256 fingerprint (32 hex pairs) broken after its 16th pair, to fit the dialog."""
    pairs = fingerprint.split(":")
    return ":".join(pairs[:16]) + (":\n" + ":".join(pairs[16:]) if len(pairs) > 16 else "")
