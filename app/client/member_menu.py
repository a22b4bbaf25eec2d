"""The menu on a member in a room's list: only what the person's role allows; the mouse's
right button, the Menu key or Shift+F10 on the selected member opens it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QMenu

from app.client.chat_models import SENDER_ROLE
from app.shared.protocol import (
    BAN,
    KICK,
    MEMBER,
    MODERATOR,
    MUTE,
    OPERATOR,
    OWNER,
    SET_ROLE,
    TRANSFER_OWNER,
    UNMUTE,
)
from app.shared.validation import name_key

RANK = {MEMBER: 0, MODERATOR: 1, OWNER: 2, OPERATOR: 3}
MAKE_MODERATOR, MAKE_MEMBER = "make_moderator", "make_member"  # the two set_role entries


def allowed_acts(me: str, target: str, target_muted: bool = False) -> list[str]:
    """What someone of role `me` may do to a member of role `target`, in menu order."""
    acts: list[str] = []
    if me != MEMBER and RANK[target] < RANK[me]:
        acts += [KICK, BAN, UNMUTE if target_muted else MUTE]
    if me in (OWNER, OPERATOR) and target != OWNER:
        if target in (MEMBER, MODERATOR):
            acts.append(MAKE_MEMBER if target == MODERATOR else MAKE_MODERATOR)
        acts.append(TRANSFER_OWNER)
    return acts


def open_menu_from_keyboard(view: QAbstractItemView, event: QEvent) -> bool:
    """The Menu key or Shift+F10 on `view`: ask for its context menu at the current item."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
        return False
    shift_f10 = (
        event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
    )
    if event.key() != Qt.Key.Key_Menu and not shift_f10:
        return False
    index = view.currentIndex()
    point = view.visualRect(index).center() if index.isValid() else QPoint(4, 4)
    view.customContextMenuRequested.emit(point)
    return True


class MemberMenu(QObject):
    """Builds the member menu of a room's `view`; `role_of(name)` and `my_role()` come from
    the room's roles, `muted(name)` from what the room was told.

    Signals:
        act_requested(str, str): the act (a `moderation` action, or MAKE_MODERATOR /
            MAKE_MEMBER) and the member's name.
    """

    act_requested = Signal(str, str)

    def __init__(
        self,
        view: QAbstractItemView,
        my_role: Callable[[], str],
        role_of: Callable[[str], str],
        muted: Callable[[str], bool],
        me: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._my_role, self._role_of, self._muted, self._me = my_role, role_of, muted, me
        self.menu: QMenu | None = None
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_view_custom_context_menu_requested)
        view.installEventFilter(self)

    def labels(self) -> dict[str, str]:
        return {
            KICK: self.tr("&Kick…"),
            BAN: self.tr("&Ban…"),
            MUTE: self.tr("&Mute…"),
            UNMUTE: self.tr("&Unmute"),
            MAKE_MODERATOR: self.tr("Make m&oderator"),
            MAKE_MEMBER: self.tr("Make plain me&mber"),
            TRANSFER_OWNER: self.tr("&Hand the room to them"),
            SET_ROLE: "",
        }

    def acts_for(self, index: QModelIndex) -> tuple[str, list[str]]:
        """The member at `index` and what the person may do to them."""
        name = str(index.data(SENDER_ROLE) or "") if index.isValid() else ""
        if not name or name_key(name) == name_key(self._me()):
            return name, []
        return name, allowed_acts(self._my_role(), self._role_of(name), self._muted(name))

    @Slot(QPoint)
    def _on_view_custom_context_menu_requested(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        name, acts = self.acts_for(index)
        if not acts:
            return
        if self.menu is not None:
            self.menu.deleteLater()
        menu = QMenu(self.view)
        labels = self.labels()
        for act in acts:
            action = menu.addAction(labels[act])
            action.triggered.connect(lambda _=False, a=act: self.act_requested.emit(a, name))
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(point))
        menu.setActiveAction(menu.actions()[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view:
            return open_menu_from_keyboard(self.view, event)
        return False
