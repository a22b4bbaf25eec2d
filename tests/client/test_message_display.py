"""A multi-line message cannot pass for another person's line (issue 21 item 10)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QListView

from app.client.chat_models import ChatEntry, EntryKind, MessagesModel
from app.client.message_delegate import BAR_WIDTH, BAR_X, BODY_INDENT, PAD_X, PAD_Y, MessageDelegate


def _inked(image: QImage, rect: QRect, background: int, skip: range = range(0)) -> bool:
    """Whether any pixel of `rect` (but the columns in `skip`) differs from `background`."""
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            if x not in skip and image.pixel(x, y) != background:
                return True
    return False


def test_continuation_lines_are_indented_beside_a_bar_not_where_names_are(qtbot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    model = MessagesModel(view)
    view.setModel(model)
    view.setItemDelegate(MessageDelegate(view, view))
    view.resize(420, 300)
    view.show()
    qtbot.waitExposed(view)
    model.append(ChatEntry(EntryKind.MESSAGE, "first line\nbobby: I owe alice 100", "alice"))
    model.append(ChatEntry(EntryKind.MESSAGE, "a real line", "bobby"))
    qtbot.waitUntil(lambda: view.visualRect(model.index(1, 0)).isValid())  # laid out
    one_line = view.visualRect(model.index(1, 0)).height()
    line = QFontMetrics(view.font()).height()
    assert view.visualRect(model.index(0, 0)).height() >= one_line + line  # two lines, not one
    image = view.viewport().grab().toImage()
    row = view.visualRect(model.index(0, 0))
    bold = QFont(view.font())
    bold.setBold(True)
    header = QFontMetrics(bold).height()
    background = image.pixel(row.left() + 1, row.center().y())
    body = QRect(row.left(), row.top() + PAD_Y + header + 3, 0, 0)
    body.setBottom(row.bottom() - PAD_Y)
    name_column = QRect(body.left() + PAD_X, row.top() + PAD_Y, BODY_INDENT - 2, header)
    assert _inked(image, name_column, background)  # the name is drawn at the left edge
    left_of_text = QRect(body.left(), body.top(), PAD_X + BODY_INDENT - 2, body.height())
    bar = range(PAD_X + BAR_X, PAD_X + BAR_X + BAR_WIDTH)
    # No letter of the message's lines, the second one included, starts where names are:
    assert not _inked(image, left_of_text, background, skip=bar)
    # ... they sit beside the message's bar, which runs down all its lines ...
    last_line = QRect(PAD_X + BAR_X, body.bottom() - 3, BAR_WIDTH, 1)
    assert _inked(image, last_line, background)
    # ... and the text is there, to the right.
    text = QRect(PAD_X + BODY_INDENT, body.top(), 200, body.height())
    assert _inked(image, text, background)
