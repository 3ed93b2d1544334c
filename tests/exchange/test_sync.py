import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from okrtui.core.errors import OkrError
from okrtui.cycle import checkins
from okrtui.exchange import interchange, sync, teamformat
from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, Objective
from okrtui.storage.store import adopt_file, export_identity, reading, writing
from tests.helpers import git, person_db

DAY = dt.date(2026, 11, 20)


def team_state(eng):
    """Every shared record, minus nothing: what a teammate should see."""
    with reading(eng) as session:
        return {k: teamformat.canonical(v) for k, v in sync.shared_records(sync.local_records(session)).items()}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_second_sync_is_byte_identical_and_changes_nothing(tmp_path):
    a = person_db(tmp_path, "ann")
    team = tmp_path / "team.jsonl"
    first = sync.sync(a, team)
    assert first.file_changed and first.sent > 0
    before = team.read_bytes()
    mtime = team.stat().st_mtime_ns
    again = sync.sync(a, team)
    assert not again.file_changed and again.sent == 0 and again.received == 0
    assert team.read_bytes() == before and team.stat().st_mtime_ns == mtime
    lines = before.decode().splitlines()
    assert json.loads(lines[0]) == {"format": "okrtui-team/1"}
    keys = [(json.loads(line)["type"], json.loads(line)["id"]) for line in lines[1:]]
    assert keys == sorted(keys)
    assert all(list(json.loads(line)) == sorted(json.loads(line)) for line in lines[1:])


def test_private_objectives_never_leave(tmp_path):
    a = person_db(tmp_path, "ann")
    interchange.import_document(a, {"format": "okrtui/1", "objectives": [
        {"id": "o-secret", "title": "Secret plan", "period": "2026-Q4", "visibility": "private",
         "key_results": [{"id": "kr-secret", "title": "s", "kind": "milestone",
                          "check_ins": [{"id": "c-secret", "date": "2026-11-02", "value": 1}]}]}],
        "dependencies": [{"id": "d-secret", "from": "kr-secret", "to": "o-ann-0"}]})
    team = tmp_path / "team.jsonl"
    sync.sync(a, team)
    text = team.read_text()
    assert "secret" not in text.lower()


def test_a_teammate_cannot_change_my_records_but_my_other_machine_can(tmp_path):
    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = tmp_path / "team.jsonl"
    sync.sync(ann, team)
    sync.sync(bob, team)
    # Bob forges a newer version of Ann's objective in the team file.
    lines = team.read_text().splitlines()
    forged = []
    for line in lines:
        if '"id":"o-ann-0"' in line:
            rec = json.loads(line)
            rec.update(title="pwned by bob", origin="p-bob", updated_at="2099-01-01T00:00:00.000000Z")
            line = teamformat.canonical(rec)
        forged.append(line)
    team.write_text("\n".join(forged) + "\n")
    result = sync.sync(ann, team)
    assert any("o-ann-0" in w and "did not sign" in w for w in result.warnings), result.warnings
    with reading(ann) as session:
        assert session.get(Objective, "o-ann-0").title == "ann objective 0"
    assert "pwned" not in team.read_text()
    # Ann's second machine, given her identity with its key, may change it.
    laptop = open_engine(tmp_path / "ann-laptop.db")
    with writing(ann) as session:
        identity_file = export_identity(session)
    with writing(laptop) as session:
        adopt_file(session, identity_file)
    sync.sync(laptop, tmp_path / "clean.jsonl")  # nothing yet
    sync.sync(ann, tmp_path / "clean.jsonl")
    sync.sync(laptop, tmp_path / "clean.jsonl")
    with writing(laptop) as session:
        row = session.get(Objective, "o-ann-0")
        row.title, row.updated_at = "renamed on the laptop", "2098-01-01T00:00:00.000000Z"
    sync.sync(laptop, tmp_path / "clean.jsonl")
    sync.sync(ann, tmp_path / "clean.jsonl")
    with reading(ann) as session:
        assert session.get(Objective, "o-ann-0").title == "renamed on the laptop"


def test_deletions_travel_as_tombstones(tmp_path):
    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = tmp_path / "team.jsonl"
    saved = checkins.record(ann, "kr-ann-0", 10, day=DAY)
    for eng in (ann, bob, ann):
        sync.sync(eng, team)
    checkins.delete(ann, saved.check_in_id)
    for eng in (ann, bob):
        sync.sync(eng, team)
    with reading(bob) as session:
        assert session.get(CheckIn, saved.check_in_id).deleted is True


# --- property: any order, any repeats ----------------------------------------------------------

actions = st.lists(
    st.tuples(st.sampled_from(["checkin", "retitle", "delete", "sync"]), st.integers(0, 2), st.integers(0, 99)),
    min_size=1, max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_three_people_converge_and_lose_no_check_in(tmp_path_factory, steps):
    tmp = tmp_path_factory.mktemp("prop")
    names = ["ann", "bob", "cy"]
    dbs = [person_db(tmp, n) for n in names]
    team = tmp / "team.jsonl"
    made: dict[str, float] = {}
    deleted: set[str] = set()
    for action, who, n in steps:
        eng, name = dbs[who], names[who]
        if action == "checkin":
            saved = checkins.record(eng, f"kr-{name}-0", n, day=DAY + dt.timedelta(days=n % 5))
            made[saved.check_in_id] = n
        elif action == "retitle":
            with writing(eng) as session:
                row = session.get(Objective, f"o-{name}-0")
                row.title, row.updated_at = f"{name} title {n}", sync.__dict__["dt"].datetime.now(
                    dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif action == "delete":
            with reading(eng) as session:
                mine = session.exec(select(CheckIn).where(CheckIn.kr_id == f"kr-{name}-0",
                                                          CheckIn.deleted == False)).all()
            if mine:
                victim = mine[n % len(mine)].id
                checkins.delete(eng, victim)
                deleted.add(victim)
        else:
            sync.sync(eng, team)
    for _ in range(2):  # two rounds: everything reaches everyone
        for eng in dbs:
            sync.sync(eng, team)
    states = [team_state(eng) for eng in dbs]
    assert states[0] == states[1] == states[2]
    file_records = teamformat.read(team).records
    for eng in dbs:
        with reading(eng) as session:
            rows = {c.id: c for c in session.exec(select(CheckIn)).all()}
        for cid, value in made.items():
            assert cid in rows and rows[cid].value == value
            assert rows[cid].deleted == (cid in deleted)
            assert ("check_in", cid) in file_records
        eng.dispose()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"]),
                          st.sampled_from(["2026-01-01T00:00:00.000000Z", "2026-01-02T00:00:00.000000Z"]),
                          st.booleans()), max_size=12), st.randoms())
def test_merge_is_order_independent_and_idempotent(items, rnd):
    sides = []
    for ident, title, stamp, deleted in items:
        rec = {"type": "team", "id": ident, "origin": "p-x", "updated_at": stamp, "deleted": deleted,
               "created_at": stamp, "name": title, "mission": "", "vision": ""}
        sides.append({("team", ident): rec})
    once = teamformat.merge(*sides)
    shuffled = list(sides)
    rnd.shuffle(shuffled)
    assert teamformat.merge(*shuffled) == once
    assert teamformat.merge(once, *sides) == once
    assert teamformat.merge(once, once) == once


# --- processes ------------------------------------------------------------------------------------

WORKER = """
import datetime as dt, sys
from okrtui.cycle import checkins
from okrtui.exchange import sync
from okrtui.storage.backend import open_engine
eng = open_engine(sys.argv[1])
for i in range(int(sys.argv[3])):
    # a day each: a second check-in of the same day replaces the first (one per KR, author and day)
    checkins.record(eng, sys.argv[4], i, day=dt.date(2026, 11, 1 + i), note=f"{sys.argv[4]} {i}")
    sync.sync(eng, sys.argv[2], lock_timeout=120)
print("ok")
"""


def test_four_processes_syncing_at_once_lose_nothing(tmp_path):
    names = ["ann", "bob", "cy", "dee"]
    for n in names:
        person_db(tmp_path, n).dispose()
    team = tmp_path / "team.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / f"{n}.db"), str(team), "25",
                               f"kr-{n}-0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in names]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and "ok" in out, err
    for n in names:  # a last round so every database has everyone's
        sync.sync(open_engine(tmp_path / f"{n}.db"), team)
    records = teamformat.read(team).records
    notes = {r["note"] for (t, _), r in records.items() if t == "check_in"}
    assert notes == {f"kr-{n}-0 {i}" for n in names for i in range(25)}
    for n in names:
        with reading(open_engine(tmp_path / f"{n}.db")) as session:
            assert len(session.exec(select(CheckIn)).all()) == 100


KILLED = """
import sys
from okrtui.exchange import sync
from okrtui.storage.backend import open_engine
eng = open_engine(sys.argv[1])
while True:
    sync.sync(eng, sys.argv[2])
    sys.stdout.write("."); sys.stdout.flush()
"""


@pytest.mark.parametrize("trials", [pytest.param(4, id="short"), pytest.param(40, id="long", marks=pytest.mark.slow)])
def test_sync_killed_at_random_moments_leaves_old_or_new_file(tmp_path, trials):
    import random

    rng = random.Random(7)
    old_db = person_db(tmp_path, "ann", objectives=3)
    team = tmp_path / "team.jsonl"
    sync.sync(old_db, team)
    old = team.read_bytes()
    big = person_db(tmp_path, "bob", objectives=150)
    for i in range(150):
        checkins.record(big, f"kr-bob-{i}", i, day=DAY, note="x" * 200)
    big.dispose()
    # the version a finished sync of bob's database writes
    scratch = tmp_path / "scratch.jsonl"
    scratch.write_bytes(old)
    sync.sync(open_engine(tmp_path / "bob.db"), scratch)
    new = scratch.read_bytes()
    for _ in range(trials):
        team.write_bytes(old)
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(tmp_path / "bob.db"), str(team)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert team.read_bytes() in (old, new)
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".team.jsonl.")]
    for p in leftovers:  # temp files of killed syncs never replace the team file
        p.unlink()
    result = sync.sync(open_engine(tmp_path / "ann.db"), team, lock_timeout=5)  # the lock is recovered
    assert result.total >= len(teamformat.read(team).records) - 1


# --- bad team files -----------------------------------------------------------------------------------

GOOD_LINE = teamformat.canonical({"type": "team", "id": "t-x", "origin": "p-x", "updated_at": "2026-01-01T00:00:00.000000Z",
                            "created_at": "2026-01-01T00:00:00.000000Z", "deleted": False, "name": "X",
                            "mission": "", "vision": ""})
HEAD = '{"format": "okrtui-team/1"}\n'
BAD_FILES = [
    ("truncated", HEAD + GOOD_LINE[:-10], "truncated"),
    ("no-header", GOOD_LINE + "\n", "not an okrtui team file"),
    ("wrong-format", '{"format": "something-else"}\n', "not an okrtui team file"),
    ("newer-version", '{"format": "okrtui-team/2"}\n' + GOOD_LINE + "\n", "okrtui-team/2, written by a newer"),
    ("binary", "\x00\xff garbage\n", "not an okrtui team file"),
    ("no-final-newline", "\x00\xff garbage", "truncated"),
]


# A bad line after the header is one skipped line, not a bad file (tests/attacks/test_sync_line.py).
@pytest.mark.parametrize("case_id, content, phrase", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_team_files_change_nothing(case_id, content, phrase, cli, tmp_path):
    eng = person_db(tmp_path, "ann")
    eng.dispose()
    db = tmp_path / "ann.db"
    team = tmp_path / "team.jsonl"
    team.write_bytes(content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content)
    before_db, before_team = digest(db), digest(team)
    result = cli("--db", db, "sync", team)
    assert result.code in (1, 2)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error:") and phrase in lines[0], lines
    assert digest(db) == before_db and digest(team) == before_team


def test_a_300_mb_team_file_is_refused_unread(cli, tmp_path):
    eng = person_db(tmp_path, "ann")
    eng.dispose()
    team = tmp_path / "team.jsonl"
    with open(team, "wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: no disk used
    before = digest(tmp_path / "ann.db")
    result = cli("--db", tmp_path / "ann.db", "sync", team)
    assert result.code == 2 and "300 MiB" in result.err
    assert digest(tmp_path / "ann.db") == before and team.stat().st_size == 300 * 1024 * 1024


def test_sync_without_a_team_file_is_a_clear_error(cli, db):
    result = cli("--db", db, "sync")
    assert result.code == 2 and "no team file" in result.err


def test_sync_uses_the_configured_team_file(cli, tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'team_file = "{tmp_path / "shared.jsonl"}"\n')
    monkeypatch.setenv("OKRTUI_CONFIG", str(cfg))
    eng = person_db(tmp_path, "ann")
    eng.dispose()
    result = cli("--db", tmp_path / "ann.db", "sync")
    assert result.code == 0 and (tmp_path / "shared.jsonl").exists()


def test_team_file_keeps_its_mode(tmp_path):
    eng = person_db(tmp_path, "ann")
    team = tmp_path / "team.jsonl"
    team.write_text(HEAD)
    os.chmod(team, 0o640)
    sync.sync(eng, team)
    assert team.stat().st_mode & 0o777 == 0o640


def test_write_atomic_failure_leaves_old_file(tmp_path, monkeypatch):
    from okrtui.core import files

    target = tmp_path / "f.txt"
    target.write_text("old")

    def boom(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OkrError, match="No space left"):
        files.write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


# --- git --------------------------------------------------------------------------------------------



def test_git_merge_of_two_branches_uses_the_driver(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitattributes").write_text("team.jsonl merge=okrtui\n")
    git(repo, "config", "merge.okrtui.driver", f"{sys.executable} -m okrtui merge-driver %O %A %B")
    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = repo / "team.jsonl"
    sync.sync(ann, team)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "bob")
    sync.sync(bob, team)
    git(repo, "commit", "-qam", "bob")
    git(repo, "checkout", "-q", "main")
    checkins.record(ann, "kr-ann-0", 42, day=DAY)
    sync.sync(ann, team)
    git(repo, "commit", "-qam", "ann")
    git(repo, "merge", "-q", "--no-edit", "bob")
    text = team.read_text()
    assert "<<<<<<<" not in text
    ids = {json.loads(line)["id"] for line in text.splitlines()[1:]}
    assert {"o-ann-0", "o-bob-0", "kr-bob-0"} <= ids
    assert any(json.loads(line).get("value") == 42 for line in text.splitlines()[1:])
    assert teamformat.read(team).records  # a valid team file


# --- fuzzing the reader ---------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(json_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(
    st.sampled_from(["type", "id", "origin", "updated_at", "deleted", "title", "kr_id", "value", "date", "x"]),
    c, max_size=6), max_leaves=15)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_fuzz_random_bytes_never_crash_the_reader(tmp_path, raw):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(raw)
    try:
        teamformat.read(path)
    except OkrError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(json_values, max_size=5))
def test_fuzz_random_records_never_crash_the_reader(tmp_path, records):
    path = tmp_path / "fuzz.jsonl"
    path.write_text(HEAD + "".join(json.dumps(r) + "\n" for r in records))
    try:
        teamformat.read(path)
    except OkrError:
        pass


def test_the_lock_lives_in_the_git_directory_so_git_add_never_commits_it(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    eng = person_db(tmp_path, "ann")
    team = repo / "team.jsonl"
    sync.sync(eng, team)
    status = git(repo, "status", "--porcelain", "--untracked-files=all").stdout.split()
    assert status == ["??", "team.jsonl"]  # no team.jsonl.lock beside it
    assert sync.lock_path(team).parent == (repo / ".git" / "okrtui-locks").resolve()
    linked = tmp_path / "linked"  # a linked work tree: .git is a file naming its git directory
    git(repo, "add", "team.jsonl")
    git(repo, "commit", "-qm", "team")
    git(repo, "worktree", "add", "-q", str(linked))
    sync.sync(eng, linked / "team.jsonl")
    assert "??" not in git(linked, "status", "--porcelain", "--untracked-files=all").stdout
    assert ".git/worktrees/" in str(sync.lock_path(linked / "team.jsonl"))
    # Outside git (a shared folder), the lock stays beside the file, where every writer sees it.
    shared = tmp_path / "share"
    shared.mkdir()
    assert sync.lock_path(shared / "team.jsonl") == shared / "team.jsonl.lock"


def test_a_database_that_keeps_no_key_takes_the_team_in_but_writes_nothing_unsigned_into_the_file(cli, tmp_path):
    """`okrtui --db memory: sync team.jsonl` (a trial) wrote its person and records unsigned into the
    real team file: every teammate's sync, and every newcomer's, then skipped them and exited 1, and
    the lines stayed for good. A database that keeps no signing key has nothing teammates may take:
    it takes their records in and leaves the file as it was, saying so on one line."""
    from okrtui.storage import memory
    from tests.helpers import okr_objective, write_doc

    team, ana = tmp_path / "team.jsonl", tmp_path / "ana.db"
    assert cli("--db", ana, "whoami", "--name", "Ana").code == 0
    assert cli("--db", ana, "import", write_doc(tmp_path / "ana.json", {"format": "okrtui/1", "objectives": [
        okr_objective("o-ana", "Ana's objective", None, "kr-ana")]})).code == 0
    assert cli("--db", ana, "sync", team).code == 0
    before = team.read_bytes()
    trial = "memory:unsigned-trial"
    try:
        assert cli("--db", trial, "import", write_doc(tmp_path / "mine.json", {"format": "okrtui/1", "objectives": [
            okr_objective("o-trial", "A trial", None, "kr-trial")]})).code == 0
        tried = cli("--db", trial, "sync", team)
        assert tried.code == 1 and team.read_bytes() == before, tried.err
        told = [line for line in tried.err.splitlines() if "in-memory" not in line]
        assert told == ["okrtui: warning: memory:unsigned-trial keeps no signing key: nothing of yours goes into "
                        f"{team} (teammates take only signed records); their records came in"], tried.err
        seen = cli("--db", trial, "report", "--team", "--format", "json", "--period", "2026-Q4")
        assert sorted(o["id"] for o in seen.json()["objectives"]) == ["o-ana", "o-trial"]
    finally:
        memory.forget("unsigned-trial")
    again = cli("--db", ana, "sync", team)  # the honest teammate's sync is as clean as before
    assert again.code == 0 and "skipped" not in again.err + again.out, again.err
