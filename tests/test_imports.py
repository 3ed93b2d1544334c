"""What each entry point imports, checked in fresh interpreters (no timing)."""

import subprocess
import sys

HEAVY = ("sqlmodel", "sqlalchemy")

FIRST_FRAME = """
import sys, datetime as dt
from okrtui.app import OkrApp
from okrtui.config import Config

class Probe(OkrApp):
    def reload(self):  # called once the first frame is on screen
        heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'sqlalchemy'})
        print('AT_FIRST_FRAME', heavy, flush=True)
        self.exit()

async def main():
    app = Probe(sys.argv[1], Config(), dt.date(2026, 11, 26))
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()

import asyncio
asyncio.run(main())
"""


def test_tui_imports_no_storage_layer_before_the_first_frame(tmp_path):
    proc = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(tmp_path / "x.db")], capture_output=True,
                          text=True, timeout=120)
    assert "AT_FIRST_FRAME []" in proc.stdout, proc.stdout + proc.stderr


def test_importing_the_app_module_loads_nothing_heavy():
    code = ("import sys, okrtui.app; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'sqlalchemy'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr
