"""The OKR cycle as a conversation, through the CLI: two databases and one team file.

A member drafts and submits; the lead asks for changes; the member reworks and resubmits;
the lead approves; the member checks in; the lead comments; the member replies; a
dependency is proposed, accepted, and another declined. Refusals name who may act.
"""

import re
import shutil
import sqlite3

import pytest

from okrtui.cycle import editing
from okrtui.exchange import teamformat
from okrtui.method import cycle
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, Decision
from okrtui.storage.store import reading
from tests.helpers import demo_template, write_doc

STAMP = "2026-11-20T09:00:00.000000Z"


def person_id(cli, db):
    return re.search(r"\((p-[^)]+)\)", cli("--db", db, "whoami").out).group(1)


def objective(ident, title, team, kr, target=10.0, status="draft", **kr_fields):
    return {"id": ident, "title": title, "level": "team", "team": team, "period": "2026-Q4", "status": status,
            "key_results": [{"id": kr, "title": f"{title} KR", "kind": "increase", "start": 0, "target": target,
                             **kr_fields}]}


class Team:
    """Ana leads team Platform (approval on); Ben is a member. One team file between them."""

    def __init__(self, cli, tmp_path):
        self.cli, self.tmp = cli, tmp_path
        self.ana, self.ben, self.file = tmp_path / "ana.db", tmp_path / "ben.db", tmp_path / "team.jsonl"
        assert cli("--db", self.ana, "whoami", "--name", "Ana Lead").code == 0
        assert cli("--db", self.ben, "whoami", "--name", "Ben Member").code == 0
        self.ana_id, self.ben_id = person_id(cli, self.ana), person_id(cli, self.ben)
        made = cli("--db", self.ana, "team", "add", "t-plat", "--name", "Platform", "--approval", "on")
        assert made.code == 0 and "approval on, lead Ana Lead" in made.out, made.err
        self.sync("ana")
        self.sync("ben")
        self.sync("ana")  # Ana learns Ben's name

    def run(self, who, *args):
        return self.cli("--db", getattr(self, who), *args)

    def sync(self, who):
        result = self.run(who, "sync", self.file)
        assert result.code == 0, result.err
        return result

    def load(self, who, doc):
        path = write_doc(self.tmp / f"{who}-doc.json", {"format": "okrtui/1", **doc})
        assert self.run(who, "import", path).code == 0


def _status(db, ident):
    from okrtui.cycle import ormread
    from okrtui.method.periods import quarter
    from okrtui.storage.store import my_id

    engine = open_engine(db)
    with reading(engine) as session:
        rep = ormread.build(session, quarter("2026-Q4"), quarter("2026-Q4").end, my_id(session), team=True)
    engine.dispose()
    return next(o.status for o in rep.objectives if o.id == ident)


def test_the_whole_cycle_through_the_cli(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    # Only the lead approves; only the maker submits: each refusal names who may.
    refused = t.run("ben", "approve", "o-ben")
    assert refused.code == 2 and "only Ana Lead, the lead of team Platform, may approve" in refused.err
    submitted = t.run("ben", "submit", "o-ben")
    assert submitted.code == 0 and "submitted o-ben to Ana Lead for approval" in submitted.out
    assert _status(t.ben, "o-ben") == "in_review"
    assert t.run("ben", "submit", "o-ben").err.startswith("okrtui: error: o-ben is already waiting for Ana Lead")
    t.sync("ben")
    t.sync("ana")
    assert "only Ben Member, who made o-ben, may submit it" in t.run("ana", "submit", "o-ben").err
    inbox = t.run("ana", "inbox")
    assert inbox.code == 1 and "awaiting your approval: o-ben  Make deploys boring  (from Ben Member)" in inbox.out
    assert t.run("ben", "inbox").code == 0 and t.run("ben", "inbox").out == ""

    # The lead asks for changes: a draft again, with the lead's words in the member's inbox.
    asked = t.run("ana", "request-changes", "o-ben", "Aim higher: 20, not 10")
    assert asked.code == 0 and "it is a draft again" in asked.out
    assert t.run("ana", "inbox").code == 0
    t.sync("ana")
    t.sync("ben")
    assert _status(t.ben, "o-ben") == "draft"
    inbox = t.run("ben", "inbox")
    assert inbox.code == 1 and "changes requested: o-ben  Make deploys boring: Aim higher: 20, not 10  " \
        "(from Ana Lead)" in inbox.out

    # The member reworks and resubmits; the lead approves; it is active everywhere.
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben", target=20)]})
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben")
    t.sync("ana")
    assert "awaiting your approval: o-ben" in t.run("ana", "inbox").out
    assert t.run("ana", "approve", "o-ben").out.startswith("approved o-ben; it is active")
    t.sync("ana")
    t.sync("ben")
    assert _status(t.ben, "o-ben") == _status(t.ana, "o-ben") == "active"
    assert "check-in due: kr-ben" in t.run("ben", "inbox").out

    # The member checks in; the lead comments on the check-in; the member replies.
    assert t.run("ben", "checkin", "kr-ben", "5", "--note", "halfway", "--date", "2026-11-25").code == 0
    assert t.run("ben", "inbox").code == 0
    t.sync("ben")
    t.sync("ana")
    check_in = _rows(t.ana, "check_in")[0]
    said = t.run("ana", "comment", check_in, "What is blocking the rest?")
    assert said.code == 0
    lead_comment = said.out.split()[1]
    t.sync("ana")
    t.sync("ben")
    inbox = t.run("ben", "inbox", "--mark-seen")
    assert inbox.code == 1 and f"new comment: {lead_comment}  on Make deploys boring KR (2026-11-25): " \
        "What is blocking the rest?  (from Ana Lead)" in inbox.out
    assert t.run("ben", "inbox").code == 0  # seen: gone from the inbox
    reply = t.run("ben", "comment", check_in, "The flaky runner", "--reply-to", lead_comment)
    assert reply.code == 0
    t.sync("ben")
    t.sync("ana")
    assert "reply to you:" in t.run("ana", "inbox").out and "The flaky runner  (from Ben Member)" in \
        t.run("ana", "inbox").out  # a reply is called a reply (32.4)
    thread = t.run("ana", "comments", check_in).out.splitlines()
    assert thread[0].endswith("Ana Lead: What is blocking the rest?") and thread[1].startswith("  ")
    assert thread[1].endswith("Ben Member: The flaky runner")
    # A comment is its writer's own: the lead cannot change the member's reply.
    mine = thread[1].split()[0]
    assert "is Ben Member's; only they may change it" in t.run("ana", "comment-edit", mine, "x").err
    assert t.run("ben", "comment-edit", mine, "The flaky CI runner").code == 0

    # Dependencies onto the member's KR: proposed until Ben answers.
    t.load("ana", {"objectives": [objective("o-ana", "Observability", "t-plat", "kr-ana")],
                   "dependencies": [{"id": "d-1", "from": "kr-ana", "to": "kr-ben", "note": "needs boring deploys"},
                                    {"id": "d-2", "from": "kr-ana", "to": "kr-ben", "note": "and weekend deploys"}]})
    t.sync("ana")
    t.sync("ben")
    inbox = t.run("ben", "inbox").out
    assert "dependency request: d-1  onto Make deploys boring KR: needs boring deploys  (from Ana Lead)" in inbox
    assert "only Ben Member, who answers for kr-ben, may accept or decline d-1" in t.run("ana", "accept", "d-1").err
    assert t.run("ben", "accept", "d-1").out.startswith("accepted d-1 from Ana Lead")
    assert "say why you decline" in t.run("ben", "decline", "d-2", " ").err
    assert t.run("ben", "decline", "d-2", "No weekend work").code == 0
    assert "dependency request" not in t.run("ben", "inbox").out
    t.sync("ben")
    t.sync("ana")
    md = t.run("ana", "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "d-2" in md and "declined" in md and "No weekend work" in md


def _rows(db, table):
    from sqlalchemy import text

    engine = open_engine(db)
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text(f"SELECT id FROM {table} ORDER BY id"))]
    engine.dispose()
    return rows


def test_changing_an_approved_objectives_krs_sends_it_back_to_review(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ana", {"objectives": [objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    assert t.run("ana", "submit", "o-ana").code == 0
    assert t.run("ana", "approve", "o-ana").code == 0
    assert _status(t.ana, "o-ana") == "active"
    engine = open_engine(t.ana)
    values = {"objective_id": "o-ana", "title": "Observability KR", "owner_id": None, "kind": "increase",
              "unit": "", "start": 0.0, "target": 10.0, "low": None, "high": None, "weight": 1.0}
    editing.save_key_result(engine, {**values, "title": "Renamed"}, "kr-ana")  # a title is content too
    assert _status(t.ana, "o-ana") == "in_review"
    assert t.run("ana", "approve", "o-ana").code == 0
    assert _status(t.ana, "o-ana") == "active"
    editing.save_key_result(engine, {**values, "title": "Renamed", "target": 15.0}, "kr-ana")
    engine.dispose()
    assert _status(t.ana, "o-ana") == "in_review"
    assert "awaiting your approval: o-ana" in t.run("ana", "inbox").out


def test_a_form_cannot_make_an_objective_of_an_approval_team_active(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    from okrtui.method.periods import quarter
    from okrtui.rules.validate import FieldErrors

    engine = open_engine(t.ben)
    values = {"title": "Make deploys boring", "description": "", "level": "team", "team_id": "t-plat",
              "parent_id": None, "status": "active", "visibility": "shared"}
    try:
        editing.save_objective(engine, quarter("2026-Q4"), values, "o-ben")
        raise AssertionError("activated without approval")
    except FieldErrors as err:
        assert "asks for approval" in err.errors["status"] and "Ana Lead approves it" in err.errors["status"]
    editing.save_objective(engine, quarter("2026-Q4"), {**values, "status": "in_review"}, "o-ben")
    engine.dispose()
    assert _status(t.ben, "o-ben") == "in_review"


def test_forged_decisions_in_the_team_file_are_skipped_and_named(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben")
    records = teamformat.read(t.file).records
    kr = records[("key_result", "kr-ben")]
    forged = {"type": "decision", "id": "x-forged", "origin": t.ben_id, "created_at": STAMP, "updated_at": STAMP,
              "deleted": False, "subject_type": "objective", "subject_id": "o-ben", "verdict": "approved",
              "note": "", "basis": cycle.content_digest("Make deploys boring", "team", "2026-Q4", "t-plat", [_Kr(kr)])}
    ben_signs(t, forged)  # Ben's own valid signature: the rule, not the signature, must refuse it
    lines = t.file.read_text().splitlines() + [teamformat.canonical(forged)]
    t.file.write_text("\n".join(lines) + "\n")
    result = t.run("ana", "sync", t.file)
    assert result.code == 1 and f"{t.ben_id} may not approve o-ben: only its team's lead ({t.ana_id})" in result.err
    assert _status(t.ana, "o-ben") == "in_review"
    engine = open_engine(t.ana)
    with reading(engine) as session:
        assert session.get(Decision, "x-forged") is None
    engine.dispose()


def ben_signs(t, record):
    """Sign a hand-written record with Ben's own key, as a teammate with write access could."""
    from okrtui.core import signing

    key = signing.load(signing.key_file(t.ben))
    assert key is not None
    record["signature"] = signing.sign(key, record)


class _Kr:
    def __init__(self, record):
        self.__dict__.update(record)


def test_refusals_are_one_line_exit_2_and_write_nothing(cli, tmp_path):
    t = Team(cli, tmp_path)
    for args, phrase in ((("approve", "o-none"), "no objective 'o-none'"),
                         (("comment", "nothing-here", "hi"), "no objective, key result or check-in"),
                         (("accept", "d-none"), "no dependency 'd-none'"),
                         (("comment-delete", "c-none"), "no comment 'c-none'")):
        result = t.run("ben", *args)
        assert result.code == 2 and result.err.count("\n") == 1 and phrase in result.err, result.err
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    assert "say what to change" in t.run("ana", "request-changes", "o-ben", "  ").err
    assert "a comment needs some text" in t.run("ben", "comment", "o-ben", "").err
    assert _rows(t.ben, "comment") == [] and _rows(t.ben, "decision") == []


def test_comments_on_private_records_never_leave_the_database(cli, tmp_path):
    t = Team(cli, tmp_path)
    private = {**objective("o-secret", "Secret", "t-plat", "kr-secret"), "visibility": "private"}
    t.load("ben", {"objectives": [private, objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    assert t.run("ben", "comment", "kr-secret", "note to self").code == 0
    assert t.run("ben", "comment", "o-ben", "shared thought").code == 0
    t.sync("ben")
    text = t.file.read_text()
    assert "note to self" not in text and "shared thought" in text
    engine = open_engine(t.ben)
    with reading(engine) as session:
        assert len(session.exec(__import__("sqlmodel").select(Comment)).all()) == 2
    engine.dispose()


def test_a_teams_approval_and_lead_travel_through_the_team_file(cli, tmp_path):
    t = Team(cli, tmp_path)
    assert t.run("ana", "team", "edit", "t-plat", "--lead", "Ben Member").code == 0
    assert "only they can change it" in t.run("ben", "team", "edit", "t-plat", "--approval", "off").err
    t.sync("ana")
    t.sync("ben")
    t.load("ana", {"objectives": [objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    assert t.run("ana", "submit", "o-ana").code == 0
    assert "only Ben Member, the lead of team Platform" in t.run("ana", "approve", "o-ana").err
    t.sync("ana")
    t.sync("ben")
    assert t.run("ben", "approve", "o-ana").code == 0


def test_the_lead_reads_the_quarter_end_reflections_of_the_team(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")],
                   "reflections": [{"id": "r-ben", "period": "2026-Q4", "question": "learned",
                                    "answer": "Check in weekly"}]})
    t.sync("ben")
    t.sync("ana")
    md = t.run("ana", "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "## Reflections (the teams you lead)" in md and "### Ben Member" in md
    assert "What did you learn this quarter that you will apply next quarter?* Check in weekly" in md
    assert "Reflections" not in t.run("ben", "report", "--team", "--format", "md", "--period", "2026-Q4").out


def test_a_reflection_in_someone_elses_name_is_skipped(cli, tmp_path):
    t = Team(cli, tmp_path)
    forged = {"type": "reflection", "id": "r-forged", "origin": t.ben_id, "created_at": STAMP, "updated_at": STAMP,
              "deleted": False, "person_id": t.ana_id, "period_id": "2026-Q4", "question": "learned",
              "answer": "nothing"}
    ben_signs(t, forged)
    t.file.write_text(t.file.read_text() + teamformat.canonical(forged) + "\n")
    result = t.run("ana", "sync", t.file)
    assert result.code == 1 and f"{t.ben_id} may not answer reflections for {t.ana_id}" in result.err


def test_the_merge_driver_keeps_comments_and_decisions_of_both_sides(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben")
    base = t.file.read_text()
    ours, theirs = tmp_path / "ours.jsonl", tmp_path / "theirs.jsonl"
    t.sync("ana")
    assert t.run("ana", "approve", "o-ben").code == 0
    assert t.run("ben", "comment", "o-ben", "Ready when you are").code == 0
    ours.write_text(base)
    theirs.write_text(base)
    assert t.run("ana", "sync", ours).code == 0
    assert t.run("ben", "sync", theirs).code == 0
    assert t.run("ana", "merge-driver", tmp_path / "base", ours, theirs).code == 0
    kinds = [k for k, _ in teamformat.read(ours).records]
    assert kinds.count("decision") == 1 and kinds.count("comment") == 1
    assert t.run("ben", "sync", ours).code == 0
    assert _status(t.ben, "o-ben") == "active"


def test_an_import_never_activates_an_objective_of_a_team_that_asks_for_approval(cli, tmp_path):
    t = Team(cli, tmp_path)
    doc = write_doc(tmp_path / "active.json", {"format": "okrtui/1", "objectives": [
        objective("o-ben", "Make deploys boring", "t-plat", "kr-ben", status="active")]})
    refused = t.run("ben", "import", doc)
    assert refused.code == 2 and "objectives[0].status: team t-plat asks for approval" in refused.err
    assert _rows(t.ben, "objective") == []
    # A team's approval survives an import of the team that does not mention it (an older export).
    again = write_doc(tmp_path / "team.json", {"format": "okrtui/1", "teams": [{"id": "t-plat", "name": "Platform"}]})
    assert t.run("ana", "import", again).code == 0
    assert "approval on" in t.run("ana", "team", "edit", "t-plat", "--lead", "").out


def test_a_kr_shows_its_comment_count_in_the_lists(cli, tmp_path):
    from okrtui.cycle import ormread
    from okrtui.method.periods import quarter
    from okrtui.storage.store import my_id
    from okrtui.tui.widgets.kr_row import kr_cells

    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    for words in ("first", "second"):
        assert t.run("ben", "comment", "kr-ben", words).code == 0
    engine = open_engine(t.ben)
    with reading(engine) as session:
        rep = ormread.build(session, quarter("2026-Q4"), quarter("2026-Q4").end, my_id(session), team=True)
    engine.dispose()
    kr = rep.key_results()[0]
    assert kr_cells(rep, kr, 60, 0)[0].plain.endswith("✎2")
    rep.conversation = None
    assert "✎" not in kr_cells(rep, kr, 60, 0)[0].plain


@pytest.mark.parametrize("args", [["inbox"], ["submit", "o-x"], ["approve", "o-x"], ["request-changes", "o-x", "t"],
                                  ["comment", "o-x", "hi"], ["comments", "o-x"], ["accept", "d-x"],
                                  ["decline", "d-x", "no"], ["comment-delete", "c-x"]])
def test_the_conversation_commands_never_import_textual(cli, tmp_path, args):
    import subprocess
    import sys

    from tests.helpers import NO_TEXTUAL

    db = tmp_path / "light.db"
    assert cli("--db", db, "whoami").code == 0
    proc = subprocess.run([sys.executable, "-c", NO_TEXTUAL, "--db", str(db), *args], capture_output=True, text=True,
                          timeout=60)
    assert "IMPORTED []" in proc.stderr, proc.stderr


def test_an_unknown_lead_is_refused_before_the_team_is_made(cli, tmp_path):
    db = tmp_path / "solo.db"
    refused = cli("--db", db, "team", "add", "t-new", "--name", "New", "--lead", "Nobody Known")
    assert refused.code == 2 and "no person 'Nobody Known'" in refused.err
    assert "t-new" not in cli("--db", db, "team", "list").out


def test_teammates_comment_text_is_shown_literally(cli, tmp_path):
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    t.sync("ben")
    t.sync("ana")
    assert t.run("ana", "comment", "o-ben", "\x1b[2J[bold]wiped[/bold]\x07").code == 0
    t.sync("ana")
    t.sync("ben")
    out = t.run("ben", "inbox").out
    assert "\\x1b[2J[bold]wiped[/bold]\\x07" in out and "\x1b" not in out and "\x07" not in out
    assert "\x1b" not in t.run("ben", "comments", "o-ben").out


def test_a_deleted_objectives_own_id_is_not_read_as_a_prefix_of_another(cli, tmp_path):
    """o-rel deleted, o-reliable live: a comment or an approval meant for o-rel must not land on o-reliable."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_template(), db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO objective SELECT 'o-rel', origin, created_at, updated_at, 1, "
                     + ", ".join(c for (_, c, *_) in conn.execute("PRAGMA table_info(objective)").fetchall()[5:])
                     + " FROM objective WHERE id = 'o-reliable'")
        before = conn.execute("SELECT COUNT(*) FROM comment").fetchone()
    conn.close()
    for args in (("comment", "o-rel", "hello"), ("submit", "o-rel")):
        result = cli("--db", db, *args)
        assert result.code == 2 and "o-reliable" not in result.out + result.err, (args, result.out, result.err)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM comment").fetchone() == before
    conn.close()


def test_team_list_shows_approval_and_the_lead(cli, tmp_path):
    """32.4: `team list` said nothing of approval or who leads."""
    t = Team(cli, tmp_path)
    assert t.run("ben", "team", "list").out.splitlines()[0] == \
        "t-plat  Platform  (approval by Ana Lead; lead Ana Lead)"


def test_the_approvers_inbox_shows_comments_on_what_awaits_them_and_the_member_hears_approved(cli, tmp_path):
    """32.4: a comment on a proposal in review reached only its maker, and an approval went unsaid."""
    t = Team(cli, tmp_path)
    t.load("ben", {"objectives": [objective("o-ben", "Make deploys boring", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    assert t.run("ben", "comment", "o-ben", "900 is what the hardware allows").code == 0
    t.sync("ben")
    t.sync("ana")
    inbox = t.run("ana", "inbox").out
    assert "900 is what the hardware allows  (from Ben Member)" in inbox, inbox
    assert t.run("ana", "approve", "o-ben").code == 0
    t.sync("ana")
    t.sync("ben")
    told = t.run("ben", "inbox")
    assert "approved: o-ben  Make deploys boring: approved by Ana Lead  (from Ana Lead)" in told.out, told.out


def review_lines(t, who, ident):
    out = t.run(who, "comments", ident)
    assert out.code == 0, out.err
    return [line for line in out.out.splitlines() if line.startswith("review  ")]


def test_the_review_rounds_and_what_changed_read_the_same_in_both_databases(cli, tmp_path):
    """32.4: submitted, changes requested (with the text), resubmitted with what changed since the
    request (`target 800 → 900`), approved (by whom, with the note): the same on both sides of a team file."""
    t = Team(cli, tmp_path)
    doc = {"objectives": [objective("o-fast", "Make the API fast", "t-plat", "kr-rps", target=800)]}
    t.load("ben", doc)
    assert t.run("ben", "submit", "o-fast").code == 0
    t.sync("ben")
    t.sync("ana")
    assert t.run("ana", "request-changes", "o-fast", "make it 900").code == 0
    t.sync("ana")
    t.sync("ben")
    asked = [re.sub(r"^review  \w{3} \d{1,2} ", "", line) for line in review_lines(t, "ben", "o-fast")]
    assert asked == ["submitted by Ben Member", "changes requested by Ana Lead: make it 900"], asked
    doc["objectives"][0]["key_results"][0]["target"] = 900
    t.load("ben", doc)
    edited = review_lines(t, "ben", "o-fast")
    assert edited[-1].endswith('edited since the request, not resubmitted yet: KR "Make the API fast KR": '
                               'target 800 → 900'), edited
    assert t.run("ben", "submit", "o-fast").code == 0
    t.sync("ben")
    t.sync("ana")
    waiting = review_lines(t, "ana", "o-fast")  # what the lead reads before deciding again
    assert waiting[-1].endswith('resubmitted by Ben Member: KR "Make the API fast KR": target 800 → 900'), waiting
    assert t.run("ana", "approve", "o-fast", "--note", "good, ship it").code == 0
    t.sync("ana")
    t.sync("ben")
    ana, ben = review_lines(t, "ana", "o-fast"), review_lines(t, "ben", "o-fast")
    assert ana == ben
    words = [re.sub(r"^review  \w{3} \d{1,2} ", "", line) for line in ana]
    assert words == ["submitted by Ben Member", "changes requested by Ana Lead: make it 900",
                     'resubmitted by Ben Member: KR "Make the API fast KR": target 800 → 900',
                     "approved by Ana Lead: good, ship it"], ana
    assert _status(t.ben, "o-fast") == "active"


def test_a_decision_signed_before_decisions_kept_a_snapshot_still_verifies():
    """The snapshot field came later: a record without it reads back without it, so the signature its
    maker made then still covers what is read now (teamformat.LATER)."""
    from okrtui.core import signing

    key = signing.generate()
    old = {"type": "decision", "id": "d-old", "origin": "p-ana", "created_at": STAMP, "updated_at": STAMP,
           "deleted": False, "subject_type": "objective", "subject_id": "o-1", "verdict": "changes_requested",
           "note": "aim higher", "basis": f"{STAMP}/"}
    old["signature"] = signing.sign(key, old)
    read = teamformat.validate(old)
    assert "content" not in read and signing.verifies(signing.public_text(key), read)
    new = {**old, "content": '{"submitted_at":"","content":[]}'}
    new["signature"] = signing.sign(key, {k: v for k, v in new.items() if k != "signature"})
    read = teamformat.validate(new)
    assert read["content"] == new["content"] and signing.verifies(signing.public_text(key), read)
