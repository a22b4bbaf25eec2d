"""Whether a member may post a file: an upload's begin and its end each ask moderation
(mute, read-only, slow mode at the begin only), and the end, which posts a message, is
charged to the same per-account and per-address chat budgets as a `say`. Sans I/O."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.shared.protocol import ErrorCode, ProtocolError, RequestId, UploadBegin, UploadEnd

if TYPE_CHECKING:  # budgets.py reaches Qt through the server config
    from app.server.budgets import Budgets

CheckSay = Callable[[str, RequestId, bool], None]  # raises `muted` and the like


def check_upload(
    check_say: CheckSay, budgets: Budgets, key: str, address_key: str, item: UploadBegin | UploadEnd
) -> None:
    """Raise what refuses `item` from account `key` now; what it allows is charged."""
    if isinstance(item, UploadBegin):
        check_say(key, item.id, True)  # the upload takes slow mode's turn here
        return
    check_say(key, item.id, False)  # muted or made read-only since the begin: not posted
    flood = budgets.chat(key)
    if not flood.admit():
        text = "too many messages; wait a moment"
        raise ProtocolError(ErrorCode.RATE_LIMITED, text, item.id, round(flood.retry_after(), 3))
    text = item.text or ""
    if not budgets.admit_batch(key, address_key, [text]):
        wait = budgets.batch_retry_after(key, address_key, text)
        raise ProtocolError(ErrorCode.RATE_LIMITED, "too much chat; wait a moment", item.id,
                            round(wait, 3))  # fmt: skip
