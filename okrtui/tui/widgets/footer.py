"""The main screens' footer: Textual's, recomposed once per batch of binding changes, and not while its
screen is out of the app's current stack (another mode's screen is shown).

Textual's Footer queues one recompose for every change of bindings (a focus, a screen shown, a screen's
own refresh_bindings), each rebuilding every key; a screen switch queues three or four, and the screen
switched away from still rebuilds its own. At okrtui's number of keys one rebuild is 40–70 ms on a small
machine, most of what a screen's first frame waited for after it had drawn its rows (issue 28's H1).
A screen shown again rebuilds its footer then: Textual refreshes its bindings as it resumes.

`bindings_changed` is Footer's public hook (the screen calls it); what it sets, `_bindings_ready`, is
Footer's own flag, set as Textual's version sets it. Textual is pinned, and
tests/tui/test_dialog_keys.py::test_the_textual_footer_hook_okrfooter_relies_on fails loudly if an
upgrade changes that method."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class OkrFooter(Footer):
    _rebuild_queued = False

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
            await self.recompose()
