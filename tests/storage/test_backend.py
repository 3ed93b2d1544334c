"""The storage seam: each backend's capabilities, one engine per backend, and a third database as one class."""

from pathlib import Path

import pytest

from okrtui.core.errors import OkrError
from okrtui.storage import backend, memory, store
from okrtui.storage.backend import BACKENDS, Backend, MemoryBackend, PostgresBackend, SqliteBackend, backend_for
from okrtui.storage.sqlite.engine import open_sqlite
from tests.helpers import TODAY, write_doc


def test_each_backend_says_what_it_can_do():
    def flags(cls, target):
        c = cls(target).capabilities()
        return c.shared, c.live, c.admin, c.quick_read, c.quick_write, c.kept

    assert flags(SqliteBackend, "okr.db") == (False, False, False, True, True, True)
    assert flags(PostgresBackend, "postgresql://ann@db/okr") == (True, True, True, False, False, True)
    assert flags(MemoryBackend, "memory:") == (False, False, False, False, False, False)  # the ORM path, and only it


def test_only_a_quick_write_backend_records_without_the_orm(demo_db):
    """PostgreSQL has no quick write: `okrtui checkin` goes through the ORM there (nothing written here)."""
    pg = PostgresBackend("postgresql://alice@/okr?host=/nonexistent")
    assert pg.record("kr-deploys", 97, confidence=None, note="", day=TODAY) is None
    saved = SqliteBackend(demo_db).record("kr-deploys", 97, confidence=None, note="", day=TODAY)
    assert saved is not None and saved.kr_id == "kr-deploys" and saved.value == 97


@pytest.mark.parametrize(("target", "kind"), [
    (Path("okr.db"), SqliteBackend), ("okr.db", SqliteBackend), ("sqlite:///tmp/okr.db", SqliteBackend),
    ("postgresql://ann@db/okr", PostgresBackend), ("postgres://ann@db/okr", PostgresBackend),
    ("PostgreSQL+psycopg2://ann@db/okr", PostgresBackend),
    ("memory:", MemoryBackend), ("memory:trial", MemoryBackend), (Path("memory:"), SqliteBackend),  # a path: ./memory: typed
    (" Memory:trial", MemoryBackend), ("sqlite:///memory:", SqliteBackend),  # a file of that name
])
def test_the_target_chooses_the_backend(target, kind):
    assert type(backend_for(target)) is kind


def test_an_unknown_database_url_is_one_error():
    with pytest.raises(OkrError, match="no backend for mysql://"):
        backend_for("mysql://ann@db/okr")


def test_the_engine_is_built_once_and_carries_the_capabilities(tmp_path):
    chosen = backend_for(tmp_path / "a.db")
    assert chosen.opened is None  # nothing opened until asked
    engine = chosen.engine()
    try:
        assert chosen.engine() is engine and chosen.opened is engine
        assert backend.of(engine) is chosen
        with store.reading(engine) as session:
            assert store.my_id(session) == ""  # asked of the backend: a new file has no identity yet
    finally:
        engine.dispose()


def test_a_missing_file_is_not_created_when_only_reading(tmp_path):
    with pytest.raises(OkrError, match="no database at"):
        backend_for(tmp_path / "none.db").engine(create=False)
    assert not (tmp_path / "none.db").exists()


def test_only_a_quick_read_backend_reads_without_sqlalchemy(demo_db):
    assert backend_for(demo_db).read(None, TODAY) is not None
    assert backend_for(f"sqlite:///{demo_db}").read(None, TODAY) is None  # quickread reads files only
    assert backend_for("postgresql://ann@db/okr").read(None, TODAY) is None
    assert backend_for("postgresql://ann@db/okr").prefetch(TODAY) is None


class SharedFile(SqliteBackend):
    """A third database for the test: a SQLite file under an `okrtest://` URL with no place for a team file."""

    name = "shared file"

    def check_team_file(self) -> None:
        raise OkrError("a shared file needs no team file")

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        return isinstance(target, str) and target.startswith("okrtest://")

    def build(self, *, create: bool):
        return open_sqlite(str(self.target).removeprefix("okrtest://"), create=create)


@pytest.fixture
def third(monkeypatch):
    monkeypatch.setattr(backend, "BACKENDS", [SharedFile, *BACKENDS])
    return SharedFile


def test_a_third_database_is_one_class(third, tmp_path, cli):
    """Registered, the class alone decides: the CLI refuses a team file on it (its check_team_file), and
    `okrtui admin` (no admin: the base's one error) and the services ask it, never the dialect."""
    target = f"okrtest://{tmp_path / 'third.db'}"
    assert isinstance(backend_for(target), SharedFile)
    synced = cli("--db", target, "sync", str(tmp_path / "team.okrteam"))
    assert synced.code == 2 and "needs no team file" in synced.err
    admin = cli("--db", target, "admin", "init")
    assert admin.code == 2 and "okrtui admin is for a shared PostgreSQL database" in admin.err
    engine = backend.open_engine(target)
    try:
        assert isinstance(backend.of(engine), SharedFile)
        with pytest.raises(OkrError, match="needs no team file"):
            backend.of(engine).check_team_file()
    finally:
        engine.dispose()


def test_a_backend_without_live_notices_says_so(tmp_path):
    chosen: Backend = backend_for(tmp_path / "a.db")
    assert chosen.listen(None, lambda _t: None, lambda: True) is False  # type: ignore[arg-type]
    assert chosen.reload_every() is None


@pytest.mark.parametrize("given", ["", " "])
def test_an_empty_db_is_refused_not_read_as_the_default_database(given, tmp_path, cli, monkeypatch):
    """`--db "$TEAM_DB"` with the variable unset must not write to the user's own database."""
    own = tmp_path / "own.db"
    monkeypatch.setenv("OKRTUI_DB", str(own))
    monkeypatch.chdir(tmp_path)  # where a blank relative path would land
    for args in (("checkin", "kr-x", "1"), ("report",)):
        result = cli("--db", given, *args)
        assert result.code == 2 and result.err.strip().splitlines() == [
            "okrtui: error: argument --db: is empty (a database file path or URL)"], result.err
    assert list(tmp_path.iterdir()) == []  # neither the own database nor a file named " "


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://"])
def test_an_in_memory_sqlite_url_leaves_no_file_behind(url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = backend_for(url).engine()
    engine.dispose()
    assert list(tmp_path.iterdir()) == []  # not a file named ":memory:"


def test_a_link_to_a_missing_database_is_refused_not_made_a_new_world_readable_one(tmp_path, cli):
    """A link into a folder that is not there now (a sync folder not mounted) is a mistake: a new
    empty database behind it would take the writes, and SQLite would make it with the umask's mode."""
    link = tmp_path / "okrtui.db"
    link.symlink_to(tmp_path / "mount" / "okrtui.db")
    link2 = tmp_path / "flat.db"
    link2.symlink_to(tmp_path / "gone.db")
    for path in (link, link2):
        result = cli("--db", path, "checkin", "kr-deploys", "95")
        assert result.code == 2 and result.err.strip().splitlines() == [
            f"okrtui: error: database path {path} is a link to {path.readlink()}, which is missing"], result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flat.db", "okrtui.db"]


def test_a_postgres_url_with_spaces_around_it_is_the_url(cli):
    """Pasted into $OKRTUI_DB with a space: accepted as PostgreSQL, so opened as the URL, not an
    `unexpected ArgumentError` from SQLAlchemy's parser."""
    assert backend_for(" postgresql://ann@db/okr\n").target == "postgresql://ann@db/okr"
    result = cli("--db", " postgresql://nobody@127.0.0.1:1/okr", "report")
    assert result.code == 2 and result.err.startswith(
        "okrtui: error: cannot open database postgresql+psycopg://nobody@127.0.0.1:1/okr: "), result.err
    admin = cli("--db", " postgresql://nobody@127.0.0.1:1/okr", "admin", "init")
    assert admin.code == 2 and "unexpected" not in admin.err and "connection failed" in admin.err, admin.err


def test_a_sqlite_url_with_a_tilde_means_the_home_folder_not_a_folder_named_tilde(tmp_path, monkeypatch):
    """`sqlite:///~/okr.db` made a folder named "~" in the current one: the database was not where
    the user looks, and `rm -rf ~` to tidy it up is the home folder."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    backend_for("sqlite:///~/okr.db").engine().dispose()
    assert list(work.iterdir()) == [] and (home / "okr.db").is_file()


def test_a_blank_okrtui_db_is_one_error_line_and_makes_no_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OKRTUI_DB", "  ")
    result = cli("checkin", "kr-x", "1")
    assert result.code == 2 and result.err.startswith("okrtui: error: $OKRTUI_DB is blank"), result.err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def trial():
    """A `memory:NAME` of this test's own (the in-process `cli` would share a bare `memory:` across tests)."""
    name = "trial-backend-test"
    yield f"memory:{name}"
    memory.forget(name)


def test_memory_is_a_database_in_the_process_that_keeps_nothing(trial, cli, tmp_path, monkeypatch):
    """`okrtui --db memory: import FILE` works in one process and says nothing is kept; a later command
    of the same process finds it, another process (or a name never made) gets one line, and no file
    is made anywhere."""
    monkeypatch.chdir(tmp_path)
    doc = write_doc(tmp_path / "doc.json", {"format": "okrtui/1", "objectives": [{
        "id": "o-1", "title": "Try okrtui", "period": "2026-Q4",
        "key_results": [{"id": "kr-1", "title": "Try it from 0 to 4", "kind": "increase", "start": 0, "target": 4}]}]})
    imported = cli("--db", trial, "import", doc)
    assert imported.code == 0 and imported.out.startswith(f"imported {doc}: 2 created"), imported.err
    assert imported.err.strip().splitlines() == [
        f"okrtui: warning: {trial} is an in-memory database: nothing is kept when this okrtui ends"]
    checked = cli("--db", trial, "checkin", "kr-1", "2")  # the ORM path: there is no quick write
    assert checked.code == 0 and "kr-1" in checked.out, checked.err
    shown = cli("--db", trial, "report", "--format", "json", "--period", "2026-Q4")
    assert shown.code == 0 and shown.json()["objectives"][0]["key_results"][0]["progress"] == 0.5, shown.err
    missing = cli("--db", "memory:never-made", "report")
    assert missing.code == 2 and missing.err.strip().splitlines() == [
        "okrtui: error: memory:never-made holds no database in this process: an in-memory database lives only "
        "in the okrtui process that made it, and nothing is kept when it ends"]
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_a_memory_database_is_gone_once_forgotten(trial):
    backend_for(trial).engine().dispose()
    assert memory.exists(trial.removeprefix("memory:"))
    memory.forget(trial.removeprefix("memory:"))
    with pytest.raises(OkrError, match="holds no database in this process"):
        backend_for(trial).engine(create=False)
    with pytest.raises(OkrError, match="holds no database in this process"):
        backend_for(trial, read_only=True).engine()  # read-only never makes one


def test_a_file_named_memory_is_reached_by_its_path_not_taken_for_the_in_memory_database(cli, tmp_path, monkeypatch):
    """`./memory:trial` is a path to a file of that name (pathlib folds `./` away: it was read as
    `memory:trial`, so a user's file was never opened and their import went into a database that
    keeps nothing); `memory:` as typed is the in-memory database."""
    monkeypatch.chdir(tmp_path)
    doc = write_doc(tmp_path / "doc.json", {"format": "okrtui/1", "objectives": [{
        "id": "o-1", "title": "Kept in a file", "period": "2026-Q4"}]})
    imported = cli("--db", "./memory:trial", "import", doc)
    assert imported.code == 0 and "in-memory" not in imported.err, imported.err
    assert (tmp_path / "memory:trial").is_file() and not memory.exists("trial")
    again = cli("--db", str(tmp_path / "memory:trial"), "export")
    assert again.code == 0 and again.json()["objectives"][0]["title"] == "Kept in a file", again.err
    assert type(backend_for(Path("memory:trial"))) is SqliteBackend  # a Path is a file, always


async def test_the_tui_on_memory_opens_the_demo_and_saves_a_check_in_through_the_orm(trial):
    """`okrtui --db memory: --demo`: no quick read, so the first view, the form's save and the
    refresh after it all take the ORM path, from the app's worker threads, on the one connection
    the in-memory engine lends in turn."""
    from sqlmodel import select

    from okrtui.config import Config
    from okrtui.storage.model import CheckIn
    from okrtui.tui.screens.detail import DetailScreen
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import RecordingApp, at, fill, press, settle

    app = RecordingApp(backend_for(trial), Config(cursor_blink=False), TODAY, demo=True, native_ansi=False)
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await at("k:kr-deploys", "v", "c")(pilot)
        assert app.screen.__class__.__name__ == "CheckinForm"
        await fill(pilot, "in-value", "97.5")
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "k:kr-deploys"
        assert "97.5" in str(app.screen.query_one("#history", OkrTable).get_row_at(0)[1])  # the refresh read it
        assert app.notified_errors == []
        # Said once, as it opens: the TUI's promise that quitting loses nothing does not hold here.
        assert app.notified[0] == f"{trial} is an in-memory database: nothing is kept when this okrtui ends"
    engine = backend_for(trial).engine()  # the app is gone; the database lives on in the process
    try:
        with store.reading(engine) as session:
            assert 97.5 in [c.value for c in session.exec(select(CheckIn).where(CheckIn.kr_id == "kr-deploys"))]
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_sqlites_in_memory_url_says_nothing_is_kept_and_a_read_finds_no_database(url, cli, tmp_path, monkeypatch):
    """SQLAlchemy's in-memory spellings are a new, empty database each time: `report` printed an empty
    report (exit 0) and `import` said "imported" of records gone when it ended, without a word. A read
    finds no database there (one line, as a missing file); a write says nothing is kept, as memory: does."""
    monkeypatch.chdir(tmp_path)
    shown = cli("--db", url, "report")
    assert shown.code == 2 and shown.err.startswith(f"okrtui: error: no database at {url}"), shown.err
    assert shown.err.count("\n") == 1
    doc = write_doc(tmp_path / "doc.json", {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Gone at the end", "period": "2026-Q4"}]})
    imported = cli("--db", url, "import", doc)
    assert imported.code == 0 and imported.err.strip().splitlines() == [
        f"okrtui: warning: {url} is SQLite's in-memory database: nothing is kept when this okrtui ends"], imported.err
    assert not backend_for(url).capabilities().kept and backend_for(tmp_path / "a.db").capabilities().kept
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]
