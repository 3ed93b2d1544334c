"""okrtui started like `okrtui` starts it: headless, exits at the first frame or once data shows
(printing how long after its start the data was on screen).

usage: probe_tui.py DB first-frame|data
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

TODAY = dt.date(2026, 11, 26)


def probe(db: Path | str, until: str):
    from peak import ready_s

    from okrtui.tui.app import OkrApp

    class Probe(OkrApp):
        def reload(self) -> None:
            if until == "first-frame":  # as bare_app.py: exit once the first frame is drawn
                self.call_after_refresh(self.exit)
                return
            super().reload()

        def on_data_loaded(self, message) -> None:
            # No super(): Textual calls OkrApp.on_data_loaded itself after this one (every class's
            # handler along the MRO), and the refresh this waits for comes after both. Calling it
            # here too drew the period twice.
            self.call_after_refresh(self._usable)

        def _usable(self) -> None:
            print(f"USABLE_S {ready_s()}")
            self.exit()

    return Probe


if __name__ == "__main__":
    from peak import peak_kb

    from okrtui.config import Config, db_target

    target = db_target(sys.argv[1])
    first = None
    if isinstance(target, Path):  # as okrtui's CLI does: the first read starts before Textual loads
        from okrtui.storage.sqlite.quickread import Prefetch

        first = Prefetch(target, TODAY)
    app = probe(target, sys.argv[2])(target, Config(), TODAY, first_view=first)
    app.run(headless=True)
    if app.engine is not None:
        app.engine.dispose()
    print(f"MAXRSS_KB {peak_kb()}")
