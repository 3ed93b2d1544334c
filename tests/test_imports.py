"""What each entry point imports, checked in fresh interpreters (no timing)."""

import subprocess
import sys

from tests.helpers import TODAY

HEAVY = ("sqlmodel", "sqlalchemy")

FIRST_FRAME = """
import sys, datetime as dt
from okrtui.tui.app import OkrApp
from okrtui.config import Config

# Loaded on first use, not before the first frame (docs/performance.md): the coach and lint, the
# inbox, the quick write and its rules, the schema and settings (pydantic); on a database without
# metrics, the health metrics' module and the lead's team view; dateutil and, without a config.toml, tomllib
# (issue 31.6); Textual's Footer, the dialogs' (the main screens draw okrtui's own); without an approval
# team or a dependency, what a decision covers and its hashing; without an owner history, the owners' JSON;
# secrets (okrtui.method.domain draws ids from SystemRandom) (31.6, fourth round).
LATER = ('okrtui.tui.screens.coach', 'okrtui.method.lint', 'okrtui.tui.screens.talk', 'okrtui.storage.sqlite.quickwrite',
         'okrtui.rules.checkinrules', 'okrtui.rules.metricrules', 'okrtui.rules.schema', 'okrtui.config.settings',
         'pydantic', 'pydantic_settings', 'okrtui.method.health', 'okrtui.method.teamview', 'dateutil', 'tomllib',
         'textual.widgets._footer', 'okrtui.method.covers', 'okrtui.method.owners', 'hashlib', 'json', 'secrets', 'hmac')

class Probe(OkrApp):
    def reload(self):  # called as the app mounts, before the first frame
        heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'sqlalchemy'})
        print('AT_FIRST_FRAME', heavy, flush=True)
        print('LOADED_EARLY', [m for m in LATER if m in sys.modules], flush=True)
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
    from okrtui import cli

    db = tmp_path / "x.db"
    # an identity, no metrics: the first read is the quick one
    assert cli.main(["--db", str(db), "whoami"], today=TODAY) == 0
    proc = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(db)], capture_output=True,
                          text=True, timeout=120)
    assert "AT_FIRST_FRAME []" in proc.stdout, proc.stdout + proc.stderr
    assert "LOADED_EARLY []" in proc.stdout, proc.stdout + proc.stderr


def test_importing_the_app_module_loads_nothing_heavy():
    """Nor pydantic (the forms' field rules, okrtui.rules.validate), nor with the Health screen, which a
    user may open at once: the first save loads it (the Health screen imported it at its top, 0.15 s of
    its first frame)."""
    code = ("import sys, okrtui.tui.app, okrtui.tui.screens.health; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'sqlalchemy', 'pydantic'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr


READING_SESSION = """
import sys, datetime as dt, asyncio
from pathlib import Path
from okrtui.tui.app import OkrApp
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



def _modules(node) -> list[str]:
    """The modules an import statement loads: `from okrtui import store` is okrtui.storage.store,
    `from okrtui.storage.store import reading` is okrtui.storage.store."""
    import ast
    import importlib.util

    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    found = []
    for alias in node.names:
        name = f"{node.module}.{alias.name}"
        try:
            found.append(name if importlib.util.find_spec(name) else node.module)
        except (ModuleNotFoundError, ValueError):  # not a module, or one made without a spec
            found.append(node.module)
    return found


def _function_level_imports():
    """(place, statement, has a reason, modules imported, the file's top-level imports) for each
    import inside a function in okrtui/."""
    import ast
    from pathlib import Path

    for path in sorted(Path("okrtui").rglob("*.py")):
        lines = path.read_text().splitlines()
        tree = ast.parse("\n".join(lines))
        top = {name for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom) for name in _modules(n)}
        blanket = any(line.startswith("# Imports inside functions:") for line in lines)
        inner = {node for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                 for node in ast.walk(fn) if isinstance(node, ast.Import | ast.ImportFrom)}
        for node in sorted(inner, key=lambda n: n.lineno):
            block = lines[node.lineno - 2:node.end_lineno]  # the line above and the statement itself
            reason = blanket or any("#" in line for line in block)
            yield f"{path}:{node.lineno}: {lines[node.lineno - 1].strip()}", reason, _modules(node), top


def test_every_import_inside_a_function_says_why_and_is_not_already_at_the_top():
    """Imports inside functions keep start-up fast (docs/development.md): each says why, on its line,
    the line above, or once for a module whose commands all load lazily. The standard library, and
    modules the file already imports at its top, are imported at the top."""
    problems = []
    for where, reason, names, top in _function_level_imports():
        if not reason:
            problems.append(f"{where}  (no reason)")
        if any(name.split(".")[0] in sys.stdlib_module_names for name in names):
            problems.append(f"{where}  (the standard library: import it at the top)")
        elif any(name in top for name in names):
            problems.append(f"{where}  (already imported at the top)")
    assert not problems, "\n".join(problems)


def test_screens_and_widgets_never_import_the_app_not_even_for_types():
    """The app builds on its screens: a screen names what it needs of the app with the ScreenHost
    protocol (okrtui/tui/host.py), never OkrApp. import-linter's contracts leave imports under
    TYPE_CHECKING out (pyproject.toml), so this reads the graph with them."""
    import grimp  # import-linter's graph library, only for this test

    graph = grimp.build_graph("okrtui", exclude_type_checking_imports=False, cache_dir=None)
    chains = {source: graph.find_shortest_chains(importer=source, imported="okrtui.tui.app", as_packages=True)
              for source in ("okrtui.tui.screens", "okrtui.tui.widgets")}
    assert not any(chains.values()), chains


def test_no_circle_among_sibling_modules_not_even_one_of_types():
    """import-linter's acyclic contract leaves imports under TYPE_CHECKING out (pyproject.toml): two
    modules that name each other only for a type still read as one room to a newcomer (cycle and views,
    interchange and movein did). This reads the graph with them: no two modules of one package import
    each other, directly or around a circle of siblings."""
    import grimp  # import-linter's graph library, only for this test

    graph = grimp.build_graph("okrtui", exclude_type_checking_imports=False, cache_dir=None)
    parent = {m: m.rpartition(".")[0] for m in graph.modules}
    # Only the arrows between siblings; a package's own __init__ is its children's parent, not a sibling.
    arrows = {m: {n for n in graph.find_modules_directly_imported_by(m) if parent[n] == parent[m]}
              for m in graph.modules}
    circles = []
    for start in sorted(graph.modules):
        seen, todo = set(), list(arrows[start])
        while todo:
            m = todo.pop()
            if m == start:
                circles.append(start)
                break
            if m not in seen:
                seen.add(m)
                todo.extend(arrows[m])
    assert circles == [], circles
