"""A room's moderation in its chat window: roles, the member and message menus, the Room
settings dialog, the system lines, and why the input line is off."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QEvent, QModelIndex, QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QMenu, QPushButton

from app.client.chat_models import KIND_ROLE, ChatEntry, EntryKind
from app.client.member_menu import MAKE_MEMBER, MAKE_MODERATOR, MemberMenu, open_menu_from_keyboard
from app.client.moderation_dialog import REPORT, ModerationDialog
from app.client.moderation_texts import act_line, duration, refusal, role_line, settings_line
from app.client.muted_input import MutedInput, epoch_of
from app.client.room_settings_dialog import RoomSettingsDialog
from app.client.ui import icon
from app.shared.forms import child
from app.shared.protocol import (
    BAN,
    KICK,
    MEMBER,
    MODERATOR,
    MUTE,
    TRANSFER_OWNER,
    UNMUTE,
    Ban,
    ChatMessage,
    DeleteMessage,
    Entered,
    ErrorCode,
    ErrorReply,
    Joined,
    Kick,
    Left,
    MemberRole,
    MessageDeleted,
    Moderation,
    Mute,
    Ok,
    Report,
    Reported,
    RequestId,
    RoleChanged,
    RoomModes,
    RoomSettingsChanged,
    SetRole,
    TransferOwner,
    Unmute,
    UploadReady,
)
from app.shared.questions import ask
from app.shared.validation import name_key

if TYPE_CHECKING:
    from app.client.chat_window import ChatWindow
    from app.client.session import RoomConnection

ID_PREFIX = "mod-"  # the ids of the requests sent from here; their answers are ours
SETTINGS = "room_settings"


class RoomModeration(QObject):
    """Moderation for one `ChatWindow`; `attach()` it to each new room connection.

    Signals:
        changed(): whether the person may speak, or their role, changed.
    """

    changed = Signal()

    def __init__(self, chat: ChatWindow) -> None:
        super().__init__(chat)
        self.chat = chat
        self.roles: dict[str, str] = {}  # name key → role; absent: a plain member
        self.modes: dict[str, Any] = RoomModes().to_wire()  # what the room said, wire names
        # keys the room said are muted → till when (Unix seconds; None: until unmuted)
        self.muted_names: dict[str, float | None] = {}
        self.muted = MutedInput(child(chat.form, QLabel, "mutedLabel"), self)
        self.muted.changed.connect(self.changed)
        self.member_menu = MemberMenu(
            chat.members_view, self.my_role, self.role_of,
            self.is_muted, lambda: chat.me, self,
        )  # fmt: skip
        self.member_menu.act_requested.connect(self._on_member_menu_act_requested)
        chat.view_actions.extend_menu = self._add_message_actions
        chat.messages_view.installEventFilter(self)
        self.settings_button = child(chat.form, QPushButton, "settingsButton")
        self.settings_button.setIcon(icon("settings"))  # no text: the header keeps its name
        self.settings_button.clicked.connect(self.open_settings)
        self.settings_button.hide()
        self.dialog: RoomSettingsDialog | None = None
        self._ids = itertools.count(1)
        self._asked: dict[str, str] = {}  # request id → what was asked
        self.connection: RoomConnection | None = None

    # --- roles ---------------------------------------------------------------------------

    def role_of(self, name: str) -> str:
        return self.roles.get(name_key(name), MEMBER)

    def my_role(self) -> str:
        return self.role_of(self.chat.me)

    def is_muted(self, name: str) -> bool:
        """Whether the room said `name` is muted, and the mute has not run out."""
        key = name_key(name)
        if key not in self.muted_names:
            return False
        until = self.muted_names[key]
        return until is None or until > time.time()

    def _set_roles(self, roles: tuple[MemberRole, ...] | None) -> None:
        if roles is None:  # an older server: nobody moderates
            return
        self.roles = {name_key(r.name): r.role for r in roles if r.role != MEMBER}
        self._roles_changed()

    def _roles_changed(self) -> None:
        self.settings_button.setVisible(self.my_role() != MEMBER)
        self.muted.set_read_only(bool(self.modes["read_only"]) and self.my_role() == MEMBER)
        self.changed.emit()

    # --- requests ------------------------------------------------------------------------

    def attach(self, connection: RoomConnection) -> None:
        self.connection = connection
        self.modes = RoomModes().to_wire()  # `entered` tells them again (an older server: not)
        self.muted.clear()
        connection.event_received.connect(self._on_connection_event_received)

    def close(self) -> None:
        """The window is going: no countdown writes into its form any more."""
        self.muted.stop()
        if self.dialog is not None and self.dialog.is_open:
            self.dialog.form.reject()

    def owns(self, request_id: RequestId) -> bool:
        return isinstance(request_id, str) and request_id.startswith(ID_PREFIX)

    def send(self, request: Any, what: str) -> None:
        request_id = f"{ID_PREFIX}{next(self._ids)}"
        self._asked[request_id] = what
        if self.connection is None or not self.connection.send(replace(request, id=request_id)):
            self._asked.pop(request_id, None)
            self._notice(self.tr("Not sent: you are not connected to the room."), problem=True)

    def _confirm(self, text: str, yes: str, request: Any, what: str) -> None:
        def answered(yes_given: bool) -> None:
            if yes_given:
                self.send(request, what)

        ask(self.chat.form, self.tr("Moderate"), text, answered, yes)

    @Slot(str, str)
    def _on_member_menu_act_requested(self, act: str, name: str) -> None:
        if act in (KICK, BAN, MUTE):
            verbs = {KICK: self.tr("&Kick"), BAN: self.tr("&Ban"), MUTE: self.tr("&Mute")}
            dialog = ModerationDialog(self.chat.form, act, name, verbs[act])
            dialog.chosen.connect(lambda minutes, reason: self._options_chosen(act, name,
                                  verbs[act], minutes, reason))  # fmt: skip
            dialog.open()
            return
        if act == UNMUTE:
            text = self.tr("Let {name} speak again?").format(name=name)
            self._confirm(text, self.tr("&Unmute"), Unmute(name), act)
        elif act in (MAKE_MODERATOR, MAKE_MEMBER):
            role = MODERATOR if act == MAKE_MODERATOR else MEMBER
            text = (
                self.tr("Make {name} a moderator of this room?")
                if role == MODERATOR
                else self.tr("Make {name} a plain member again?")
            )
            self._confirm(text.format(name=name), self.tr("&Change role"), SetRole(name, role), act)
        elif act == TRANSFER_OWNER:
            text = self.tr("Hand this room to {name}? They become its owner; you stay a moderator.")
            self._confirm(text.format(name=name), self.tr("&Hand over"), TransferOwner(name), act)

    def _options_chosen(
        self, act: str, name: str, verb: str, minutes: int | None, reason: str | None
    ) -> None:
        request: Kick | Ban | Mute
        if act == KICK:
            text, request = self.tr("Remove {name} from the room?"), Kick(name, reason)
        elif act == BAN:
            text, request = self.tr("Ban {name} {duration}?"), Ban(name, minutes, reason)
        else:
            text, request = self.tr("Mute {name} {duration}?"), Mute(name, minutes, reason)
        self._confirm(text.format(name=name, duration=duration(minutes, act)), verb, request, act)

    def _add_message_actions(self, menu: QMenu, index: QModelIndex) -> None:
        kind = index.data(KIND_ROLE) if index.isValid() else None
        if kind not in (EntryKind.MESSAGE, EntryKind.OWN):
            return
        entry = self.chat.messages.entry(index.row())
        if entry.seq is None or not entry.text:
            return
        seq = entry.seq
        menu.addSeparator()
        if kind == EntryKind.OWN or self.my_role() != MEMBER:
            delete = menu.addAction(self.tr("&Delete message…"))
            text = self.tr("Delete this message for everyone in the room?")
            delete.triggered.connect(
                lambda: self._confirm(text, self.tr("&Delete"), DeleteMessage(seq), "delete")
            )
        if kind == EntryKind.MESSAGE:
            report = menu.addAction(self.tr("&Report message…"))
            report.triggered.connect(lambda: self._report(seq, entry.sender))

    def _report(self, seq: int, sender: str) -> None:
        dialog = ModerationDialog(self.chat.form, REPORT, sender, self.tr("Re&port"))
        dialog.chosen.connect(lambda _minutes, reason: self.send(Report(seq, reason), REPORT))
        dialog.open()

    def open_settings(self) -> None:
        if self.dialog is not None and self.dialog.is_open:
            self.dialog.form.raise_()
            return
        dialog = RoomSettingsDialog(self.chat.form, self.chat.room, self.modes)
        dialog.save_requested.connect(lambda settings: self.send(settings, SETTINGS))
        dialog.closed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.chat.messages_view:
            return open_menu_from_keyboard(self.chat.messages_view, event)
        return False

    # --- what the room tells ---------------------------------------------------------------

    def _notice(self, text: str, problem: bool = False) -> None:
        kind = EntryKind.PROBLEM if problem else EntryKind.NOTICE
        self.chat.messages.append(ChatEntry(kind, text, when=QDateTime.currentDateTime()))

    @Slot(object)
    def _on_connection_event_received(self, event: object) -> None:
        if isinstance(event, Entered):
            self._on_entered(event)
        elif isinstance(event, ChatMessage) and name_key(event.sender) == name_key(self.chat.me):
            self._spoke()  # accepted: slow mode's wait starts now
        elif isinstance(event, UploadReady):
            self._spoke()  # an upload takes slow mode's turn when it begins
        elif isinstance(event, Joined | Left):
            self._set_roles(event.member_roles)
        elif isinstance(event, Moderation):
            self._on_act(event)
        elif isinstance(event, RoleChanged):
            self.roles[name_key(event.name)] = event.role
            self._notice(role_line(event))
            self._roles_changed()
        elif isinstance(event, MessageDeleted):
            text = self.tr("(message deleted by {by})").format(by=event.by)
            self.chat.messages.mark_deleted(event.seq, text)
        elif isinstance(event, RoomSettingsChanged):
            self._on_settings_changed(event)
        elif isinstance(event, Ok | Reported) and self.owns(event.id):
            what = self._asked.pop(str(event.id), "")
            if what == SETTINGS and self.dialog is not None:
                self.dialog.finish()
            elif what == REPORT:
                self._notice(self.tr("Reported: the server's operators will see it."))
        elif isinstance(event, ErrorReply):
            self._on_error(event)

    def _on_entered(self, event: Entered) -> None:
        """The room's modes and one's own mute, as they are on entering (or re-entering)."""
        if event.settings is not None:
            self.modes.update(event.settings.to_wire())
        if event.mutes is not None:  # one who may unmute: every mute in force
            self.muted_names = {name_key(m.name): epoch_of(m.until) for m in event.mutes}
        if event.muted is not None:
            self.muted_names[name_key(event.you)] = epoch_of(event.muted.until)
            self.muted.mute(epoch_of(event.muted.until))
        if event.member_roles is None:
            self._roles_changed()  # read-only turns the input off for a plain member
        else:
            self._set_roles(event.member_roles)  # and so for their role

    def _spoke(self) -> None:
        """The server took the person's message: in slow mode, the input waits its turn."""
        seconds = self.modes.get("slow_mode_seconds") or 0
        if isinstance(seconds, int) and seconds > 0 and self.my_role() == MEMBER:
            self.muted.slow(seconds)

    def _on_act(self, event: Moderation) -> None:
        line = act_line(event)
        if line:
            self._notice(line)
        key = name_key(event.name or "")
        if event.action == MUTE:
            minutes = event.minutes
            self.muted_names[key] = None if minutes is None else time.time() + minutes * 60
        elif event.action == UNMUTE:
            self.muted_names.pop(key, None)
        if key != name_key(self.chat.me) or not event.name:
            return
        if event.action == MUTE:
            self.muted.mute_for(event.minutes)
        elif event.action == UNMUTE:
            self.muted.unmute()

    def _on_settings_changed(self, event: RoomSettingsChanged) -> None:
        changes = event.changes
        self._notice(settings_line(event))
        for key in self.modes:
            if key in changes:
                self.modes[key] = changes[key]
        room = self.chat.room
        shown = replace(
            room,
            name=str(changes.get("name", room.name)),
            capacity=int(changes.get("capacity", room.capacity)),
            locked=bool(changes.get("locked", room.locked)),
        )
        if shown != room:
            self.chat.show_room(shown)
        self._roles_changed()

    def _on_error(self, error: ErrorReply) -> None:
        code = error.code
        if code == ErrorCode.MUTED:
            self.muted.mute(epoch_of(error.until))
        elif code == ErrorCode.READ_ONLY:
            self.modes["read_only"] = True
            self.muted.set_read_only(True)
        elif code == ErrorCode.SLOW_MODE and error.retry_after:
            self.muted.slow(error.retry_after)
        if not self.owns(error.id):
            return
        what = self._asked.pop(str(error.id), "")
        text = refusal(error, self.chat.room.name)
        if what == SETTINGS and self.dialog is not None:
            self.dialog.show_error(text)
        else:
            self._notice(text, problem=True)
