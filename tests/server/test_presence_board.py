"""The presence board's list of who is online, in shared blocks, tested with no socket."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QTimer

from app.server.presence import PAGE_FRAMES, PresenceBoard
from app.shared.protocol import AWAY, ONLINE, Presence, encode


def joined(blocks: list[QByteArray]) -> bytes:
    return b"".join(bytes(block.data()) for block in blocks)


def test_logins_share_the_blocks_until_someone_in_them_changes(qtbot: Any) -> None:
    """A login among n online builds at most one small block, not a join of all n frames
    (and its copy) each: the transient blocks that left the heap fragmented at 5,000."""
    board = PresenceBoard(interval=0)
    people = [f"p{i}" for i in range(2 * PAGE_FRAMES + 5)]
    for name in people:
        board.set(name, name, ONLINE, None)
    first = board.blocks_except("new1")
    assert len(first) == 3
    assert joined(first) == b"".join(encode(Presence(n, ONLINE, None)) for n in people)
    second = board.blocks_except("new2")
    assert all(a is b for a, b in zip(first, second, strict=True))  # built once, shared
    assert min(block.size() for block in first[:2]) >= 4096  # what Qt shares, not copies

    board.set("p0", "p0", AWAY, "lunch")
    third = board.blocks_except("new3")
    assert third[0] is not first[0] and third[1:] == first[1:]
    assert third[1] is first[1] and third[2] is first[2]
    assert joined(third).startswith(encode(Presence("p0", AWAY, "lunch")))


def test_a_login_among_five_thousand_is_told_in_five_writes(qtbot: Any) -> None:
    """Each block is a write (about 3 µs of the event loop's besides its bytes)."""
    board = PresenceBoard(interval=0)
    for i in range(5000):
        board.set(f"p{i}", f"p{i}", ONLINE, None)
    blocks = board.blocks_except("new")
    assert len(blocks) == 5
    assert max(block.size() for block in blocks) < 128 * 1024  # glibc's mmap threshold


def test_a_login_is_not_told_of_itself_and_the_gone_are_forgotten(qtbot: Any) -> None:
    board = PresenceBoard(interval=0)
    for name in ("ann", "bob", "cho"):
        board.set(name, name, ONLINE, None)
    assert joined(board.blocks_except("bob")) == encode(Presence("ann", ONLINE, None)) + encode(
        Presence("cho", ONLINE, None)
    )
    for name in ("ann", "bob", "cho"):
        board.remove(name, name)
    assert board.blocks_except("dan") == []
    board.set("dan", "dan", ONLINE, None)
    assert joined(board.blocks_except("eve")) == encode(Presence("dan", ONLINE, None))


def test_one_timer_serves_every_accounts_interval_and_the_latest_state_follows(
    qtbot: Any,
) -> None:
    """A change goes at once, later ones within the account's interval wait for its end
    and only the latest goes; the quiet are forgotten. One timer for them all, not a
    QTimer (and a connected lambda) per account that logs in."""
    board = PresenceBoard(interval=0.2)
    released: list[tuple[str, str]] = []
    board.on_release = lambda presence, frame: released.append((presence.name, presence.state))
    people = [f"p{i}" for i in range(50)]
    for name in people:
        board.set(name, name, ONLINE, None)
    assert released == [(name, ONLINE) for name in people]  # each at once
    board.set("p7", "p7", AWAY, None)
    board.set("p7", "p7", ONLINE, "back")
    board.set("p7", "p7", AWAY, "gone again")
    assert len(released) == 50  # within p7's interval: held
    assert len(board.findChildren(QTimer)) == 1
    qtbot.waitUntil(lambda: len(released) == 51, timeout=3000)
    assert released[-1] == ("p7", AWAY)
    qtbot.waitUntil(lambda: not board._ends, timeout=3000)  # all quiet since: forgotten
    assert len(released) == 51 and not board._latest
