"""Attacks through `okrtui import` of an okrtui/1 document (docs/security.md, column `import`)."""

import datetime as dt
import sqlite3

from tests.helpers import HOSTILE, TODAY, digest, raw_in, write_doc


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
