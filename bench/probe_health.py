"""okrtui opened on the Health screen, headless: prints how long after its start the metrics' rows
were on screen (USABLE_S), then exits. usage: probe_health.py DB

As a user who presses H as soon as okrtui shows anything: the first data to arrive (the metrics read
ahead of the period, or the period's snapshot) switches to the Health screen, and its rows count once
it has drawn them. Textual calls every class's handler of a message, so these do not call OkrApp's
themselves (on_data_loaded used to: twice, the second time on a Health screen not yet composed)."""

from __future__ import annotations

import sys
from pathlib import Path

from probe_tui import TODAY


def main(db: str) -> None:
    from peak import cpu_s, peak_kb, ready_s

    from okrtui.config import Config, db_target
    from okrtui.storage.sqlite.quickread import Prefetch

    target = db_target(db)  # as okrtui's CLI does: the first read starts before Textual loads
    first = Prefetch(target, TODAY) if isinstance(target, Path) else None
    from okrtui.tui.app import OkrApp
    from okrtui.tui.screens.health import HealthScreen

    drawn = HealthScreen.draw

    def draw(screen, metrics) -> None:
        drawn(screen, metrics)
        if metrics:
            screen.app.call_after_refresh(screen.app.usable)

    HealthScreen.draw = draw

    class Probe(OkrApp):
        opened = False

        def open_health(self) -> None:
            if not self.opened:
                self.opened = True
                self.call_later(self.switch_mode, "health")

        def on_metrics_loaded(self, message) -> None:  # before OkrApp's, which Textual calls next
            self.open_health()

        def on_data_loaded(self, message) -> None:
            self.open_health()

        def usable(self) -> None:
            print(f"USABLE_S {ready_s()}")
            print(f"CPU_S {cpu_s()}")
            self.exit()

    app = Probe(target, Config(), TODAY, first_view=first)
    app.run(headless=True)
    if app.engine is not None:
        app.engine.dispose()
    print(f"MAXRSS_KB {peak_kb()}")


if __name__ == "__main__":
    main(sys.argv[1])
