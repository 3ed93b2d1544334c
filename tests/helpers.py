"""The tests' helpers, in one module: the fixed day, the demo database, an app to drive, keys,
forms and rows. Test modules import from here, never from a sibling test module; the conftest
files hold only fixtures."""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from okrtui.tui.app import OkrApp  # Textual, not the storage layer: that loads on first use below

TODAY = dt.date(2026, 11, 26)

# --- processes and files -------------------------------------------------------------------------


def run_subprocess(*args: str, env: dict | None = None, timeout: float = 60, text: bool = True
                   ) -> subprocess.CompletedProcess:
    """`python -m okrtui ARGS` in a child process; `text=False` keeps its output as the bytes it wrote."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "okrtui", *args], capture_output=True, text=text,
                          env=full_env, timeout=timeout)


def write_doc(path: Path, doc) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def digest(path: Path) -> str | None:
    """The file's SHA-256, None when there is no file."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def git(cwd, *args):
    """git in `cwd` with a fixed author, so commits work on a machine without a git identity."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"})


# --- databases -----------------------------------------------------------------------------------

_template: Path | None = None


def demo_template() -> Path:
    """The demo as of TODAY, built once per process (each xdist worker builds its own): read it,
    or copy it to change it. The `demo_template` fixture returns this same file."""
    global _template
    if _template is None:
        from okrtui.cycle import demo
        from okrtui.storage.backend import open_engine

        folder = tempfile.mkdtemp(prefix="okrtui-demo-")
        atexit.register(shutil.rmtree, folder, True)
        path = Path(folder) / "demo.db"
        eng = open_engine(path)
        demo.load(eng, TODAY)
        eng.dispose()  # checkpoints the WAL: the file alone holds everything
        _template = path
    return _template


def person_db(tmp_path: Path, name: str, objectives: int = 1):
    """A database whose identity is p-NAME, with its own objective and KR (an open engine)."""
    from okrtui.exchange import interchange
    from okrtui.storage.backend import open_engine
    from okrtui.storage.model import Person
    from okrtui.storage.store import set_meta, writing

    eng = open_engine(tmp_path / f"{name}.db")
    with writing(eng) as session:
        set_meta(session, "identity", f"p-{name}")
        session.add(Person(id=f"p-{name}", name=name.title(), origin=f"p-{name}"))
    doc = {"format": "okrtui/1", "objectives": [
        {"id": f"o-{name}-{i}", "title": f"{name} objective {i}", "period": "2026-Q4", "owner": f"p-{name}",
         "key_results": [{"id": f"kr-{name}-{i}", "title": f"{name} result", "kind": "increase", "start": 0,
                          "target": 100}]}
        for i in range(objectives)]}
    interchange.import_document(eng, doc)
    return eng


def count_check_in_saves(app) -> list[tuple]:
    """The arguments of every check-in the app's services record from now on (the calls still go through)."""
    calls: list[tuple] = []
    record = app.services.record_check_in

    def counted(*args, **kwargs):
        calls.append(args)
        return record(*args, **kwargs)

    app.services.record_check_in = counted
    return calls


def rows(app, model, *where):
    """The app's database rows of `model` matching `where`."""
    from sqlmodel import select

    from okrtui.storage.backend import open_engine
    from okrtui.storage.store import reading

    engine = app.engine or open_engine(app.db_path)  # a path app may not have opened it yet
    try:
        with reading(engine) as session:
            return session.exec(select(model).where(*where)).all()
    finally:
        if engine is not app.engine:
            engine.dispose()


# --- the app -------------------------------------------------------------------------------------

class RecordingApp(OkrApp):
    """The app, recording each notification's text for tests to read (no private Textual state)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notified: list[str] = []
        self.notified_errors: list[str] = []

    def notify(self, message, *, severity="information", **kwargs) -> None:
        self.notified.append(str(message))
        if severity == "error":
            self.notified_errors.append(str(message))
        super().notify(message, severity=severity, **kwargs)


def make_app(path, *, load_demo: bool = True, today: dt.date = TODAY, sixteen_colours: bool = False):
    """An app with a fixed clock, no blink and no animation, on its own database at `path`: a copy of
    the demo (built once per process) when load_demo, the demo built as of `today` when that is
    another day. The terminal's colour system is fixed (truecolor unless asked), never read from
    the environment, so snapshots are the same on every machine."""
    from okrtui.config import Config
    from okrtui.cycle import demo
    from okrtui.storage.backend import open_engine

    path = Path(path)
    if load_demo and today == TODAY:
        shutil.copy(demo_template(), path)
    engine = open_engine(path)
    if load_demo and today != TODAY:
        demo.load(engine, today)
    app = RecordingApp(engine, Config(cursor_blink=False), today, native_ansi=sixteen_colours)
    app.animation_level = "none"
    return app


def open_app(path, *, load_demo: bool = True, today: dt.date = TODAY, sixteen_colours: bool = False):
    """make_app's app as users get it: handed the SQLite file's path, it reads with okrtui.storage.sqlite.quickread
    (no SQLAlchemy) and opens the database only for the first form or save (then app.engine)."""
    from okrtui.config import Config
    from okrtui.cycle import demo
    from okrtui.storage.backend import open_engine

    path = Path(path)
    if load_demo and today == TODAY:
        shutil.copy(demo_template(), path)
    elif load_demo:
        engine = open_engine(path)
        demo.load(engine, today)
        engine.dispose()
    app = RecordingApp(path, Config(cursor_blink=False), today, native_ansi=sixteen_colours)
    app.animation_level = "none"
    return app


def close(app) -> None:
    """Dispose of the app's engine, if it opened one."""
    if app.engine is not None:
        app.engine.dispose()


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Press each key and let the app settle after it (workers done, screen redrawn)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def pressing(*keys: str):
    """A snapshot's run_before: wait for the data, then press each key and settle."""

    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, *keys)

    return run


def at(key: str, *presses: str):
    """Select a row on the current screen, then press keys."""

    async def run(pilot) -> None:
        from okrtui.tui.widgets.table import OkrTable

        pilot.app.screen.query_one(OkrTable).select_key(key)
        await settle(pilot)
        await press(pilot, *presses)

    return run


def scene(*steps):
    """A snapshot's run_before: wait for the data, then each step (a key, or a function like `at`)."""

    async def run(pilot) -> None:
        await settle(pilot)
        for step in steps:
            if callable(step):
                await step(pilot)
            else:
                await press(pilot, step)

    return run


def matches_snapshot(snap_compare, app, size: tuple[int, int], run_before) -> bool:
    try:
        return snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        close(app)


# --- forms ---------------------------------------------------------------------------------------

async def type_text(pilot, text: str) -> None:
    """Type character by character, as a person does (slow: one test of typing is enough)."""
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def fill(pilot, field_id: str, text: str) -> None:
    """Set a form field's text, as a paste would: focus it, then set its value."""
    from textual.widgets import Input

    widget = pilot.app.screen.query_one(f"#{field_id}", Input)
    widget.focus()
    widget.value = text
    widget.cursor_position = len(text)  # where typing would leave it
    await pilot.pause()


async def choose(pilot, field_id: str, value) -> None:
    from textual.widgets import Select

    pilot.app.screen.query_one(f"#{field_id}", Select).value = value
    await pilot.pause()


async def open_kr_form(pilot, title: str = "Delight users") -> None:
    """From an empty objectives screen: a new objective `title`, then the new-KR form in it."""
    await press(pilot, "n")
    await fill(pilot, "in-title", title)
    await press(pilot, "enter")
    await press(pilot, "n")
    await press(pilot, "down", "enter")


# --- PostgreSQL (tests/storage/postgres) -----------------------------------------------------------------


def sql(db, login: str):
    import psycopg  # only the PostgreSQL tests need the driver

    return psycopg.connect(dbname=db.name, host=db.host, user=login, autocommit=True)


PG_DOC = {"format": "okrtui/1", "people": [{"id": "p-alice", "name": "Alice Ng", "email": "alice@example.com"}],
       "teams": [{"id": "t-platform", "name": "Platform", "mission": "Paved road", "vision": "Boring deploys"}],
       "objectives": [
           {"id": "o-reliable", "title": "Make deploys boringly reliable", "period": "2026-Q4", "level": "team",
            "team": "t-platform", "owner": "p-alice",
            "key_results": [
                {"id": "kr-deploys", "title": "Deploy success from 92% to 99%", "kind": "increase", "start": 92,
                 "target": 99, "unit": "%", "owner": "p-alice",
                 "check_ins": [{"id": "c-1", "date": "2026-10-07", "value": 94, "confidence": 0.6},
                               {"id": "c-2", "date": "2026-11-02", "value": 96.5, "confidence": 0.7}]},
                {"id": "kr-latency", "title": "p95 latency", "kind": "range", "low": 100, "high": 250,
                 "check_ins": [{"id": "c-3", "date": "2026-11-10", "value": 300}]},
                {"id": "kr-nps", "title": "Measure NPS", "kind": "baseline", "unit": "pts"},
                {"id": "kr-book", "title": "Runbook written", "kind": "milestone",
                 "check_ins": [{"id": "c-4", "date": "2026-11-20", "value": 1}]}]},
           {"id": "o-secret", "title": "Find a new job", "period": "2026-Q4", "visibility": "private",
            "key_results": [{"id": "kr-secret", "title": "Interviews from 0 to 3", "kind": "increase", "start": 0,
                             "target": 3, "check_ins": [{"id": "c-secret", "date": "2026-11-03", "value": 1}]}]}],
       "dependencies": [{"id": "d-secret", "from": "kr-secret", "to": "o-reliable", "note": "private link"}]}


def tui_as(login, db, cli, tmp_path):
    """Alice's document in the database, and the TUI (fixed clock, truecolor) connected as `login`."""
    from okrtui.config import Config
    from okrtui.storage.backend import open_engine

    
    cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", PG_DOC))
    engine = open_engine(db(login))
    return RecordingApp(engine, Config(cursor_blink=False), TODAY, native_ansi=False), engine


# --- team files (untrusted records) --------------------------------------------------------------

STAMP = "2026-11-20T09:00:00.000000Z"


def rec(record_type, ident, origin="p-bob", **fields):
    return {"type": record_type, "id": ident, "origin": origin, "created_at": STAMP, "updated_at": STAMP,
            "deleted": False, **fields}


GOOD_OBJECTIVE = rec("objective", "o-bob", title="Bob's objective", description="", level="personal",
                     team_id=None, owner_id="p-bob", period_id="2026-Q4", parent_id=None, status="active",
                     visibility="shared", position=0)
GOOD_KR = rec("key_result", "kr-bob", objective_id="o-bob", title="Ship it", owner_id="p-bob", kind="increase",
              unit="", start=0.0, target=10.0, low=None, high=None, weight=1.0, self_score=None,
              score_comment="", position=0)
GOOD_PERIOD = rec("period", "2026-Q4", start="2026-10-01", end="2026-12-31")
BAD = {
    "bogus-kind": {**GOOD_KR, "id": "kr-bogus", "kind": "bogus"},
    "increase-without-target": {k: v for k, v in {**GOOD_KR, "id": "kr-notarget"}.items() if k != "target"},
    "confidence-7": rec("check_in", "c-bad", kr_id="kr-bob", date="2026-11-20", value=1.0, confidence=7,
                        note="", author_id=None),
    "title-too-long": {**GOOD_OBJECTIVE, "id": "o-long", "title": "x" * 600},
}


def team_file(path, records, sign=True):
    """A team file of these records, each signed by its origin's test key (`test_key`), with a
    person record carrying that key for every origin that has none (`sign=False`: as given)."""
    from okrtui.exchange.teamformat import canonical  # the storage layer loads on first use

    lines = [json.dumps({"format": "okrtui-team/1"})] + [canonical(r) for r in (signed(records) if sign else records)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_key(person_id):
    """A fixed Ed25519 key per person id, for hand-made team files."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(person_id.encode()).digest())


def signed(records):
    """Records as okrtui writes them (validated, when they are valid), signed by their origin's test key."""
    from okrtui.core import signing
    from okrtui.exchange import teamformat

    out = [dict(r) for r in records]
    selves = {r["id"] for r in out if r.get("type") == "person" and r.get("origin") == r.get("id")}
    for origin in sorted({r["origin"] for r in out if isinstance(r.get("origin"), str)} - selves):
        out.insert(0, rec("person", origin, origin=origin, name=origin, email=""))
    for r in out:
        if not isinstance(r.get("origin"), str):
            continue
        key = test_key(r["origin"])
        if r.get("type") == "person" and r.get("id") == r["origin"]:
            r["public_key"] = signing.public_text(key)
        r.pop("signature", None)
        try:
            r.update(teamformat.validate(r))
        except Exception:  # a bad record stays as given, signed all the same
            pass
        r["signature"] = signing.sign(key, r)
    return out


# A script run as `python -c NO_TEXTUAL ARGS`: runs okrtui, then names any Textual module it imported.
NO_TEXTUAL = (
    "import sys, runpy; sys.argv = ['okrtui'] + sys.argv[1:]\n"
    "try:\n    runpy.run_module('okrtui', run_name='__main__')\n"
    "except SystemExit: pass\n"
    "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
    "print('IMPORTED', bad, file=sys.stderr)\n"
)


# --- the team-file attacks (tests/attacks/) ------------------------------------------------------

ATTACK_PLAN = {"format": "okrtui/1", "objectives": [
    {"id": "o-ana", "title": "Ship the platform", "period": "2026-Q4", "level": "team",
     "key_results": [{"id": f"kr-ana-{i}", "title": f"result {i}", "kind": "increase", "start": 0,
                      "target": 10} for i in range(3)]}]}
BEN_PLAN = {"format": "okrtui/1", "objectives": [
    {"id": "o-ben", "title": "Ben's own", "period": "2026-Q4",
     "key_results": [{"id": "kr-ben", "title": "done", "kind": "increase", "start": 0, "target": 5}]}]}


class Team:
    """Three people (ana, ben, cy), each with a database, and one team file."""

    def __init__(self, file, dbs):
        self.file, self.dbs = file, dbs

    def person_id(self, short):
        return f"p-{short}"

    def key(self, short):
        from okrtui.core import signing

        return signing.load(self.dbs[short].with_name(self.dbs[short].name + ".key"))

    def public(self, short):
        from okrtui.core import signing

        return signing.public_text(self.key(short))

    def signed_by(self, short, record):
        """The record as its line, validated and signed with SHORT's real key (a member's own hand-written line)."""
        from okrtui.core import signing
        from okrtui.exchange import teamformat

        rec = teamformat.validate({k: v for k, v in record.items() if k != "signature"})
        rec.pop("signature")
        return teamformat.canonical({**rec, "signature": signing.sign(self.key(short), rec)})


def team_of_three(cli, tmp_path, lead=True):
    """Ana (with a team objective and three KRs), Ben (his own objective) and Cy, each synced once
    (Ana not at all when not `lead`). Identities are p-ana, p-ben, p-cy."""
    from okrtui.storage.backend import open_engine
    from okrtui.storage.model import Person
    from okrtui.storage.store import set_meta, signing_key, writing

    file = tmp_path / "team.jsonl"
    dbs = {short: tmp_path / f"{short}.db" for short in ("ana", "ben", "cy")}
    for short, name in (("ana", "Ana Lead"), ("ben", "Ben Member"), ("cy", "Cy Third")):
        eng = open_engine(dbs[short])
        with writing(eng) as session:
            set_meta(session, "identity", f"p-{short}")
            person = Person(id=f"p-{short}", origin=f"p-{short}", name=name)
            session.add(person)
            session.flush()
            signing_key(session, person)
        eng.dispose()
    if lead:
        assert cli("--db", dbs["ana"], "import", write_doc(tmp_path / "ana.json", ATTACK_PLAN)).code == 0
    assert cli("--db", dbs["ben"], "import", write_doc(tmp_path / "ben.json", BEN_PLAN)).code == 0
    for short in ("ana", "ben", "cy", "ana", "ben") if lead else ("ben", "cy", "ben"):
        result = cli("--db", dbs[short], "sync", file)
        assert result.code == 0, result.err
    return Team(file, dbs)


def append_lines(path, lines):
    """Append lines to a team file; returns the line number of the first one."""
    first = len(path.read_bytes().splitlines()) + 1
    with open(path, "a", encoding="utf-8", errors="surrogatepass") as handle:
        for line in lines:
            handle.write(line + "\n")
    return first


def warnings_of(result):
    return [line for line in result.err.splitlines() if line.startswith("okrtui: warning:")]


def decision_line(t, short, ident, subject_type, subject_id, verdict, stamp="2026-11-25T09:00:00.000000Z"):
    """A decision line SHORT signs with their real key: valid, but maybe not theirs to make."""
    return t.signed_by(short, {"type": "decision", "id": ident, "origin": f"p-{short}", "created_at": stamp,
                               "updated_at": stamp, "deleted": False, "subject_type": subject_type,
                               "subject_id": subject_id, "verdict": verdict, "note": "", "basis": ""})


def status_of(cli, db, ident):
    rep = cli("--db", db, "report", "--team", "--format", "json", "--period", "2026-Q4", "--as-of", "2026-11-26")
    return next(o["status"] for o in rep.json()["objectives"] if o["id"] == ident)


def submitted_for_approval(cli, t, tmp_path):
    """Ana's team t-plat asks for approval; Ben's o-plat in it is submitted, in review, synced."""
    assert cli("--db", t.dbs["ana"], "team", "add", "t-plat", "--name", "Platform", "--approval", "on").code == 0
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-plat", "title": "Faster builds", "period": "2026-Q4",
                                                 "team": "t-plat", "status": "draft", "key_results": [
        {"id": "kr-plat", "title": "build minutes", "kind": "decrease", "start": 20, "target": 10}]}]}
    assert cli("--db", t.dbs["ben"], "import", write_doc(tmp_path / "plat.json", doc)).code == 0
    assert cli("--db", t.dbs["ben"], "submit", "o-plat").code == 0
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0


def ben_depends_on_ana(cli, t, tmp_path):
    """Ben's kr-ben relies on Ana's kr-ana-0 (d-ben-ana, proposed), synced."""
    doc = {"format": "okrtui/1", "dependencies": [{"id": "d-ben-ana", "from": "kr-ben", "to": "kr-ana-0",
                                                   "note": "needs the platform"}]}
    assert cli("--db", t.dbs["ben"], "import", write_doc(tmp_path / "dep.json", doc)).code == 0
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0


# --- health metrics (tests/test_metrics_*.py, tests/storage/postgres/test_pg_metrics.py) ---------------------

def teammates_metric(db) -> None:
    """Bob and his shared metric m-bob ('Churn', %, since 2026-10-01) in `db`, as if come in by sync."""
    from sqlalchemy import text

    from okrtui.storage.backend import open_engine

    engine = open_engine(db)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO person (id, origin, created_at, updated_at, deleted, name, email, public_key, "
                          "signature) VALUES ('p-bob', 'p-bob', 'x', 'x', 0, 'Bob', '', '', '')"))
        conn.execute(text("INSERT INTO metric (id, origin, created_at, updated_at, deleted, name, unit, description, "
                          "cadence, visibility, since, signature) VALUES ('m-bob', 'p-bob', 'x', 'x', 0, "
                          "'Churn', '%', '', 'weekly', 'shared', '2026-10-01', '')"))
    engine.dispose()


def metric_views(engine, day=TODAY) -> dict:
    """Every health metric the database's user sees as of `day`, by id (the ORM read)."""
    from okrtui.cycle import metrics
    from okrtui.storage.store import reading

    with reading(engine) as session:
        return {v.id: v for v in metrics.read_all(session, day)}


METRIC_DOC = {
    "format": "okrtui/1",
    "teams": [{"id": "t-ops", "name": "Ops"}],
    "metrics": [
        {"id": "m-uptime", "name": "Uptime", "unit": "%", "team": "t-ops", "cadence": "weekly", "low": 99.9,
         "since": "2026-01-05", "description": "keep the lights on",
         "measurements": [{"id": "me-1", "date": "2026-11-09", "value": 99.95},
                          {"id": "me-2", "date": "2026-11-16", "value": 99.5, "note": "disk full"},
                          {"id": "me-3", "date": "2026-11-23", "value": 99.4}]},
        {"id": "m-backlog", "name": "Support backlog", "unit": "tickets", "cadence": "monthly", "high": 40,
         "since": "2026-01-01", "measurements": [{"id": "me-4", "date": "2026-10-30", "value": 31}]},
    ],
    "objectives": [{"id": "o-fast", "title": "Make support fast", "period": "2026-Q4", "improves": "m-backlog",
                    "key_results": [{"id": "kr-first", "title": "First reply from 9 h to 2 h", "kind": "decrease",
                                     "start": 9, "target": 2, "improves": "m-backlog"}]}],
}


# --- a team of people, each with their own database, sharing one team file -----------------------

def okr_objective(ident: str, title: str, team: str | None, kr: str, target: float = 10.0, status: str = "draft",
                  **kr_fields) -> dict:
    """One okrtui/1 objective of 2026-Q4 with one increase KR (0 → target)."""
    return {"id": ident, "title": title, "level": "team", "team": team, "period": "2026-Q4", "status": status,
            "key_results": [{"id": kr, "title": f"{title} KR", "kind": "increase", "start": 0, "target": target,
                             **kr_fields}]}


class Crew:
    """Ana Lead leads team Platform (t-plat, approval on); Ben Member is a member; one team file.
    `join(name)` brings a newcomer, whose first sync takes everything in. `cli` is the tests' fixture."""

    def __init__(self, cli, tmp_path: Path, approval: str = "on"):
        self.cli, self.tmp, self.file = cli, tmp_path, tmp_path / "team.jsonl"
        self.dbs: dict[str, Path] = {}
        self.ids: dict[str, str] = {}
        for who, name in (("ana", "Ana Lead"), ("ben", "Ben Member")):
            self.add(who, name)
        made = self.run("ana", "team", "add", "t-plat", "--name", "Platform", "--approval", approval)
        assert made.code == 0, made.err
        self.sync("ana", "ben", "ana")

    def add(self, who: str, name: str) -> None:
        self.dbs[who] = self.tmp / f"{who}.db"
        shown = self.run(who, "whoami", "--name", name)
        assert shown.code == 0, shown.err
        self.ids[who] = shown.out.split("(")[1].split(")")[0]

    def join(self, who: str, name: str):
        self.add(who, name)
        return self.sync(who)

    def run(self, who: str, *args):
        return self.cli("--db", self.dbs[who], *args)

    def sync(self, *people: str):
        result = None
        for who in people:
            result = self.run(who, "sync", self.file)
            assert result.code in (0, 1), result.err
        return result

    def load(self, who: str, doc: dict):
        """`okrtui import` of an okrtui/1 document written by `who`; the result (code, out, err)."""
        path = write_doc(self.tmp / f"{who}-doc.json", {"format": "okrtui/1", **doc})
        return self.run(who, "import", path)

    def report(self, who: str) -> dict:
        """What `who` sees: the team report of 2026-Q4 as JSON."""
        shown = self.run(who, "report", "--team", "--format", "json", "--period", "2026-Q4")
        assert shown.code == 0, shown.err
        return json.loads(shown.out)

    def objective(self, who: str, ident: str) -> dict:
        return next(o for o in self.report(who)["objectives"] if o["id"] == ident)

    def status(self, who: str, ident: str) -> str:
        return self.objective(who, ident)["status"]

    def statuses(self, ident: str) -> list[str]:
        """The objective's status as each member sees it."""
        return [self.status(who, ident) for who in self.dbs]

    def lead_approves(self, ident: str) -> list[str]:
        """The honest way: Ana approves, everyone syncs; the status each member then sees."""
        assert self.run("ana", "approve", ident).code == 0
        self.sync(*self.dbs)
        return self.statuses(ident)

    def kr(self, who: str, ident: str) -> dict:
        return next(k for o in self.report(who)["objectives"] for k in o["key_results"] if k["id"] == ident)

    def sql(self, who: str, statement: str, *args) -> None:
        """A member editing their own database with sqlite3, around okrtui."""
        import sqlite3

        with sqlite3.connect(self.dbs[who]) as conn:
            conn.execute(statement, args)
        conn.close()


def pg_database(server, cli):
    """A new database on the suite's PostgreSQL server, initialised, with the persons alice, bob and
    carol; returns a function giving its URL for a login (with .name and .host)."""
    import uuid

    name = f"okr_{uuid.uuid4().hex[:10]}"
    server.psql(f"CREATE DATABASE {name};")
    host = server.get_uri().split("host=", 1)[1]

    def url(login: str) -> str:
        return f"postgresql://{login}@/{name}?host={host}"

    assert cli("admin", "init", "--db", url("postgres")).code == 0
    for login in ("alice", "bob", "carol"):
        assert cli("admin", "add-person", login, "--name", login.title(), "--db", url("postgres")).code == 0
    url.name = name  # type: ignore[attr-defined]
    url.host = host  # type: ignore[attr-defined]
    return url


# --- two members, one team file (tests/attacks: text and dates) -----------------------------------

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e[red]x[/]\x85\u2066é漢🙂"  # escapes, BEL, C1, bidi, markup
# What a terminal must never receive raw: C0 but newline, DEL, C1, and the bidi controls.
RAW = ({chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n"}) | set("\u061c\u200e\u200f") | \
    {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def raw_in(text: str) -> list[str]:
    """The raw control or direction characters in `text`, named."""
    return sorted(f"U+{ord(ch):04X}" for ch in set(text) & RAW)


def two_members(cli, folder: Path, ben_title: str = "Ship it") -> tuple[Path, Path, Path]:
    """ana.db and ben.db sharing team.jsonl; Ben has o-ben with kr-ben (0 → 100), Ana knows it."""
    ana, ben, team = folder / "ana.db", folder / "ben.db", folder / "team.jsonl"
    assert cli("--db", ana, "whoami", "--name", "Ana").code == 0
    assert cli("--db", ben, "whoami", "--name", "Ben").code == 0
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-ben", "title": ben_title, "period": "2026-Q4", "key_results": [
            {"id": "kr-ben", "title": ben_title, "kind": "increase", "start": 0, "target": 100}]}]}
    assert cli("--db", ben, "import", write_doc(folder / "ben.json", doc)).code == 0
    assert cli("--db", ben, "checkin", "kr-ben", "10", "--date", "2026-11-20").code == 0
    for db in (ben, ana, ben):
        assert cli("--db", db, "sync", team).code == 0
    return ana, ben, team


def signed_line(team: Path, ben: Path, **change) -> dict:
    """Ben's kr-ben check-in line as Ben's own key signs it, changed by hand (`change`), appended to team."""
    from okrtui.core import signing
    from okrtui.exchange.teamformat import canonical

    lines = team.read_text().splitlines()
    base = next(json.loads(line) for line in lines[1:] if json.loads(line).get("type") == "check_in")
    record = {**base, **change}
    record["signature"] = signing.sign(signing.load(signing.key_file(ben)), record)
    with team.open("a") as handle:
        handle.write(canonical(record) + "\n")
    return record
