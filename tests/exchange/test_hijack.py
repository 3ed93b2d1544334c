"""Issue 19, "HIJACKED by Ben": three databases (Ana, Ben, Cy) and one team file.

No command changes another person's record, and no teammate with write access to the
team file can change what the others see of someone else's records."""

import hashlib
import json

from okrtui.core import signing
from okrtui.exchange import teamformat
from tests.helpers import write_doc

DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-ana", "title": "Ship the platform", "period": "2026-Q4", "level": "team",
     "key_results": [{"id": f"kr-ana-{i}", "title": f"result {i}", "kind": "increase", "start": 0,
                      "target": 10} for i in range(4)]}]}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def three(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    dbs = {n: tmp_path / f"{n}.db" for n in ("ana", "ben", "cy")}
    for short, name in (("ana", "Ana Lead"), ("ben", "Ben Member"), ("cy", "Cy Third")):
        assert cli("--db", dbs[short], "whoami", "--name", name).code == 0
    for n in ("ana", "cy"):  # Cy knows Ana's key (signed always: a newcomer trusts only what the file agrees on)
        assert cli("--db", dbs[n], "sync", team).code == 0
    assert cli("--db", dbs["ana"], "import", write_doc(tmp_path / "plan.json", DOC)).code == 0
    for n in ("ana", "ben"):
        assert cli("--db", dbs[n], "sync", team).code == 0
    return team, dbs


def titles(cli, db):
    rep = cli("--db", db, "report", "--team", "--format", "json", "--period", "2026-Q4")
    assert rep.code == 0, rep.err
    return [o["title"] for o in rep.json()["objectives"]]


def test_an_import_of_a_teammates_objective_is_refused_whole_naming_its_owner(cli, tmp_path):
    team, dbs = three(cli, tmp_path)
    assert cli("--db", dbs["ben"], "export", "-o", tmp_path / "b.json").code == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    doc["objectives"][0]["title"] = "HIJACKED by Ben"
    doc["objectives"].append({"id": "o-ben-new", "title": "Ben's own", "period": "2026-Q4"})
    before = digest(dbs["ben"])
    result = cli("--db", dbs["ben"], "import", write_doc(tmp_path / "b.json", doc))
    assert result.code == 2 and result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error:"), lines
    assert "Ana Lead" in lines[0] and "o-ana" in lines[0] and "p-tester-" not in lines[0]
    assert digest(dbs["ben"]) == before  # nothing written, not even Ben's own new objective
    for n in ("ben", "cy"):
        assert cli("--db", dbs[n], "sync", team).code == 0
    assert titles(cli, dbs["cy"]) == ["Ship the platform"]


def _forge(team, ident, **changes):
    lines = team.read_text().splitlines()
    out = []
    for line in lines:
        if f'"id":"{ident}"' in line:
            rec = json.loads(line)
            rec.update(changes)
            line = teamformat.canonical(rec)
        out.append(line)
    team.write_text("\n".join(out) + "\n")


def test_a_hand_edited_record_of_someone_else_is_skipped_and_named(cli, tmp_path):
    team, dbs = three(cli, tmp_path)
    _forge(team, "o-ana", title="HIJACKED by Ben", updated_at="2099-01-01T00:00:00.000000Z")
    result = cli("--db", dbs["cy"], "sync", team)
    assert result.code == 1
    assert any("o-ana" in w and "signature" in w and "Ana Lead" in w for w in result.err.splitlines()), result.err
    assert titles(cli, dbs["cy"]) == []  # never taken in; the real version is not in the file now
    # Ana is told, and her sync puts her own version back for everyone.
    told = cli("--db", dbs["ana"], "sync", team)
    assert told.code == 1 and "o-ana" in told.err and "did not sign" in told.err
    assert "HIJACKED" not in team.read_text()
    assert cli("--db", dbs["cy"], "sync", team).code == 0
    assert titles(cli, dbs["cy"]) == ["Ship the platform"]


def test_a_record_re_signed_under_another_origin_is_refused_and_its_owner_told(cli, tmp_path):
    team, dbs = three(cli, tmp_path)
    assert cli("--db", dbs["cy"], "sync", team).code == 0  # Cy has Ana's objective
    ben_key = signing.load(signing.key_file(dbs["ben"]))
    ben_id = None
    lines = team.read_text().splitlines()
    for line in lines[1:]:
        rec = json.loads(line)
        if rec["type"] == "person" and rec["name"] == "Ben Member":
            ben_id = rec["id"]
    out = [lines[0]]
    for line in lines[1:]:
        rec = json.loads(line)
        if rec["id"] == "o-ana":
            rec.update(title="HIJACKED by Ben", origin=ben_id, updated_at="2099-01-01T00:00:00.000000Z")
            rec["signature"] = signing.sign(ben_key, rec)
            line = teamformat.canonical(rec)
        out.append(line)
    team.write_text("\n".join(out) + "\n")
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(team.read_bytes())
    cy = cli("--db", dbs["cy"], "sync", copy)
    assert cy.code == 1 and "o-ana" in cy.err and "Ben Member" in cy.err and "Ana Lead" in cy.err
    assert titles(cli, dbs["cy"]) == ["Ship the platform"]
    assert "HIJACKED" not in copy.read_text()  # Cy, who holds Ana's version, writes it back too
    ana = cli("--db", dbs["ana"], "sync", team)
    told = [w for w in ana.err.splitlines() if "Ben Member" in w]
    assert ana.code == 1 and len(told) == 1 and "your" in told[0] and "o-ana" in told[0], ana.err
    assert "HIJACKED" not in team.read_text()  # Ana's own version went back into the file


# --- what else a teammate with write access might try ---------------------------------------------

def _as_ben(team, dbs, change):
    """Rewrite the file as Ben could: records changed by `change`, signed with Ben's own key."""
    ben_key = signing.load(signing.key_file(dbs["ben"]))
    lines = team.read_text().splitlines()
    records = [json.loads(line) for line in lines[1:]]
    ben = next(r["id"] for r in records if r["type"] == "person" and r["name"] == "Ben Member")
    out = [lines[0]]
    for rec in records:
        for new in change(rec, ben):
            if new is not rec:  # what Ben wrote carries his signature; the rest stays as it was
                new["signature"] = signing.sign(ben_key, new)
            out.append(teamformat.canonical(new))
    team.write_text("\n".join(out) + "\n")


def test_a_kr_added_to_someone_elses_objective_is_refused(cli, tmp_path):
    team, dbs = three(cli, tmp_path)

    def add_kr(rec, ben):
        if rec["id"] == "kr-ana-0":
            return [rec, {**rec, "id": "kr-ben-heavy", "origin": ben, "title": "weighs a ton", "weight": 1000.0,
                          "updated_at": "2099-01-01T00:00:00.000000Z"}]
        return [rec]

    _as_ben(team, dbs, add_kr)
    result = cli("--db", dbs["cy"], "sync", team)
    warned = [w for w in result.err.splitlines() if w.startswith("okrtui: warning:")]
    assert result.code == 1 and len(warned) == 1, result.err
    assert "kr-ben-heavy" in warned[0] and "Ben Member may not add a key result to Ana Lead's objective" in warned[0]
    rep = cli("--db", dbs["cy"], "report", "--team", "--format", "json", "--period", "2026-Q4").json()
    assert [kr["id"] for kr in rep["objectives"][0]["key_results"]] == [f"kr-ana-{i}" for i in range(4)]
    # The same through an import in Ben's own database: refused, naming Ana.
    assert cli("--db", dbs["ben"], "export", "-o", tmp_path / "b.json").code == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    doc["objectives"][0]["key_results"].append({"id": "kr-ben-2", "title": "mine", "kind": "milestone"})
    refused = cli("--db", dbs["ben"], "import", write_doc(tmp_path / "b.json", doc))
    assert refused.code == 2 and "Ana Lead's objective (a key result added to it) 'o-ana'" in refused.err


def test_nobody_shrinks_everyones_quarter(cli, tmp_path):
    team, dbs = three(cli, tmp_path)
    assert cli("--db", dbs["cy"], "sync", team).code == 0

    def shrink(rec, ben):
        if rec["type"] == "period" and rec["id"] == "2026-Q4":
            return [{**rec, "origin": ben, "end": "2026-10-02", "updated_at": "2099-01-01T00:00:00.000000Z"}]
        return [rec]

    _as_ben(team, dbs, shrink)
    result = cli("--db", dbs["cy"], "sync", team)
    assert len([w for w in result.err.splitlines() if "warning" in w]) == 1, result.err
    assert result.code == 1 and "2026-10-01 .. 2026-10-02 is not the quarter 2026-Q4" in result.err
    assert '"end":"2026-12-31"' in team.read_text()  # Cy's valid quarter went back into the file
    assert cli("--db", dbs["ana"], "checkin", "kr-ana-0", "3", "--date", "2026-11-20").code == 0


def test_an_import_cannot_check_in_on_a_teammates_kr(cli, tmp_path):
    team, dbs = three(cli, tmp_path)
    assert cli("--db", dbs["ben"], "export", "-o", tmp_path / "b.json").code == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    doc["objectives"][0]["key_results"][0]["check_ins"] = [{"id": "c-ben", "date": "2026-11-20", "value": 9}]
    refused = cli("--db", dbs["ben"], "import", write_doc(tmp_path / "b.json", doc))
    assert refused.code == 2 and "Ana Lead's key result (a check-in on it) 'kr-ana-0'" in refused.err


def test_a_forged_duplicate_line_does_not_hide_the_real_one(cli, tmp_path):
    team, dbs = three(cli, tmp_path)
    real = next(line for line in team.read_text().splitlines() if '"id":"o-ana"' in line)
    forged = json.loads(real)
    forged.update(title="HIJACKED by Ben", updated_at="2099-01-01T00:00:00.000000Z")
    with open(team, "a") as handle:
        handle.write(teamformat.canonical(forged) + "\n")
    result = cli("--db", dbs["cy"], "sync", team)  # Cy has never seen Ana's objective
    assert result.code == 1 and "o-ana" in result.err
    assert titles(cli, dbs["cy"]) == ["Ship the platform"]
    assert "HIJACKED" not in team.read_text() and real in team.read_text().splitlines()


def test_an_unchanged_export_of_a_synced_database_imports_back(cli, tmp_path):
    """Teammates' records a document holds unchanged are references: left as they are, still theirs."""
    team, dbs = three(cli, tmp_path)
    assert cli("--db", dbs["ben"], "export", "-o", tmp_path / "b.json").code == 0
    again = cli("--db", dbs["ben"], "import", tmp_path / "b.json")
    assert again.code == 0 and "0 created, 0 updated" in again.out, again.err
    assert cli("--db", dbs["ben"], "sync", team).code == 0
    assert cli("--db", dbs["cy"], "sync", team).code == 0
    assert titles(cli, dbs["cy"]) == ["Ship the platform"]


def test_quarter_labels_beyond_the_calendar_stop_nobody(cli, tmp_path):
    team, dbs = three(cli, tmp_path)

    def add(rec, ben):
        if rec["type"] == "period":
            return [rec] + [{**rec, "id": label, "origin": ben, "start": "2026-10-01", "end": "2026-12-31"}
                            for label in ("0000-Q1", "9999-Q4")]
        return [rec]

    _as_ben(team, dbs, add)
    result = cli("--db", dbs["cy"], "sync", team)
    assert result.code == 1 and "0000-Q1" in result.err and "9999-Q4" in result.err
    assert "unexpected" not in result.err
    assert titles(cli, dbs["cy"]) == ["Ship the platform"]
