"""`report --team` is meant for pasting into chat: no private objective in any format, the
reader's own included, and every count counts exactly what the report lists."""

import csv
import io
import re

import pytest

from tests.helpers import write_doc


def kr(ident, **extra):
    return {"id": ident, "title": f"result {ident}", "kind": "increase", "start": 0, "target": 100, **extra}


DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-shared", "title": "Shared goal", "period": "2026-Q4", "key_results": [kr("kr-s1"), kr("kr-s2")]},
    {"id": "o-secret", "title": "Secret plan", "period": "2026-Q4", "visibility": "private",
     "key_results": [kr("kr-p1", title="private result"), kr("kr-p2"), kr("kr-p3")]},
    {"id": "o-draft", "title": "Draft goal", "period": "2026-Q4", "status": "draft",
     "key_results": [kr("kr-d1")]},
]}


@pytest.fixture
def db(cli, tmp_path):
    path = tmp_path / "me.db"
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    return path


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json"])
def test_no_private_objective_nor_its_krs_in_any_team_format(cli, db, fmt):
    out = cli("--db", db, "report", "--team", "--period", "2026-Q4", "--format", fmt)
    assert out.code == 0
    for secret in ("Secret plan", "o-secret", "kr-p1", "private result"):
        assert secret not in out.out, (fmt, secret)
    assert "Shared goal" in out.out
    # Without --team the report is the reader's own, private objective included.
    own = cli("--db", db, "report", "--period", "2026-Q4", "--format", fmt)
    assert "Secret plan" in own.out


def test_text_counts_count_what_is_listed(cli, db):
    out = cli("--db", db, "report", "--team", "--period", "2026-Q4").out
    listed = [line for line in out.splitlines() if line.startswith("     ") and "→" in line]
    behind = sum("behind" in line for line in listed)
    stale = sum("STALE" in line for line in listed)
    assert f"{len(listed)} key results" in out
    assert f"behind {behind} " in out and f"stale {stale}" in out and behind == 2  # the draft's KR: not graded


def test_team_markdown_counts_count_what_is_listed(cli, db):
    out = cli("--db", db, "report", "--team", "--period", "2026-Q4", "--format", "md").out
    assert "Draft goal" not in out  # the weekly status lists active work only...
    listed = [line for line in out.splitlines() if line.startswith("  - ")]
    behind = sum("behind" in line for line in listed)
    stale = sum("stale" in line for line in listed)
    counts = re.search(r"behind (\d+) · stale (\d+)", out)
    assert (int(counts.group(1)), int(counts.group(2))) == (behind, stale) == (2, 2)  # ...and counts only it


def test_csv_and_json_list_the_same_objectives(cli, db):
    rows = list(csv.DictReader(io.StringIO(cli("--db", db, "report", "--team", "--period", "2026-Q4",
                                               "--format", "csv").out)))
    doc = cli("--db", db, "report", "--team", "--period", "2026-Q4", "--format", "json").json()
    assert {r["objective_id"] for r in rows} == {o["id"] for o in doc["objectives"]} == {"o-shared", "o-draft"}


SHARED_AND_REVIEW = {"format": "okrtui/1", "people": [{"id": "p-ben", "name": "Ben"}], "objectives": [
    # One objective whose KRs two people answer for: it shows under both, each with their own KRs.
    {"id": "o-both", "title": "Both of us", "period": "2026-Q4",
     "key_results": [kr("kr-b1"), kr("kr-b2", owner="p-ben"), kr("kr-b3", owner="p-ben")]},
    # A proposal in review: nobody has agreed to it yet, so it is awaiting approval, not behind.
    {"id": "o-proposal", "title": "Proposed goal", "period": "2026-Q4", "status": "in_review",
     "key_results": [kr("kr-r1"), kr("kr-r2")]},
]}


def test_team_markdown_counts_each_listed_kr_once_and_grades_no_proposal(cli, tmp_path):
    """32.9: 'behind 6' over 4 listed lines (an objective under two people counted twice), and
    32.5: a proposal in review read 'grade 0.0, behind'."""
    path = tmp_path / "me.db"
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", SHARED_AND_REVIEW)).code == 0
    out = cli("--db", path, "report", "--team", "--period", "2026-Q4", "--format", "md").out
    listed = [line for line in out.splitlines() if line.startswith("  - ")]
    behind = sum("behind" in line for line in listed)
    counts = re.search(r"on track (\d+) · at risk (\d+) · behind (\d+) · stale (\d+)", out)
    assert int(counts.group(3)) == behind == 3, out
    assert "**Proposed goal** — awaiting approval" in out
    assert not any("result kr-r" in line for line in listed)
    text = cli("--db", path, "report", "--team", "--period", "2026-Q4").out
    (proposal,) = [line for line in text.splitlines() if "Proposed goal" in line]
    assert proposal.split()[0] == "–" and "behind" not in "".join(
        line for line in text.splitlines() if "result kr-r" in line)
