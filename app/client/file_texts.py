"""What the person reads about files: an upload refused, a download that failed, a file saved."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDir

from app.client import texts
from app.client.attachment_delegate import size_text
from app.shared.protocol import ErrorCode, ErrorReply

translate = QCoreApplication.translate


def upload_failed(name: str, error: ErrorReply) -> str:
    """The file `name` was not sent, because of `error` (the server's, or ours)."""
    reasons: dict[str, str] = {
        ErrorCode.FILE_TOO_LARGE: translate("Files", "it is larger than this server accepts"),
        ErrorCode.QUOTA_EXCEEDED: translate(
            "Files", "there is no room left for your files on this server"
        ),
        ErrorCode.INVALID_FILE_NAME: translate("Files", "the server does not accept its name"),
        ErrorCode.UPLOAD_CORRUPT: translate(
            "Files", "it changed or could not be read while it was being sent"
        ),
        ErrorCode.BAD_REQUEST: translate("Files", "it cannot be read"),
    }
    reason = reasons.get(error.code) or texts.request_error(error)
    return translate("Files", "“{name}” was not sent: {reason}").format(name=name, reason=reason)


def save_failed(name: str, reason: str) -> str:
    """The attachment `name` could not be saved (`reason` from `Transfers.failed`)."""
    reasons: dict[str, str] = {
        "corrupt": translate("Files", "what arrived does not match the file that was sent"),
        "write_failed": translate("Files", "the Downloads folder cannot be written"),
        ErrorCode.NO_SUCH_ATTACHMENT: translate("Files", "it is no longer in the room"),
        "cancelled": translate("Files", "the download stopped"),
    }
    reason_text = reasons.get(reason, translate("Files", "the server refused"))
    return translate("Files", "“{name}” was not saved: {reason}").format(
        name=name, reason=reason_text
    )


def saved(path: str, size: int) -> str:
    """The file is now at `path`."""
    return translate("Files", "Saved {path} ({size})").format(
        path=QDir.toNativeSeparators(path), size=size_text(size)
    )
