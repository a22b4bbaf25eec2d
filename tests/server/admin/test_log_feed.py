"""The log feed: records from any thread reach the window's model on the GUI thread."""

from __future__ import annotations

import logging
import threading

from pytestqt.qtbot import QtBot

from app.server.admin.log_feed import EventLogModel, LogAttachment, LogFeed


def test_records_from_a_worker_thread_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    feed, model = LogFeed(), EventLogModel()
    received_on: list[threading.Thread] = []
    feed.record_logged.connect(lambda *_: received_on.append(threading.current_thread()))
    feed.record_logged.connect(model.append)
    attachment = LogAttachment(feed)
    try:
        worker = threading.Thread(
            target=lambda: logging.getLogger("roomchat.db").warning("disk %s", "full")
        )
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5_000)
    finally:
        attachment.detach()
    assert received_on == [threading.main_thread()]
    assert model.lines()[0].endswith("WARNING db      disk full")


def test_a_blocked_gui_thread_finds_no_more_than_the_limit_waiting(qtbot: QtBot) -> None:
    feed, model = LogFeed(limit=10), EventLogModel(limit=10)
    delivered: list[str] = []
    feed.record_logged.connect(lambda _level, text: delivered.append(text))
    feed.record_logged.connect(model.append)
    attachment = LogAttachment(feed)
    try:
        net = logging.getLogger("roomchat.net")
        worker = threading.Thread(target=lambda: [net.info("line %d", n) for n in range(100)])
        worker.start()
        worker.join()  # meanwhile this thread, the feed's, handles no event at all
        qtbot.waitUntil(lambda: model.rowCount() == 10, timeout=5_000)
    finally:
        attachment.detach()
    assert len(delivered) == 10  # the 90 oldest were dropped before they crossed
    assert delivered[0].endswith("line 90") and delivered[-1].endswith("line 99")
    assert model.lines() == delivered


def test_only_roomchat_info_and_above_is_shown(qtbot: QtBot) -> None:
    feed, model = LogFeed(), EventLogModel()
    feed.record_logged.connect(model.append)
    attachment = LogAttachment(feed)
    try:
        logging.getLogger("roomchat.server").info("shown")
        logging.getLogger("roomchat.server").debug("too detailed")
        logging.getLogger("elsewhere").error("not ours")
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5_000)
    finally:
        attachment.detach()
    assert model.lines()[0].endswith("INFO    server  shown")


def test_attaching_leaves_the_level_and_detach_removes_the_handler() -> None:
    logger = logging.getLogger("roomchat")
    level, handlers = logger.level, list(logger.handlers)
    attachment = LogAttachment(LogFeed())
    assert attachment.handler in logger.handlers and logger.level == level
    attachment.detach()
    attachment.detach()  # idempotent
    assert logger.handlers == handlers


def test_a_deleted_feed_is_ignored() -> None:
    feed = LogFeed()
    attachment = LogAttachment(feed)
    try:
        feed.deleteLater()
        del feed
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        logging.getLogger("roomchat.server").info("after the window went")
    finally:
        attachment.detach()
