"""okrtui opened on the Health screen, headless: prints how long after its start the metrics' rows
were on screen (USABLE_S), then exits. usage: probe_health.py DB"""

from __future__ import annotations

import sys
from pathlib import Path

from probe_tui import TODAY


def main(db: str) -> None:
    from peak import peak_kb, ready_s

    from okrtui.config import Config, db_target
    from okrtui.storage.quickread import Prefetch
    from okrtui.tui.app import OkrApp

    class Probe(OkrApp):
        def on_data_loaded(self, message) -> None:
            super().on_data_loaded(message)
            self.switch_mode("health")
            self.call_after_refresh(self._usable)

        def _usable(self) -> None:
            print(f"USABLE_S {ready_s()}")
            self.exit()

    target = db_target(db)
    first = Prefetch(target, TODAY) if isinstance(target, Path) else None
    app = Probe(target, Config(), TODAY, first_view=first)
    app.run(headless=True)
    if app.engine is not None:
        app.engine.dispose()
    print(f"MAXRSS_KB {peak_kb()}")


if __name__ == "__main__":
    main(sys.argv[1])
