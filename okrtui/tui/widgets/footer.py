"""The main screens' footer: Textual's, recomposed once per batch of binding changes, and not while its
screen is out of the app's current stack (another mode's screen is shown).

Textual's Footer queues one recompose for every change of bindings (a focus, a screen shown, a screen's
own refresh_bindings), each rebuilding every key; a screen switch queues three or four, and the screen
switched away from still rebuilds its own. At okrtui's number of keys one rebuild is 40–70 ms on a small
machine, most of what a screen's first frame waited for after it had drawn its rows (issue 28's H1).
A screen shown again rebuilds its footer then if its keys changed meanwhile: Textual refreshes its bindings
as it resumes.

A rebuild whose keys are the ones already shown is skipped: a screen's first frame asked for two (the focus
given to its list, then the screen's resume), each building the same twelve keys (the second was about 2 % of
okrtui's first frame, docs/performance.md), and coming back to a screen whose keys did not change asked for
one more."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class OkrFooter(Footer):
    _rebuild_queued = False
    _shown: tuple[object, ...] | None = None  # the keys last built (`_keys`), None before the first build

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False
        if self.is_attached and self.screen in self.app.screen_stack:
            keys = self._keys()
            if keys != self._shown:
                self._shown = keys
                await self.recompose()

    def _keys(self) -> tuple[object, ...]:
        """What Footer.compose builds from (its active bindings, public Screen API): the same keys, the same
        footer."""
        app = self.app
        palette = self.show_command_palette and app.ENABLE_COMMAND_PALETTE
        return (palette, self.compact,
                tuple((b.key, app.get_key_display(b), b.description, b.action, b.group, b.show, enabled, tooltip)
                      for _, b, enabled, tooltip in self.screen.active_bindings.values()
                      if b.show or (palette and b.key == app.COMMAND_PALETTE_BINDING)))
