"""The nodes' notices, without a database: ids only, within PostgreSQL's 8,000 bytes, and
anything else on the channel ignored."""

from __future__ import annotations

import pytest

from app.server.node_bus import MAX_PAYLOAD, Notice


def test_a_notice_is_the_sender_the_kind_and_an_id() -> None:
    notice = Notice("box:4000", "room", "17")
    assert notice.encode() == "box:4000 room 17"
    assert Notice.decode(notice.encode()) == notice


@pytest.mark.parametrize("payload", ["", "room 17", "a room 17 extra", "a  17"])
def test_anything_else_on_the_channel_is_no_notice(payload: str) -> None:
    assert Notice.decode(payload) is None


def test_a_notice_never_exceeds_the_payload_cap() -> None:
    with pytest.raises(ValueError):
        Notice("n", "room", "1" * MAX_PAYLOAD).encode()
