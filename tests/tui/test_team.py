"""The team lead's screen: views, filters, sync from the TUI, hostile text."""

from __future__ import annotations

import dataclasses

import pytest

from okrtui.cycle import checkins
from okrtui.exchange import interchange, sync
from okrtui.storage.backend import open_engine
from okrtui.storage.store import set_meta, writing
from okrtui.tui.screens.base import OkrTable
from tests.helpers import TODAY, make_app, matches_snapshot, press, pressing, settle

HOSTILE_TITLE = "[bold red]pwned[/]"
HOSTILE_NOTE = "\x1b[2J\x1b[31mgotcha\x07"


def teammate_file(tmp_path):
    """A team file holding a teammate's objective with markup in the title and escapes in a note."""
    eng = open_engine(tmp_path / "mallory.db")
    with writing(eng) as session:
        set_meta(session, "identity", "p-mallory")
    interchange.import_document(eng, {"format": "okrtui/1", "people": [{"id": "p-mallory", "name": "Mallory"}],
                                      "teams": [{"id": "t-growth", "name": "Growth"}],
                                      "objectives": [{"id": "o-evil", "title": HOSTILE_TITLE, "period": "2026-Q4",
                                                      "owner": "p-mallory", "team": "t-growth", "level": "team",
                                                      "key_results": [{"id": "kr-evil", "title": "Evil KR",
                                                                       "owner": "p-mallory", "kind": "increase",
                                                                       "start": 0, "target": 10}]}]})
    checkins.record(eng, "kr-evil", 3, day=TODAY, note=HOSTILE_NOTE)
    team = tmp_path / "team.jsonl"
    sync.sync(eng, team)
    eng.dispose()
    return team


def team_app(tmp_path, with_hostile: bool = False):
    app = make_app(tmp_path / "lead.db")
    if with_hostile:
        team = teammate_file(tmp_path)
        sync.sync(app.engine, team)
        app.cfg = dataclasses.replace(app.cfg, team_file=str(team))
    return app


def cells(table: OkrTable) -> str:
    return "\n".join(" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))


async def test_views_and_filters(tmp_path):
    app = team_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        people = cells(app.screen.query_one("#people", OkrTable))
        assert "Eli Sandberg" in people and "Chen Wei" in people
        # stale and behind KRs come first under each objective
        rows = people.splitlines()
        dana = rows.index(next(r for r in rows if r.startswith("Dana Okafor")))
        assert "Stalled trial users" in rows[dana + 2]
        await pilot.press("f")  # first team: Acme
        await settle(pilot)
        filtered = cells(app.screen.query_one("#people", OkrTable))
        assert "Eli Sandberg" in filtered and "Chen Wei" not in filtered
        await pilot.press("f", "f", "f")  # back to all
        await settle(pilot)
        await pilot.press("b", "b")  # yellow
        await settle(pilot)
        yellow = cells(app.screen.query_one("#people", OkrTable))
        assert "Become the most dependable" in yellow and "Give every team" not in yellow
        await press(pilot, "2")  # the tree honours the band filter: objectives with a yellow KR
        tree = cells(app.screen.query_one("#alignment", OkrTable)).splitlines()
        assert tree[0].startswith("Become the most dependable")
        assert not any("Understand why trials stall" in r for r in tree)  # its KRs are red and green
        await press(pilot, "b", "b")  # green, then every band
        tree = cells(app.screen.query_one("#alignment", OkrTable)).splitlines()
        assert any(r.startswith("    Understand why trials stall") for r in tree)
        await press(pilot, "3")
        deps = cells(app.screen.query_one("#dependencies", OkrTable))
        assert "relies on" in deps and "relied on by" in deps and "needs funnel dashboards" in deps
    app.engine.dispose()


async def test_sync_now_reports_what_moved(tmp_path):
    app = team_app(tmp_path, with_hostile=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "S")
        assert app.screen.last_sync.startswith("synced ")
        assert " out, " in app.screen.last_sync
    app.engine.dispose()


async def test_sync_failure_is_a_message_not_a_crash(tmp_path):
    app = team_app(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "okrtui-team/2"}\n')
    app.cfg = dataclasses.replace(app.cfg, team_file=str(bad))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "S")
        assert app.screen.last_sync.startswith("sync failed") and "newer okrtui" in app.screen.last_sync
        assert app.is_running
    app.engine.dispose()


async def test_hostile_teammate_text_shows_literally(tmp_path):
    app = team_app(tmp_path, with_hostile=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        people = cells(app.screen.query_one("#people", OkrTable))
        assert HOSTILE_TITLE in people
        app.screen.query_one("#people", OkrTable).select_key("k:kr-evil")
        await settle(pilot)
        detail = str(app.screen.query_one("#detail").render())
        assert "\\x1b[2J\\x1b[31mgotcha\\x07" in detail and "\x1b" not in detail
        await press(pilot, "o")
        assert HOSTILE_TITLE in cells(app.screen.query_one(OkrTable))
    app.engine.dispose()


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json"])
def test_hostile_text_in_every_report_format(tmp_path, cli, fmt):
    team = teammate_file(tmp_path)
    eng = open_engine(tmp_path / "lead.db")
    sync.sync(eng, team)
    eng.dispose()
    out = cli("--db", tmp_path / "lead.db", "report", "--team", "--format", fmt, "--period", "2026-Q4").out
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "json":
        import json

        doc = json.loads(out)
        assert doc["objectives"][0]["title"] == HOSTILE_TITLE  # JSON keeps the exact text, escaped
    else:
        assert HOSTILE_TITLE in out


def test_team_report_groups_by_team_and_person(demo_db, cli):
    out = cli("--db", demo_db, "report", "--team", "--format", "md", "--as-of", "2026-11-26").out
    assert out.startswith("# Team status 2026-Q4, week of 2026-11-23")
    # Worst teams first; each KR under the person who answers for it (Bruno's in Alice's objective).
    assert out.index("## Platform") < out.index("### Bruno Diaz") < out.index("### Alice Ng") < out.index("## Growth")
    assert out.index("### Bruno Diaz") < out.index("Mean time to restore") < out.index("### Alice Ng")
    assert out.index("## Growth") < out.index("### Dana Okafor")
    assert "this week" in out and "**⚠ stale, behind**" in out and "“" in out


TEAM_SCENES = {"team-people": ["t"], "team-alignment": ["t", "2"], "team-dependencies": ["t", "3"]}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", TEAM_SCENES)
def test_team_snapshots(name, size, snap_compare, tmp_path):
    assert matches_snapshot(snap_compare, team_app(tmp_path), size, pressing(*TEAM_SCENES[name]))


def test_snapshot_hostile_title_on_team_screen(snap_compare, tmp_path):
    app = team_app(tmp_path, with_hostile=True)

    async def run(pilot):
        await settle(pilot)
        await press(pilot, "t")
        pilot.app.screen.query_one("#people", OkrTable).select_key("k:kr-evil")
        await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=(120, 40), run_before=run)
    finally:
        app.engine.dispose()
