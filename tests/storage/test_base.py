"""The seam's base (okrtui.storage.base): what differs between databases is a backend's method, and
nothing outside storage/sqlite/ and storage/postgres/ asks which database it is."""

import ast
from pathlib import Path

import pytest

from okrtui.core.errors import OkrError
from okrtui.storage.backend import Backend, PostgresBackend, SqliteBackend, backend_for, of

OKRTUI = Path(__file__).resolve().parents[2] / "okrtui"
BACKEND_PACKAGES = (OKRTUI / "storage" / "sqlite", OKRTUI / "storage" / "postgres")

# The old flags, and the old questions: whoever reads one of these outside a backend is branching
# on the kind of database instead of asking the backend to do its part.
FLAG_NAMES = {"shared", "live", "admin", "quick_read", "quick_write"}
CHECK_NAMES = {"is_shared", "shared_engine", "okrtui_shared", "get_backend_name"}
DIALECT_WORDS = {"postgresql", "postgres", "psycopg", "psycopg2", "sqlite", "sqlite3"}
BACKEND_CLASSES = {"SqliteBackend", "PostgresBackend"}


def backend_checks(source: str) -> list[str]:
    """Each place in `source` that asks which database it is, as `line: what`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute):
            if node.attr == "name" and isinstance(node.value, ast.Attribute) and node.value.attr == "dialect":
                found.append(f"{line}: dialect.name")
            elif node.attr in CHECK_NAMES:
                found.append(f"{line}: .{node.attr}")
            elif node.attr in FLAG_NAMES and isinstance(node.ctx, ast.Load):
                found.append(f"{line}: .{node.attr} (a backend flag: ask the backend to do it)")
        elif isinstance(node, ast.Name) and node.id in CHECK_NAMES:
            found.append(f"{line}: {node.id}")
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value.lower() in DIALECT_WORDS:
                    found.append(f"{line}: compared with {side.value!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "issubclass"):
            names = {n.id for arg in node.args[1:] for n in ast.walk(arg) if isinstance(n, ast.Name)}
            if names & BACKEND_CLASSES:
                found.append(f"{line}: {node.func.id}(..., {', '.join(sorted(names & BACKEND_CLASSES))})")
    return found


def test_the_checker_finds_each_kind_of_question():
    planted = """
if store.is_shared(session): pass
if conn.dialect.name == "postgresql": pass
if url.get_backend_name() != "sqlite": pass
if ctx.backend().shared: pass
if isinstance(chosen, PostgresBackend): pass
"""
    assert sorted(int(f.split(":")[0]) for f in backend_checks(planted)) == [2, 3, 3, 4, 4, 5, 6]
    assert backend_checks("backend.check_team_file()\nme = backend.me(session)\n") == []


def test_no_code_outside_the_backends_asks_which_database_it_is():
    """The one rule of the seam (docs/development.md, "How to add a backend"): a question such as
    `is_shared(session)` or `dialect.name == "postgresql"` belongs in storage/sqlite/ or
    storage/postgres/, as a method every backend answers."""
    problems = []
    for path in sorted(OKRTUI.rglob("*.py")):
        if any(package in path.parents for package in BACKEND_PACKAGES):
            continue
        problems += [f"{path.relative_to(OKRTUI.parent)}:{found}" for found in backend_checks(path.read_text())]
    assert problems == []


def test_the_base_is_abstract_and_names_what_a_backend_must_write():
    with pytest.raises(TypeError):
        Backend("x")  # type: ignore[abstract]
    assert Backend.__abstractmethods__ == {"accepts", "build", "me", "person"}

    class Half(Backend):
        name = "half"

        @classmethod
        def accepts(cls, target):
            return True

        def build(self, *, create):
            raise AssertionError

    with pytest.raises(TypeError, match="me, person|person, me|abstract"):
        Half("x")  # type: ignore[abstract]


def test_a_backend_without_admin_says_so_in_one_line_and_opens_nothing(cli, tmp_path):
    db = tmp_path / "mine.db"
    for args in (("admin", "init"), ("admin", "add-person", "ann", "--name", "Ann")):
        result = cli("--db", db, *args)
        assert result.code == 2 and result.err.strip().splitlines() == [
            "okrtui: error: okrtui admin is for a shared PostgreSQL database: --db postgresql://OWNER@HOST/DB"], result.err
    assert not db.exists()
    with pytest.raises(OkrError, match="okrtui admin is for a shared PostgreSQL database"):
        SqliteBackend(db).can_login("ann")


def test_only_a_database_one_keeps_lets_an_identity_move_or_keeps_a_team_file(tmp_path):
    own = backend_for(tmp_path / "mine.db")
    own.check_identity_move("export")  # nothing raised: the file's identity is its person's
    own.check_team_file()
    own.check_signing_keys()
    assert own.enforces_ownership() is False
    shared = backend_for("postgresql://ann@db/okr")
    for verb in ("export", "adopt"):
        with pytest.raises(OkrError, match=f"your identity is your login; there is nothing to {verb}"):
            shared.check_identity_move(verb)
    with pytest.raises(OkrError, match="needs no team file"):
        shared.check_team_file()
    with pytest.raises(OkrError, match="has no signing keys"):
        shared.check_signing_keys()
    assert shared.enforces_ownership() is True
    assert shared.reload_every() == 30


def test_whoami_export_on_a_file_asks_the_backend_for_the_key_file(cli, tmp_path):
    """The key file is the backend's answer (SqliteBackend.key_file): beside the database file."""
    db = tmp_path / "mine.db"
    assert cli("--db", db, "whoami", "--name", "Ann").code == 0
    engine = backend_for(db).engine()
    try:
        key = of(engine).key_file(engine)
        assert key is not None and key.parent == tmp_path and key.exists()
    finally:
        engine.dispose()
    assert PostgresBackend("postgresql://ann@db/okr").key_file(engine) is None
