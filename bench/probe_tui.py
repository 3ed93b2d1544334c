"""okrtui started like the bare app: headless, exits at the first frame or once data shows.

usage: probe_tui.py DB first-frame|data
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from okrtui.app import OkrApp
from okrtui.config import Config


class Probe(OkrApp):
    def __init__(self, db: Path | str, until: str) -> None:
        super().__init__(db, Config(), dt.date(2026, 11, 26))
        self.until = until

    def reload(self) -> None:
        if self.until == "first-frame":
            self.exit()
            return
        super().reload()

    def on_data_loaded(self, message) -> None:
        super().on_data_loaded(message)
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    from peak import peak_kb

    from okrtui.config import db_target

    app = Probe(db_target(sys.argv[1]), sys.argv[2])
    app.run(headless=True)
    if app.engine is not None:
        app.engine.dispose()
    print(f"MAXRSS_KB {peak_kb()}")
