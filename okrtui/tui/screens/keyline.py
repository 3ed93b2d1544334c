"""Keys one at a time: the app's key line (OkrApp builds on it).

Textual hands each key to the widget focused when it reads the key, and runs a screen's or the
app's bindings only when the key comes back up to the app. In a burst (a paste, a fast typist on
a slow SSH link, `tmux send-keys Enter "0.3" Tab "did 3" Enter`) the keys behind a key that
opens a dialog were all routed before it: when the dialog opens through a message (enter on a
list posts RowSelected, the screen then pushes the form), the `i` of "did" came back to the
list's screen and opened the inbox. So the app hands out one key at a time, and only when the
one before it, and what it set off, has been handled; a key that still reaches the screen a
dialog now covers goes to the dialog; keys read while a dialog is being drawn wait for it.

Keys read while a form saves (`Dialog.holds_keys`) wait too, then go out in order to whatever
has the focus once it is done (the next form, the list): each does what it would have done had
the save been instant. One exception: the save's own key pressed again before any other key
(enter enter enter: "is it saving?") is one request. The first repeat goes out (on the check-in
list, enter opens the next KR's form, as it would have), the others are dropped, so a repeated
enter never saves a second form. A failed save drops the held keys and says so: they were typed
for what follows a save, and would act on the form that stays. After a save they also wait for its
new data (`hold_until_fresh`, at most FRESH_WAIT_S): an enter that reopens the KR just saved would
otherwise offer the value from before the save, and a second enter would put it back.

Public Textual API only: `on_event` (the app reads a key), the `on_key` handler with
`prevent_default` (a key back at the app, before Textual's bindings), `call_later` on each node
on the key's way up, and `set_timer`. tests/tui/test_dialog_keys.py checks these hooks behave
as relied on, so a Textual upgrade that changes them fails loudly there."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from okrtui.tui.screens.base import Dialog

ROUNDS = 3  # the key's own way up, the message its binding posted (RowSelected), and the one that posts (OpenDetail)
STUCK_AFTER_S = 0.5  # a node on the key's way closed under it (a dismissed dialog): move on
FRESH_WAIT_S = 3.0  # a save's new data not in by then (a slow reload): the held keys go out all the same


class KeyLine(App[None]):
    """An app that hands out keys one at a time (see the module's docstring)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._waiting: list[events.Key] = []
        self._on_its_way: object | None = None  # the key being handled: a token, not the key
        self._stuck: Timer | None = None
        self._until_fresh: Timer | None = None  # a save is through, its new data not yet shown
        self._routed_to: weakref.WeakKeyDictionary[events.Key, Screen[object]] = weakref.WeakKeyDictionary()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:
            screen = self.screen
            if (isinstance(screen, Dialog) and screen.holds_keys and screen.repeats_save(event.key)
                    and self._waiting and all(screen.repeats_save(k.key) for k in self._waiting)):
                return  # the save key again, before any other: the same request, sent once
            self._waiting.append(event)
            await self.hand_out_keys()
            return
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A key back at the app, before Textual runs the bindings: one routed to a screen that a
        dialog has covered since was typed for that dialog. It goes there, first in line."""
        routed = self._routed_to.pop(event, None)
        if routed is not None and routed is not self.screen and isinstance(self.screen, ModalScreen):
            event.prevent_default()
            self._waiting.insert(0, events.Key(event.key, event.character))

    async def hand_out_keys(self) -> None:
        """Hand the next waiting key out, unless one is on its way or a dialog is still being drawn
        (Dialog calls this once it is focused)."""
        if self._on_its_way is not None or not self._waiting or not self.screen_stack \
                or self._until_fresh is not None:
            return
        screen = self.screen
        if isinstance(screen, Dialog) and (not screen.keys_ready or screen.holds_keys):
            return
        event = self._waiting.pop(0)
        if self.refuse_key(screen, event):
            await self.hand_out_keys()
            return
        token = self._on_its_way = object()
        target = self.focused or screen
        self._routed_to[event] = screen
        await super().on_event(event)  # the priority bindings, else to the focused widget
        # The timer runs in its own task: it asks the app's, where keys are handed out.
        self._stuck = self.set_timer(STUCK_AFTER_S, partial(self.call_later, self._handled, token))
        self._follow(list(target.ancestors_with_self), token, ROUNDS)

    def _follow(self, way: Sequence[MessagePump], token: object, rounds: int) -> None:
        """Once each node from the widget up to the app has handled what it holds now, `rounds` times
        over, the key is handled. (A Callback runs after the messages already in a node's queue.)"""
        for i, node in enumerate(way):
            rest = way[i + 1:]
            if node.call_later(self._follow, rest, token, rounds):
                return
        if rounds > 1 and self._on_its_way is token:
            focused = self.focused or (self.screen if self.screen_stack else None)
            self._follow(list(focused.ancestors_with_self) if focused else [self], token, rounds - 1)
            return
        self.call_later(self._handled, token)

    def hold_until_fresh(self) -> None:
        """A save is through: the keys typed from now wait for its new data (`fresh`)."""
        if self._until_fresh is not None:
            self._until_fresh.stop()
        self._until_fresh = self.set_timer(FRESH_WAIT_S, self.fresh)

    def fresh(self) -> None:
        """The new data is shown (or will not come): the held keys go out."""
        if self._until_fresh is None:
            return
        self._until_fresh.stop()
        self._until_fresh = None
        self.call_later(self.hand_out_keys)

    def drop_held_keys(self) -> int:
        """Forget the keys waiting to be handed out (a form's save failed: they were typed for what
        follows a save). Returns how many there were."""
        dropped = len(self._waiting)
        self._waiting.clear()
        return dropped

    def refuse_key(self, screen: Screen[Any], event: events.Key) -> bool:
        """Whether the app refuses this key before it is handed out (it says why itself)."""
        return False

    async def _handled(self, token: object) -> None:
        if self._on_its_way is not token:
            return
        self._on_its_way = None
        if self._stuck is not None:
            self._stuck.stop()
            self._stuck = None
        await self.hand_out_keys()
