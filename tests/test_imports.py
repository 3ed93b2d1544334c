"""What each entry point imports, checked in fresh interpreters (no timing)."""

import subprocess
import sys

HEAVY = ("sqlmodel", "sqlalchemy")

FIRST_FRAME = """
import sys, datetime as dt
from okrtui.app import OkrApp
from okrtui.config import Config

class Probe(OkrApp):
    def reload(self):  # called as the app mounts, before the first frame
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


READING_SESSION = """
import sys, datetime as dt, asyncio
from pathlib import Path
from okrtui.app import OkrApp
from okrtui.config import Config

def heavy():
    return sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'sqlalchemy'})

async def main():
    app = OkrApp(Path(sys.argv[1]), Config(cursor_blink=False), dt.date(2026, 11, 26))
    async with app.run_test() as pilot:
        keys = ('', 't', 'w', 's', 'c', 'bracketleft', 'bracketright', 'o', 'question_mark', 'escape', 'l', 'escape')
        for key in keys:  # every screen, the keys help and the coach: reading, no form
            if key:
                await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        print('READING', bool(app.data and app.data.report.objectives), heavy(), flush=True)
        await pilot.press('c', 'enter')  # the check-in form: the database opens while the user types
        await app.workers.wait_for_complete()
        await pilot.pause()
        print('FORM', app.engine is not None, heavy(), flush=True)

asyncio.run(main())
"""


def test_a_reading_session_never_loads_the_storage_layer_and_a_form_does(demo_db):
    proc = subprocess.run([sys.executable, "-c", READING_SESSION, str(demo_db)], capture_output=True,
                          text=True, timeout=120)
    assert "READING True []" in proc.stdout, proc.stdout + proc.stderr
    assert "FORM True ['sqlalchemy', 'sqlmodel']" in proc.stdout, proc.stdout + proc.stderr


def test_reports_on_sqlite_never_load_the_storage_layer(tmp_path):
    from okrtui import cli

    db = tmp_path / "r.db"
    assert cli.main(["--db", str(db), "whoami"]) == 0  # makes the database and its identity
    code = ("import sys; from okrtui import cli; "
            f"codes = [cli.main(['--db', {str(db)!r}, *a]) for a in "
            "(['report', '--format', 'json', '--team'], ['report', '--format', 'md'], ['lint'], ['due'])]; "
            "print('CODES', codes, sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'sqlalchemy'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "CODES [0, 0, 0, 0] []" in proc.stdout, proc.stdout + proc.stderr
