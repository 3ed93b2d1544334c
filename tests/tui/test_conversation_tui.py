"""The OKR cycle in the TUI, across two databases and one team file (pilot tests and snapshots).

Ben (member) drafts and submits (u); Ana (lead) asks for changes (r, a dialog); Ben reworks and
resubmits; Ana approves (A); Ben checks in (c); Ana comments on the check-in (m); Ben replies
from his inbox (i); a dependency is proposed, accepted (a) and another declined (x)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from okrtui.storage.backend import open_engine
from tests.helpers import TODAY, make_app, press, scene, settle

DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-ben", "title": "Make deploys boring", "level": "team", "team": "t-plat", "period": "2026-Q4",
     "status": "draft", "key_results": [{"id": "kr-ben", "title": "Deploys from 0 to 10", "kind": "increase",
                                         "start": 0, "target": 10}]}]}
ANA_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-ana", "title": "Observability for all", "level": "team", "team": "t-plat", "period": "2026-Q4",
     "status": "draft", "key_results": [{"id": "kr-ana", "title": "Dashboards from 0 to 5", "kind": "increase", "start": 0,
                      "target": 5}]}],
    "dependencies": [{"id": "d-1", "from": "kr-ana", "to": "kr-ben", "note": "needs boring deploys"},
                     {"id": "d-2", "from": "kr-ana", "to": "kr-ben", "note": "and weekend deploys"}]}


class Two:
    def __init__(self, tmp_path, cli):
        self.tmp, self.cli = tmp_path, cli
        self.ana, self.ben, self.file = tmp_path / "ana.db", tmp_path / "ben.db", tmp_path / "team.jsonl"
        cli("--db", self.ana, "whoami", "--name", "Ana Lead")
        cli("--db", self.ben, "whoami", "--name", "Ben Member")
        assert cli("--db", self.ana, "team", "add", "t-plat", "--name", "Platform", "--approval", "on").code == 0
        self.sync("ana", "ben", "ana")

    def sync(self, *who):
        for person in who:
            assert self.cli("--db", getattr(self, person), "sync", self.file).code == 0

    def load(self, who, doc):
        path = self.tmp / f"{who}.json"
        path.write_text(json.dumps(doc))
        assert self.cli("--db", getattr(self, who), "import", path).code == 0

    def rows(self, who, sql):
        engine = open_engine(getattr(self, who))
        with engine.connect() as conn:
            out = [tuple(r) for r in conn.execute(text(sql))]
        engine.dispose()
        return out

    def app(self, who):
        return make_app(getattr(self, who), load_demo=False)


async def type_text(pilot, words: str) -> None:
    for ch in words:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot)


async def select(pilot, key: str) -> None:
    from okrtui.tui.widgets.table import OkrTable

    table = pilot.app.screen.query_one(OkrTable) if not pilot.app.screen.query("#people") else \
        pilot.app.screen.query_one("#people", OkrTable)
    # The team screen keys an objective by its person too (o:ID:PERSON): the first such row.
    found = next((k for k in (table.key_at(i) for i in range(table.row_count)) if k == key or k.startswith(key + ":")), key)
    assert table.select_key(found), key
    await settle(pilot)


def status(two, who, ident):
    from okrtui.cycle import ormread
    from okrtui.method.periods import quarter
    from okrtui.storage.store import my_id, reading

    engine = open_engine(getattr(two, who))
    with reading(engine) as session:
        rep = ormread.build(session, quarter("2026-Q4"), TODAY, my_id(session), team=True)
    engine.dispose()
    return next(o.status for o in rep.objectives if o.id == ident)


async def test_the_whole_cycle_in_the_tui(tmp_path, cli):
    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "o:o-ben")
        await press(pilot, "u")
        assert not app.notified_errors, app.notified_errors
        assert any("submitted o-ben to Ana Lead" in n for n in app.notified)
    app.engine.dispose()
    assert status(two, "ben", "o-ben") == "in_review"
    two.sync("ben", "ana")

    app = two.app("ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "✉ 1 (i)" in app.sub_title
        await press(pilot, "t")
        assert "1 awaiting your approval" in str(app.screen.query_one("#context").render())
        await select(pilot, "o:o-ben")
        await press(pilot, "r")
        await type_text(pilot, "Aim for 20")
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    assert two.rows("ana", "SELECT verdict, note FROM decision") == [("changes_requested", "Aim for 20")]
    two.sync("ana", "ben")
    assert status(two, "ben", "o-ben") == "draft"

    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        assert app.screen.__class__.__name__ == "InboxScreen"
        assert [i.kind for i in app.screen.items] == ["changes"]
        assert "Aim for 20" in app.screen.items[0].text
        await press(pilot, "escape")
        two.load("ben", {**DOC, "objectives": [{**DOC["objectives"][0], "key_results": [
            {**DOC["objectives"][0]["key_results"][0], "target": 20}]}]})  # Ben reworks the draft
        await press(pilot, "f5")
        await select(pilot, "o:o-ben")
        await press(pilot, "u")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    two.sync("ben", "ana")

    app = two.app("ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await select(pilot, "o:o-ben")
        await press(pilot, "A", "enter")  # A asks first; enter confirms without a note
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    two.sync("ana", "ben")
    assert status(two, "ben", "o-ben") == "active"

    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "c", "enter")
        await type_text(pilot, "5")
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    (check_in,) = two.rows("ben", "SELECT id FROM check_in")
    two.sync("ben", "ana")

    app = two.app("ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "k:kr-ben")
        await press(pilot, "enter")
        history = app.screen.query_one("#history")
        assert history.select_key(check_in[0])
        await press(pilot, "m")
        await type_text(pilot, "What blocks the rest?")
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    assert two.rows("ana", "SELECT target_type, target_id, body FROM comment") == [
        ("check_in", check_in[0], "What blocks the rest?")]
    two.sync("ana", "ben")

    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "✉ 1 (i)" in app.sub_title
        await press(pilot, "i")
        assert [i.kind for i in app.screen.items] == ["comment", "approved"]  # the approval is news: last
        assert app.screen.items[1].text.endswith("approved by Ana Lead")
        await press(pilot, "enter")  # opens the objective; the comment is read
        assert app.screen.__class__.__name__ == "DetailScreen"
        await press(pilot, "escape", "escape")
        await select(pilot, "k:kr-ben")
        await press(pilot, "enter")
        (lead_comment,) = two.rows("ben", "SELECT id FROM comment")
        assert app.screen.query_one("#history").select_key(f"m:{lead_comment[0]}")
        await press(pilot, "m")
        await type_text(pilot, "The flaky runner")
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
        assert "✉" not in app.sub_title
    app.engine.dispose()
    assert two.rows("ben", "SELECT body, parent_id FROM comment WHERE parent_id IS NOT NULL") == [
        ("The flaky runner", lead_comment[0])]

    two.load("ana", ANA_DOC)
    two.sync("ana", "ben")
    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        assert [i.ref for i in app.screen.items if i.kind == "dependency"] == ["d-1", "d-2"]
        app.screen.query_one("#table").select_key("i:0")
        await press(pilot, "a")
        app.screen.query_one("#table").select_key("i:0")  # d-2 is now the only request
        await press(pilot, "x")
        await type_text(pilot, "No weekend work")
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
        assert [i.kind for i in app.screen.items if i.kind == "dependency"] == []
    app.engine.dispose()
    assert sorted(two.rows("ben", "SELECT subject_id, verdict, note FROM decision WHERE subject_type = 'dependency'")) \
        == [("d-1", "agreed", ""), ("d-2", "declined", "No weekend work")]
    two.sync("ben", "ana")
    app = two.app("ana")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "3")
        shown = "\n".join(str(app.screen.query_one("#dependencies").render_line(y).text) for y in range(12))
        assert "declined by Ben Member: No weekend work" in shown, shown
    app.engine.dispose()


async def test_only_the_lead_approves_in_the_tui_too(tmp_path, cli):
    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    assert cli("--db", two.ben, "submit", "o-ben").code == 0
    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await select(pilot, "o:o-ben")
        assert "approve" not in {b.binding.action for b in app.active_bindings.values()}  # not in Ben's footer
        await press(pilot, "A")  # and it does nothing: only the lead approves
        assert type(app.screen).__name__ == "TeamScreen"
    app.engine.dispose()
    assert two.rows("ben", "SELECT * FROM decision") == []


def _at(key: str, *keys: str):
    async def run(pilot) -> None:
        await select(pilot, key)
        await press(pilot, *keys)
    return run


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def talked(tmp_path, cli):
    """Ben submitted o-ben and checked in; Ana commented, Ben replied; a dependency from Ana is proposed.
    The comments' writers' text includes markup and an escape: shown literally."""
    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    assert cli("--db", two.ben, "submit", "o-ben").code == 0
    assert cli("--db", two.ben, "checkin", "kr-ben", "4", "--note", "slow week", "--date", "2026-11-24").code == 0
    two.sync("ben", "ana")
    (check_in,) = two.rows("ana", "SELECT id FROM check_in")
    said = cli("--db", two.ana, "comment", check_in[0], "What blocks [bold]the rest[/bold]?\x1b[31m")
    assert said.code == 0
    assert cli("--db", two.ana, "comment", "kr-ben", "Nice start").code == 0
    two.load("ana", {**ANA_DOC, "dependencies": ANA_DOC["dependencies"][:1]})
    two.sync("ana", "ben")
    reply = re.search(r"comment (\S+)", said.out).group(1)
    assert cli("--db", two.ben, "comment", check_in[0], "The flaky runner", "--reply-to", reply).code == 0
    two.sync("ben", "ana")
    return two


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
@pytest.mark.parametrize("name", ["inbox", "detail-comments", "team-in-review"])
def test_conversation_snapshots(snap_compare, talked, name, size):
    who, steps = {"inbox": ("ben", ("i",)),
                  "detail-comments": ("ben", (_at("k:kr-ben", "enter"),)),
                  "team-in-review": ("ana", ("t",))}[name]
    app = talked.app(who)
    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=scene(*steps))
    finally:
        app.engine.dispose()


async def test_the_kr_form_says_before_saving_that_an_approved_objective_goes_back_to_review(tmp_path, cli):
    from okrtui.tui.screens.dialogs import ConfirmDialog

    two = Two(tmp_path, cli)
    two.load("ana", {"format": "okrtui/1", "objectives": [ANA_DOC["objectives"][0]]})
    assert cli("--db", two.ana, "submit", "o-ana").code == 0 and cli("--db", two.ana, "approve", "o-ana").code == 0
    app = two.app("ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "k:kr-ana")
        await press(pilot, "e")
        app.screen.query_one("#in-title").focus()
        await press(pilot, "enter")  # nothing the lead approved changed: saved without a question
        assert not isinstance(app.screen, ConfirmDialog)
        assert status(two, "ana", "o-ana") == "active"
        await select(pilot, "k:kr-ana")
        await press(pilot, "e")
        app.screen.query_one("#in-title").value = "Dashboards for every team"  # a title is content
        app.screen.query_one("#in-target").value = "8"
        app.screen.query_one("#in-target").focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Send the approved objective back to review?" in app.screen.question
        await press(pilot, "n")  # not saved: the form stays open
        assert status(two, "ana", "o-ana") == "active"
        await press(pilot, "enter", "y")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    assert status(two, "ana", "o-ana") == "in_review"
    assert two.rows("ana", "SELECT title, target FROM key_result") == [("Dashboards for every team", 8.0)]


async def test_the_team_form_shows_and_keeps_the_approval_setting(tmp_path, cli):
    two = Two(tmp_path, cli)
    two.load("ana", {"format": "okrtui/1", "objectives": ANA_DOC["objectives"]})
    assert cli("--db", two.ana, "submit", "o-ana").code == 0 and cli("--db", two.ana, "approve", "o-ana").code == 0
    app = two.app("ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = app.screen.query_one("#people")
        key = next(table.key_at(i) for i in range(table.row_count) if table.key_at(i).startswith("t:t-plat"))
        table.select_key(key)
        await press(pilot, "e")
        assert app.screen.query_one("#in-approval").value == "on"
        app.screen.query_one("#in-name").value = "Platform team"
        app.screen.query_one("#in-name").focus()
        await press(pilot, "enter")  # a new name: approval stays on
        assert two.rows("ana", "SELECT name, approval FROM team") == [("Platform team", 1)]
        table.select_key(key)
        await press(pilot, "e")
        app.screen.query_one("#in-approval").value = "off"
        app.screen.query_one("#in-name").focus()
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    assert two.rows("ana", "SELECT name, approval FROM team") == [("Platform team", 0)]


async def test_the_objectives_detail_says_where_it_stands_with_the_lead(tmp_path, cli):
    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    assert cli("--db", two.ben, "submit", "o-ben").code == 0
    two.sync("ben", "ana")
    assert cli("--db", two.ana, "request-changes", "o-ben", "Aim [red]higher[/red]").code == 0
    two.sync("ana", "ben")
    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "o:o-ben")
        await press(pilot, "enter")
        box = app.screen.query_one("#comments")
        head, *rounds = str(box.render()).splitlines()
        assert box.display and head == "changes requested by Ana Lead: Aim [red]higher[/red]"
        assert [re.sub(r"^\s*\w{3} \d{1,2} ", "", line) for line in rounds] == [  # and the rounds so far
            "submitted by Ben Member", "changes requested by Ana Lead: Aim [red]higher[/red]"]
    app.engine.dispose()


async def test_a_writer_edits_and_deletes_their_own_comment_in_the_detail(tmp_path, cli):
    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    assert cli("--db", two.ben, "checkin", "kr-ben", "3", "--date", "2026-11-25").code == 0
    (check_in,) = two.rows("ben", "SELECT id FROM check_in")
    mine = cli("--db", two.ben, "comment", check_in[0], "first thought").out.split()[1]
    app = two.app("ben")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await select(pilot, "k:kr-ben")
        await press(pilot, "enter")
        assert app.screen.query_one("#history").select_key(f"m:{mine}")
        await press(pilot, "m", "down", "enter")  # Reply, [Edit], Delete
        field = app.screen.query_one("#text")
        assert field.value == "first thought"
        field.value = "second thought"
        await press(pilot, "enter")
        assert two.rows("ben", f"SELECT body, deleted FROM comment WHERE id = '{mine}'") == [("second thought", 0)]
        assert app.screen.query_one("#history").select_key(f"m:{mine}")
        await press(pilot, "m", "down", "down", "enter", "y")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    assert two.rows("ben", f"SELECT deleted FROM comment WHERE id = '{mine}'") == [(1,)]


async def test_the_lead_approves_from_the_inbox_after_a_question_with_a_note(tmp_path, cli):
    """32.4: approve from the inbox (and the detail, not only `t`); `A` asks first and takes an
    optional note, kept with the approval for its maker; `A` shows in the footer only where it applies."""
    from okrtui.tui.screens.talk import TextDialog

    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    assert cli("--db", two.ben, "submit", "o-ben").code == 0
    two.sync("ben", "ana")
    app = two.app("ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("submit", ()) is False  # u: nothing of Ana's to submit here
        await press(pilot, "i")
        inbox = app.screen
        assert [i.kind for i in inbox.items] == ["approve"]
        assert "approve" in {b.binding.action for b in app.active_bindings.values()}  # A in the footer
        keys = str(inbox.query_one("#context").render()).splitlines()[1]
        assert keys == "enter opens · A approves · R requests changes"  # and in the hint, where they apply
        await press(pilot, "enter")  # the detail of the objective awaiting Ana: A and r apply there too
        assert app.screen.check_action("approve", ()) is True
        await press(pilot, "escape", "A")
        assert isinstance(app.screen, TextDialog)  # asked first
        await type_text(pilot, "well done")
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    assert two.rows("ana", "SELECT verdict, note FROM decision WHERE subject_id = 'o-ben'") == [("approved", "well done")]
    two.sync("ana", "ben")
    assert "approved by Ana Lead: well done" in two.cli("--db", two.ben, "inbox").out  # the maker reads the note


FAST = {"format": "okrtui/1", "objectives": [
    {"id": "o-fast", "title": "Make the core API fast", "level": "team", "team": "t-plat", "period": "2026-Q4",
     "status": "draft", "key_results": [{"id": "kr-rps", "title": "Requests per second", "kind": "increase",
                                         "start": 400, "target": 800}]}]}


def history_text(app) -> str:
    return str(app.screen.query_one("#comments").render())


async def test_a_review_round_between_two_databases_reads_the_same_on_both_sides(tmp_path, cli):
    """32.4, in the TUI: Ben submits (u); Ana asks for changes (r: "make it 900"); Ben edits the target
    800 → 900 in the KR form (e) and resubmits (u); Ana approves (A). Each side's detail then keeps the
    same history, with what changed since the request in words (`target 800 → 900`), whole at 80 columns."""
    two = Two(tmp_path, cli)
    two.load("ben", FAST)

    async def as_(who, *steps, size=(80, 24)):
        app = two.app(who)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for step in steps:
                await step(pilot)
                assert not app.notified_errors, app.notified_errors
        app.engine.dispose()

    async def submit(pilot):
        await select(pilot, "o:o-fast")
        await press(pilot, "u")

    async def ask(pilot):
        await press(pilot, "t")
        await select(pilot, "o:o-fast")
        await press(pilot, "r")
        await type_text(pilot, "make it 900")
        await press(pilot, "enter")

    async def edit(pilot):
        await select(pilot, "k:kr-rps")
        await press(pilot, "e")
        pilot.app.screen.query_one("#in-target").value = "900"
        pilot.app.screen.query_one("#in-target").focus()
        await press(pilot, "enter")

    async def approve(pilot):
        await press(pilot, "t")
        await select(pilot, "o:o-fast")
        await press(pilot, "A", "enter")

    await as_("ben", submit)
    two.sync("ben", "ana")
    await as_("ana", ask)
    two.sync("ana", "ben")
    await as_("ben", edit, submit)
    two.sync("ben", "ana")
    await as_("ana", approve)
    two.sync("ana", "ben")
    assert status(two, "ben", "o-fast") == "active"

    seen = {}
    for who in ("ana", "ben"):
        app = two.app(who)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            if who == "ana":
                await press(pilot, "t")
            await select(pilot, "o:o-fast")
            await press(pilot, "enter")
            assert type(app.screen).__name__ == "DetailScreen"
            seen[who] = history_text(app)
            box = app.screen.query_one("#comments")
            assert box.display and box.size.height >= len(seen[who].splitlines())  # whole: nothing cut
        app.engine.dispose()
    assert seen["ana"] == seen["ben"]
    words = [re.sub(r"^\s*\w{3} \d{1,2} ", "", line) for line in seen["ben"].splitlines()]
    assert words == ["approved by Ana Lead", "submitted by Ben Member", "changes requested by Ana Lead: make it 900",
                     'resubmitted by Ben Member: KR "Requests per second": target 800 → 900',
                     "approved by Ana Lead"], seen["ben"]


@pytest.fixture
def reviewed(tmp_path, cli, monkeypatch):
    """o-fast went round once: submitted, changes asked, target 800 → 900, resubmitted, approved with a
    note; the clock is fixed, so the history's days are the same on every run."""
    import datetime as dt

    from okrtui.core import stamps

    ticks = iter(range(10_000))

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=next(ticks))

    monkeypatch.setattr(stamps, "dt", type("dt", (), {"datetime": Clock, "UTC": dt.UTC}))
    two = Two(tmp_path, cli)
    two.load("ben", FAST)
    assert cli("--db", two.ben, "submit", "o-fast").code == 0
    two.sync("ben", "ana")
    assert cli("--db", two.ana, "request-changes", "o-fast",
               "Is 800 enough? The board asked for 900 at launch, and the p95 should stay where it is: make it 900").code == 0
    two.sync("ana", "ben")
    two.load("ben", {**FAST, "objectives": [{**FAST["objectives"][0], "key_results": [
        {**FAST["objectives"][0]["key_results"][0], "target": 900}]}]})
    assert cli("--db", two.ben, "submit", "o-fast").code == 0
    two.sync("ben", "ana")
    assert cli("--db", two.ana, "approve", "o-fast", "--note", "Good, ship it [b]now[/b]").code == 0
    two.sync("ana", "ben")
    return two


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_the_review_history_snapshot(snap_compare, reviewed, size):
    app = reviewed.app("ben")
    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=scene(_at("o:o-fast", "enter")))
    finally:
        app.engine.dispose()


async def test_a_long_review_history_scrolls_and_reads_whole_at_80x24(tmp_path, cli):
    """Three rounds of long change requests: more than the detail's room at 80×24. The box shows
    `tab` in the footer, takes the focus on it, scrolls to the last round, and gives it back."""
    from okrtui.tui.widgets.table import OkrTable

    two = Two(tmp_path, cli)
    two.load("ben", FAST)
    for target in (900, 1000, 1100):
        assert cli("--db", two.ben, "submit", "o-fast").code == 0
        two.sync("ben", "ana")
        assert cli("--db", two.ana, "request-changes", "o-fast", f"Not yet: the board asked for {target} at launch, "
                   "and the p95 latency should stay where it is today, so say how you will hold it there").code == 0
        two.sync("ana", "ben")
    assert cli("--db", two.ben, "submit", "o-fast").code == 0
    two.sync("ben", "ana")
    assert cli("--db", two.ana, "approve", "o-fast", "--note", "the last round, read whole").code == 0
    two.sync("ana", "ben")
    app = two.app("ben")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await select(pilot, "o:o-fast")
        await press(pilot, "enter")
        scroll = app.screen.query_one("#comments-scroll")
        assert "the last round, read whole" in history_text(app)
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0  # more than it shows: the last round is below
        assert "more" in {b.binding.action for b in app.active_bindings.values()}  # tab, in the footer
        await press(pilot, "tab")
        assert app.focused is scroll
        await press(pilot, "end")
        assert scroll.scroll_y == scroll.max_scroll_y  # the last round in view
        await press(pilot, "tab")
        assert isinstance(app.focused, OkrTable)  # back to the list: k, j, c as before
    app.engine.dispose()
