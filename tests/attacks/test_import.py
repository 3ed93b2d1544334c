"""Attacks through `okrtui import` of an okrtui/1 document (docs/security.md, column `import`)."""

import datetime as dt
import json
import sqlite3

from tests.helpers import HOSTILE, TODAY, Crew, digest, okr_objective, raw_in, teammates_metric, write_doc


def _doc(day: dt.date, activated: dt.date | None = None, title: str = "Ship it") -> dict:
    objective = {"id": "o-1", "title": title, "period": "2026-Q4", "description": HOSTILE,
                 "key_results": [{"id": "kr-1", "title": title, "kind": "increase", "start": 0, "target": 9,
                                  "check_ins": [{"id": "c-1", "date": str(day), "value": 1, "note": HOSTILE}]}]}
    if activated:
        objective["activated_on"] = str(activated)
    return {"format": "okrtui/1", "objectives": [objective],
            "reflections": [{"id": "r-1", "period": "2026-Q4", "question": "went_well", "answer": HOSTILE}]}


def test_text_hostile_titles_notes_and_answers_are_stored_as_written_and_printed_escaped(cli, tmp_path):
    db = tmp_path / "x.db"
    out = cli("--db", db, "import", write_doc(tmp_path / f"{HOSTILE[:4]}.json", _doc(TODAY, title=HOSTILE)))
    assert out.code == 0 and not raw_in(out.out + out.err)
    for args in (["report"], ["report", "--format", "md"], ["history", "kr-1"], ["export", "--format", "md"]):
        shown = cli("--db", db, *args)
        assert shown.code in (0, 1) and not raw_in(shown.out + shown.err), args
        assert "\\x1b]0;pwned\\x07" in shown.out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT title FROM objective").fetchone() == (HOSTILE,)
    conn.close()


def test_dates_a_document_dated_after_today_is_refused_whole_and_today_taken(cli, tmp_path):
    db = tmp_path / "x.db"
    assert cli("--db", db, "whoami").code == 0
    before = digest(db)
    tomorrow = TODAY + dt.timedelta(days=1)
    refused = cli("--db", db, "import", write_doc(tmp_path / "later.json", _doc(tomorrow)))
    assert refused.code == 2 and refused.out == ""
    assert refused.err == (f"okrtui: error: objectives[0].key_results[0].check_ins[0].date: {tomorrow} is after "
                           f"today ({TODAY}): nothing is recorded ahead of time\n")
    activated = cli("--db", db, "import", write_doc(tmp_path / "act.json", _doc(TODAY, activated=tomorrow)))
    assert activated.code == 2 and "objectives[0].activated_on" in activated.err
    assert digest(db) == before
    honest = cli("--db", db, "import", write_doc(tmp_path / "today.json", _doc(TODAY, activated=TODAY)))
    assert honest.code == 0 and "created" in honest.out


def test_metric_import_measures_and_changes_only_your_own(cli, tmp_path):
    db = tmp_path / "okrtui.db"  # SQLite (this folder's `db` fixture is PostgreSQL)
    cli("whoami", "--name", "Ann", "--db", db)
    teammates_metric(db)
    before = digest(db)
    bobs = {"id": "m-bob", "name": "Churn", "unit": "%", "since": "2026-10-01"}
    for doc in ({"metrics": [{**bobs, "measurements": [{"id": "me-x", "date": "2026-11-20", "value": 1}]}]},
                {"metrics": [{**bobs, "high": 99}]}):
        r = cli("import", write_doc(tmp_path / "doc.json", {"format": "okrtui/1", **doc}), "--db", db)
        assert r.code == 2 and "Bob's metric" in r.err and "'m-bob'" in r.err and "Nothing was imported" in r.err
        assert digest(db) == before
    mine = {"format": "okrtui/1", "metrics": [{"id": "m-ann", "name": "Churn", "unit": "%", "since": "2026-10-01",
                                               "measurements": [{"id": "me-a", "date": "2026-11-20", "value": 1}]}]}
    assert cli("import", write_doc(tmp_path / "mine.json", mine), "--db", db).code == 0


# --- Attacks through `okrtui import` (docs/security.md, column `import`): each test attacks, asserts the
# attack fails for everyone who syncs (a newcomer included), then does the honest thing beside it.

EVERYONE = ("ana", "ben", "cleo")


def _md(t: Crew, who: str) -> str:
    return t.run(who, "report", "--team", "--format", "md", "--period", "2026-Q4").out


def test_import_cannot_activate_by_moving_an_active_objective_into_an_approval_team(cli, tmp_path):
    t = Crew(cli, tmp_path)
    assert t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", None, "kr-ben", status="active")]}).code == 0
    moved = t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status="active")]})
    assert moved.code == 0, moved.err
    assert "o-ben is in review: team t-plat asks for approval; Ana Lead approves it" in moved.out
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["in_review"] * 3
    assert "awaiting your approval: o-ben  Deploys  (from Ben Member)" in t.run("ana", "inbox").out
    # The honest way: the lead approves, and it is active for everyone.
    assert t.lead_approves("o-ben") == ["active"] * 3


def test_import_rewriting_an_approved_objectives_krs_sends_it_back_to_review(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben", "ana")
    assert t.run("ana", "approve", "o-ben").code == 0
    t.sync("ana", "ben")
    assert t.status("ben", "o-ben") == "active"
    for change in ({"title": "Rewritten"}, {"target": 99}, {"unit": "parsecs"}):
        kr = {**okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")["key_results"][0], **change}
        redone = t.load("ben", {"objectives": [{**okr_objective("o-ben", "Deploys", "t-plat", "kr-ben"),
                                                "status": "in_review", "key_results": [kr]}]})
        assert redone.code == 0 and "o-ben is back in review: its content changed since Ana Lead approved it" \
            in redone.out, (change, redone.out)
        t.sync("ben", "ana")
        t.join("cleo", "Cleo New") if "cleo" not in t.dbs else t.sync("cleo")
        assert t.statuses("o-ben") == ["in_review"] * 3, change
        assert "(changed since approved)" in _md(t, "cleo")
        # The honest way: the lead approves the new content, active again for everyone.
        assert t.lead_approves("o-ben") == ["active"] * 3, change


def test_import_changing_an_agreed_dependency_asks_its_answerer_again(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana"),
                                  okr_objective("o-ana2", "CI", "t-plat", "kr-ana2")]})
    t.sync("ana", "ben")
    dep = {"id": "d-ben-ana", "from": "kr-ben", "to": "kr-ana", "note": "dashboards for deploys"}
    made = t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")],
                          "dependencies": [dep]})
    assert made.code == 0, made.err
    t.sync("ben", "ana")
    assert t.run("ana", "accept", "d-ben-ana").code == 0
    t.sync("ana", "ben")
    assert "d-ben-ana" not in _md(t, "ben")
    changed = {**dep, "to": "kr-ana2", "note": "Ana commits her whole team to rewrite CI for me"}
    assert t.load("ben", {"dependencies": [changed]}).code == 0
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    for who in EVERYONE:
        assert "- d-ben-ana: Deploys KR → CI KR, **proposed** (waiting for Ana Lead)" in _md(t, who), who
    assert "dependency request: d-ben-ana  onto CI KR: Ana commits her whole team" in t.run("ana", "inbox").out
    # The honest way: Ana answers the new request, agreed for everyone.
    assert t.run("ana", "accept", "d-ben-ana").code == 0
    t.sync("ana", "ben", "cleo")
    assert ["d-ben-ana" in _md(t, who) for who in EVERYONE] == [False] * 3


def test_import_flipping_a_krs_owner_to_check_in_gives_everyone_one_score(cli, tmp_path):
    """Ana made the KR and named Ben its owner; she names herself, checks in 1.0, names Ben again."""
    t = Crew(cli, tmp_path)
    ben = t.ids["ben"]
    doc = okr_objective("o-ana", "Platform", None, "kr-x", status="active", owner=ben)
    t.load("ana", {"objectives": [doc]})
    t.sync("ana", "ben")
    mine = {**doc, "key_results": [{**doc["key_results"][0], "owner": t.ids["ana"],
                                    "check_ins": [{"id": "c-ana", "date": "2026-11-20", "value": 10}]}]}
    # Named owner today, she cannot date a check-in on a day Ben answered for it (its history says so).
    backdated = t.load("ana", {"objectives": [mine]})
    assert backdated.code == 2 and "Ben Member's key result (a check-in on it) 'kr-x'" in backdated.err
    flipped = {**doc, "key_results": [{**doc["key_results"][0], "owner": t.ids["ana"]}]}
    assert t.load("ana", {"objectives": [flipped]}).code == 0
    assert t.run("ana", "checkin", "kr-x", "10").code == 0
    t.sync("ana", "ben")
    assert t.kr("ben", "kr-x")["current"] == 10  # while she answers for it, her check-in counts
    assert t.load("ana", {"objectives": [doc]}).code == 0  # Ben's again, the same day: her day is his
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    seen = [t.kr(who, "kr-x") for who in EVERYONE]
    assert [(k["current"], k["progress"], k["band"]) for k in seen] == [(0, 0.0, "red")] * 3
    # A check-in on a KR someone else answers for is refused at the door, named.
    sneaked = {**doc, "key_results": [{**doc["key_results"][0],
                                       "check_ins": [{"id": "c-ana2", "date": "2026-11-21", "value": 10}]}]}
    refused = t.load("ana", {"objectives": [sneaked]})
    assert refused.code == 2 and "Ben Member's key result (a check-in on it) 'kr-x'" in refused.err \
        and "Nothing was imported" in refused.err
    # The honest way: Ben, its owner, checks in, and everyone sees his value.
    assert t.run("ben", "checkin", "kr-x", "4", "--date", "2026-11-24").code == 0
    t.sync("ben", "ana", "cleo")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [4, 4, 4]


def test_import_flipping_a_krs_owner_over_days_gives_everyone_one_score_by_its_history(cli, tmp_path):
    """The same flip spread over two days: Ana answered for the KR on Nov 20 (its history says so, signed),
    so her check-in of that day counts, for Ben and for a newcomer alike; Ben's of Nov 24 is the latest."""
    t = Crew(cli, tmp_path)
    ana, ben = t.ids["ana"], t.ids["ben"]
    doc = okr_objective("o-ana", "Platform", None, "kr-x", status="active", owner=ben)
    t.load("ana", {"objectives": [doc]})
    t.sync("ana", "ben")
    mine = {**doc, "key_results": [{**doc["key_results"][0], "owner": ana,
                                    "check_ins": [{"id": "c-ana", "date": "2026-11-20", "value": 10}]}]}
    day = dt.date(2026, 11, 20)
    assert t.cli("--db", t.dbs["ana"], "import", write_doc(tmp_path / "m.json", {"format": "okrtui/1", "objectives": [mine]}),
                 today=day).code == 0
    t.sync("ana", "ben")
    back = write_doc(tmp_path / "b.json", {"format": "okrtui/1", "objectives": [doc]})
    assert t.cli("--db", t.dbs["ana"], "import", back, today=day + dt.timedelta(days=1)).code == 0
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [10, 10, 10]
    # A history rewritten in a document must still end with the KR's owner, or nothing is imported.
    forged = {**doc, "key_results": [{**doc["key_results"][0],
                                      "owner_history": [{"from": "2026-10-01", "owner": ana}]}]}
    refused = t.load("ana", {"objectives": [forged]})
    assert refused.code == 2 and "owner_history" in refused.err and "ends with the current owner" in refused.err
    # The honest way: Ben, its owner again, checks in, and everyone sees his value.
    assert t.run("ben", "checkin", "kr-x", "4", "--date", "2026-11-24").code == 0
    t.sync("ben", "ana", "cleo")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [4, 4, 4]


def test_import_cannot_close_or_archive_what_the_lead_did_not_approve(cli, tmp_path):
    t = Crew(cli, tmp_path)
    for ended in ("closed", "archived"):
        refused = t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status=ended)]})
        assert refused.code == 2 and "only an objective its lead approved is " + ended in refused.err
    # The honest way: a draft, submitted, approved; then closed by a document too.
    assert t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]}).code == 0
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben", "ana")
    assert t.lead_approves("o-ben") == ["active"] * 2
    closed = t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status="closed")]})
    assert closed.code == 0, closed.err
    t.sync("ben", "ana")
    assert t.statuses("o-ben") == ["closed"] * 2


def test_import_of_someone_elses_records_says_they_were_not_stored(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    t.sync("ana", "ben")
    export = t.run("ben", "export")
    assert export.code == 0
    import json

    doc = json.loads(export.out)
    rewritten = json.loads(export.out)
    rewritten["objectives"][0]["title"] = "Ben's now"
    refused = t.load("ben", {k: v for k, v in rewritten.items() if k != "format"})
    assert refused.code == 2 and "Ana Lead's objective 'o-ana'" in refused.err
    assert t.objective("ana", "o-ana")["title"] == "Observability"
    # Unchanged, another person's records are left as they are, and the import says so.
    doc["objectives"].append(okr_objective("o-ben", "Deploys", "t-plat", "kr-ben"))
    kept = t.load("ben", {k: v for k, v in doc.items() if k != "format"})
    assert kept.code == 0, kept.err
    assert "2 created" in kept.out and "0 unchanged" in kept.out
    assert "left as they are (someone else's, not stored): 4 records of Ana Lead's" in kept.out


# --- private, badline, signed, flood (docs/security.md, column `import`) --------------------------

def _in_file(t: Crew, *words: str) -> list[str]:
    shared = t.file.read_text()
    return [w for w in words if w in shared]


def test_import_cannot_reveal_or_comment_on_a_teammates_private_objective(cli, tmp_path):
    """Ana keeps o-sec private. Ben guesses its ids and imports a shared o-sec, a KR under it, a check-in
    on kr-sec and a dependency onto it: none of it touches Ana's, and her objective stays hers alone."""
    t = Crew(cli, tmp_path)
    secret = {**okr_objective("o-sec", "Reorg in March", None, "kr-sec"), "visibility": "private"}
    assert t.load("ana", {"objectives": [secret]}).code == 0
    assert t.run("ana", "comment", "o-sec", "tell nobody").code == 0
    t.sync("ana", "ben")
    guess = {"objectives": [okr_objective("o-sec", "Ben's guess", None, "kr-sec",
                                          check_ins=[{"id": "c-guess", "date": "2026-11-20", "value": 9}]),
                            okr_objective("o-ben", "Deploys", None, "kr-ben")],
             "dependencies": [{"id": "d-guess", "from": "kr-ben", "to": "kr-sec", "note": "show me"}]}
    took = t.load("ben", guess)
    assert took.code == 0, took.err  # in Ben's own database these ids name nothing of Ana's
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert _in_file(t, "Reorg in March", "tell nobody") == []
    seen = t.run("ana", "report").out
    assert "Reorg in March" in seen and "Ben's guess" not in seen  # hers untouched, his refused as not his
    with sqlite3.connect(t.dbs["ana"]) as conn:
        assert conn.execute("SELECT visibility, title FROM objective WHERE id = 'o-sec'").fetchall() == \
            [("private", "Reorg in March")]
        assert conn.execute("SELECT count(*) FROM check_in WHERE id = 'c-guess'").fetchone() == (0,)
    conn.close()
    for who in ("ben", "cleo"):
        assert "Reorg in March" not in t.run(who, "report", "--team").out
    # The honest way: Ben's own shared objective reaches everyone.
    assert ["Deploys" in t.run(who, "report", "--team").out for who in EVERYONE] == [True] * 3


def _good_doc() -> dict:
    return {"format": "okrtui/1", "objectives": [
        okr_objective("o-1", "Fine", None, "kr-1"), okr_objective("o-2", "Also fine", None, "kr-2")]}


def test_badline_one_malformed_record_refuses_the_whole_document_naming_its_place(cli, tmp_path):
    db = tmp_path / "x.db"
    assert cli("--db", db, "whoami").code == 0
    before = digest(db)
    nested = "[" * 100_000 + "]" * 100_000
    texts = {
        "deep nesting": json.dumps(_good_doc()).replace('"Also fine KR"', f'"x", "deep": {nested}'),
        "1e400": json.dumps(_good_doc()).replace('"target": 10.0', '"target": 1e400', 1),
        "a lone surrogate": json.dumps(_good_doc()).replace('"Also fine"', '"bad \\ud800 title"', 1),
        "a huge string": json.dumps(_good_doc()).replace('"Also fine"', json.dumps("x" * 5_000_000), 1),
    }
    places = {"deep nesting": "nested too deeply", "1e400": "objectives[0].key_results[0].target",
              "a lone surrogate": "objectives[1].title", "a huge string": "objectives[1].title"}
    for what, text in texts.items():
        path = tmp_path / "bad.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        refused = cli("--db", db, "import", path)
        assert refused.code == 2 and refused.out == "", what
        assert refused.err.startswith("okrtui: error:") and refused.err.count("\n") == 1, (what, refused.err[:300])
        assert places[what] in refused.err and len(refused.err) < 500, (what, refused.err[:300])
        assert digest(db) == before, what
    # The honest way: the good document imports whole.
    honest = cli("--db", db, "import", write_doc(tmp_path / "good.json", _good_doc()))
    assert honest.code == 0 and "created" in honest.out


def test_signed_an_import_cannot_bring_records_in_someone_elses_origin_or_signature(cli, tmp_path):
    """Ben copies Ana's objective line (her origin and signature) into a document as his new o-forged:
    the import takes the record as Ben's own, so it reaches the others as Ben's, never as Ana's."""
    t = Crew(cli, tmp_path)
    assert t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana")]}).code == 0
    t.sync("ana", "ben")
    line = next(json.loads(x) for x in t.file.read_text().splitlines()[1:] if '"o-ana"' in x and '"objective"' in x)
    forged = {**okr_objective("o-forged", "Ana says: cancel Q4", None, "kr-forged"),
              "origin": line["origin"], "signature": line["signature"], "owner": t.ids["ana"],
              "created_at": line["created_at"], "updated_at": line["updated_at"]}
    took = t.load("ben", {"objectives": [forged]})
    assert took.code in (0, 2), took.err
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    with sqlite3.connect(t.dbs["cleo"]) as conn:
        origins = conn.execute("SELECT origin FROM objective WHERE id = 'o-forged'").fetchall()
    conn.close()
    assert origins in ([], [(t.ids["ben"],)])  # never Ana's
    for rec in map(json.loads, t.file.read_text().splitlines()[1:]):
        if rec.get("id") in ("o-forged", "kr-forged"):
            assert rec["origin"] == t.ids["ben"]
    # The honest way: Ana's own objective is hers for everyone.
    assert t.objective("cleo", "o-ana")["title"] == "Observability"


def test_flood_a_document_over_the_size_limit_is_refused_before_reading_and_a_big_honest_one_imports(cli, tmp_path):
    from okrtui.exchange.interchange import MAX_FILE_BYTES

    db = tmp_path / "x.db"
    assert cli("--db", db, "whoami").code == 0
    before = digest(db)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: the size is what counts, nothing is read
        handle.write(b'{"format": "okrtui/1", "objectives": [')
        handle.truncate(MAX_FILE_BYTES + 1)
    refused = cli("--db", db, "import", huge)
    assert refused.code == 2 and refused.out == ""
    assert refused.err == f"okrtui: error: {huge} is 64 MiB; an okrtui/1 document may be at most 64 MiB\n"
    assert digest(db) == before
    many = {"format": "okrtui/1", "objectives": [okr_objective(f"o-{i}", f"Objective {i}", None, f"kr-{i}")
                                                 for i in range(300)]}
    honest = cli("--db", db, "import", write_doc(tmp_path / "many.json", many))
    assert honest.code == 0 and "600 created" in honest.out, honest.out
