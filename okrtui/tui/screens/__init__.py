"""One module per screen; dialogs and forms beside them.

The main screens' registry: each mode's title and module, the module imported on first use
(only the first screen loads before the first frame). A main screen's module names its class
`SCREEN = ...`; adding a screen is a module and a line here (docs/development.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okrtui.tui.screens.base import OkrScreen


@dataclass(frozen=True)
class Main:
    title: str
    module: str  # okrtui.tui.screens.<module>, whose SCREEN is the class

    def screen(self) -> type[OkrScreen]:
        from okrtui.tui.screens.base import OkrScreen  # loaded already: the app builds on it

        cls = importlib.import_module(f"okrtui.tui.screens.{self.module}").SCREEN
        if not (isinstance(cls, type) and issubclass(cls, OkrScreen)):
            raise TypeError(f"okrtui.tui.screens.{self.module}.SCREEN is not a main screen")
        return cls


# In the order of the keys help and the palette (the screen you are on comes first in the help).
MAIN: dict[str, Main] = {
    "objectives": Main("Objectives", "objectives"),
    "checkin": Main("Check-in", "checkin"),
    "review": Main("Weekly review", "review"),
    "scoring": Main("Quarterly scoring", "scoring"),
    "team": Main("Team", "team"),
    "health": Main("Health", "health"),
}


def screen_class(mode: str) -> type[OkrScreen]:
    """A main screen's class, its module imported on first use."""
    return MAIN[mode].screen()
