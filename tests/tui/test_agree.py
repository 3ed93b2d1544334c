"""What you read must agree with itself (issue 32, point 12): markers, counts, chart steps,
milestone words and the scrollbars at 16 colours and under NO_COLOR."""

from __future__ import annotations

import html

import pytest

PARTIAL_CELLS = "▁▂▃▄▅▆▇"  # Textual's part-cell scrollbar ends (a sparkline's glyphs too: none on these screens)


def _blank_reverse_rows(term) -> list[int]:
    """Rows with no text drawn mostly in reverse video: a scrollbar thumb across the width."""
    out = []
    for y, line in enumerate(term.screen.display):
        row = term.screen.buffer[y]
        if not any(ch.isalnum() for ch in line) and sum(1 for x in range(len(line)) if row[x].reverse) >= 20:
            out.append(y)
    return out


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {}], ids=["no-color", "16-colours"])
def test_no_stray_scrollbar_on_a_real_terminal_without_colour(tmp_path, env):
    """32.12: a horizontal scrollbar drew a full-width reverse bar under the objectives (NO_COLOR),
    and part-cell scrollbar ends drew stray `▄ ▇▇ ▅▅` at 16 colours (team list, picker, ? help)."""
    from tests.terminal import demo_terminal

    term = demo_terminal(tmp_path, **env)
    try:
        assert _blank_reverse_rows(term) == [], term.text()
        for keys, shown, back in [(b"t", "Person / objective", None), (b"p", "Everyone", b"\x1b"),
                                  (b"?", "Anywhere (outside a text field)", b"\x1b")]:
            term.press(keys)
            term.wait_for(shown)
            term.settle()
            assert not set(term.text()) & set(PARTIAL_CELLS), term.text()
            assert _blank_reverse_rows(term) == [], term.text()
            if back:
                term.press(back)
                term.settle()
    finally:
        term.close()


def _kr(ident, **extra):
    return {"id": ident, "title": f"result {ident}", "kind": "increase", "start": 0, "target": 100, **extra}


PRIVATE_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-shared", "title": "Shared goal", "period": "2026-Q4", "key_results": [_kr("kr-s1")]},
    {"id": "o-mine", "title": "Quiet goal", "period": "2026-Q4", "visibility": "private",
     "key_results": [_kr("kr-p1")]},
    {"id": "o-draft", "title": "Quiet draft", "period": "2026-Q4", "visibility": "private", "status": "draft",
     "key_results": [_kr("kr-p2")]},
]}


def _rows(table) -> dict[str, str]:
    return {table.key_at(i): " | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)}


async def test_a_private_objective_is_marked_in_words_in_every_list_and_its_detail(cli, tmp_path):
    """32.12: private objectives had no marker in the list (nor in the detail)."""
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import close, open_app, press, settle, write_doc

    path = tmp_path / "me.db"
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", PRIVATE_DOC)).code == 0
    app = open_app(path, load_demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = _rows(app.screen.query_one(OkrTable))
        assert "Quiet goal (private)" in rows["o:o-mine"]
        assert "Quiet draft (draft, private)" in rows["o:o-draft"]
        assert "(" not in rows["o:o-shared"]
        app.screen.query_one(OkrTable).select_key("o:o-mine")
        await press(pilot, "enter")
        head = str(app.screen.query_one("#context").render())
        assert "Quiet goal (private)" in head and head.rstrip().endswith("active · private"), head
        await press(pilot, "escape", "s")  # scoring lists them with the same words
        scoring = _rows(app.screen.query_one(OkrTable))
        assert any("Quiet goal (private)" in row for row in scoring.values()), scoring
        await press(pilot, "t")  # the team screen shows the lead's own private objectives: marked there too
        people = _rows(app.screen.query_one("#people", OkrTable))
        assert any("Quiet goal (private)" in row for row in people.values()), people
        assert not any("Shared goal (" in row for row in people.values()), people
        await press(pilot, "2")
        tree = _rows(app.screen.query_one("#alignment", OkrTable))
        assert "Quiet goal (private)" in tree["o:o-mine"], tree
    close(app)


async def test_the_close_dialog_counts_self_scores_as_the_scoring_header_does(app):
    """32.12: the close dialog said `2 of 5` while the scoring header said `3 of 7` (it left out drafts'
    KRs, the header counted them, and one counted what is missing, the other what is done)."""
    import re

    from okrtui.tui.screens.scoring import CloseQuarterDialog
    from tests.helpers import press, settle

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        head = str(app.screen.query_one("#context").render())
        scored = re.search(r"(\d+) of (\d+) KRs self-scored", head)
        assert scored, head
        await press(pilot, "C")
        assert isinstance(app.screen, CloseQuarterDialog)
        said = " ".join(app.screen.warnings)
        assert f"{scored.group(1)} of {scored.group(2)} key results self-scored" in said, (head, said)
        await press(pilot, "escape", "down", "enter")  # score one KR: both move together
        await press(pilot, *"0.5", "enter")
        head2 = str(app.screen.query_one("#context").render())
        again = re.search(r"(\d+) of (\d+) KRs self-scored", head2)
        assert int(again.group(1)) == int(scored.group(1)) + 1, head2
        await press(pilot, "C")
        assert f"{again.group(1)} of {again.group(2)} key results self-scored" in " ".join(app.screen.warnings)


def _axis_labels(drawn: str) -> list[float]:
    """The numbers left of the chart's y axis (plotext draws `label ┤` on a tick's row)."""
    import re

    return [float(m.group(1)) for line in drawn.splitlines() if (m := re.match(r"\s*(-?\d+(?:\.\d+)?)\s*┤", line))]


def _round_step(labels: list[float]) -> bool:
    steps = {round(b - a, 9) for a, b in zip(labels, labels[1:], strict=False)}
    if len(labels) < 2 or len(steps) != 1:
        return False
    (step,) = steps
    mantissa = abs(step) / 10 ** __import__("math").floor(__import__("math").log10(abs(step)))
    return round(mantissa, 6) in (1.0, 2.0, 2.5, 5.0)


async def test_the_kr_chart_labels_its_y_axis_on_round_steps(app):
    """32.12: the chart's y labels read `99.6 98.2 96.9`; now 1, 2, 2.5 or 5 × 10^n apart."""
    from okrtui.tui.widgets.chart import StoryChart
    from tests.helpers import at, settle

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("k:kr-deploys", "k:kr-mttr", "k:kr-latency"):
            await at(key, "v")(pilot)
            labels = _axis_labels(str(app.screen.query_one(StoryChart).render()))
            assert _round_step(labels), (key, labels)
            await pilot.press("escape")
            await settle(pilot)


@pytest.mark.parametrize(("lo", "hi", "labels"), [
    (96.684, 99.816, ["97", "98", "99"]), (91.44, 99.56, ["92", "94", "96", "98"]),
    (-0.32, 4.32, ["0", "1", "2", "3", "4"]), (99.468, 99.932, ["99.5", "99.6", "99.7", "99.8", "99.9"]),
    (-3.4, 2.4, ["-2", "0", "2"]), (-0.08, 1.08, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
])
def test_round_ticks_take_the_finest_round_step_that_fits(lo, hi, labels):
    from okrtui.method.story import round_ticks

    assert [label for _, label in round_ticks(lo, hi)] == labels


async def test_the_health_chart_follows_the_kr_charts_steps(app):
    from okrtui.tui.widgets.chart import StoryChart
    from tests.helpers import press, settle

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H", "v")  # API uptime, unhealthy first: 99.6 … 99.9
        labels = _axis_labels(str(app.screen.query_one(StoryChart).render()))
        assert _round_step(labels), labels


MILESTONE_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-ship", "title": "Ship it", "period": "2026-Q4",
     "key_results": [{"id": "kr-live", "title": "Pipeline live", "kind": "milestone"}, _kr("kr-n")]},
]}


async def test_a_milestone_reads_done_not_1_in_the_reviews_and_reports(cli, tmp_path):
    """32.12: milestones showed as `1` / `+1` in the weekly review."""
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import close, open_app, press, settle, write_doc

    path = tmp_path / "me.db"
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", MILESTONE_DOC)).code == 0
    for kr, value, day in [("kr-live", "0", "2026-11-16"), ("kr-live", "1", "2026-11-24"),
                           ("kr-n", "10", "2026-11-16"), ("kr-n", "30", "2026-11-24")]:
        assert cli("--db", path, "checkin", kr, value, "--date", day).code == 0
    app = open_app(path, load_demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        rows = _rows(app.screen.query_one(OkrTable))
        assert " | done | ✓ done | " in rows["k:kr-live"], rows["k:kr-live"]
        assert " | 30 | +20 | " in rows["k:kr-n"], rows["k:kr-n"]  # numbers stay numbers
        await press(pilot, "t", "4")
        week = _rows(app.screen.query_one("#week", OkrTable))
        assert " | done | ✓ done | " in week["k:kr-live"], week["k:kr-live"]
        assert not any(" | 1 | " in row or "+1" in row for row in week.values()), week
    close(app)
    md = cli("--db", path, "report", "--team", "--format", "md").out
    assert "(done this week)" in md and "+1" not in md, md
    page = cli("--db", path, "export", "--format", "html").out
    review = html.unescape(page.split('<section class="review">')[1])  # "✓" is written "&#10003;"
    assert "<td>done</td><td>✓ done</td>" in review, review  # its value and this week's change


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_closing_offers_to_retitle_carried_krs_whose_titles_state_the_old_start(app, answer):
    """32.12: carried KRs kept `from 92% to 99%` while starting at the last value. Closing offers the
    title with the new numbers (y); kept (n), the coach marks it (stale-title, ▲ on the objective)."""
    from sqlmodel import col, select

    from okrtui.storage.model import KeyResult, Objective
    from okrtui.storage.store import reading
    from okrtui.tui.screens.dialogs import ConfirmDialog
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import press, settle

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "C", "enter")  # close anyway; objectives below 0.7 are carried
        assert isinstance(app.screen, ConfirmDialog), app.screen
        offer = str(app.screen.detail)
        assert "Deploy success rate from 92% to 99%\n  → Deploy success rate from 95.7% to 99%" in offer, offer
        await press(pilot, answer)
        with reading(app.engine) as session:
            carried = {kr.title: kr for kr in session.exec(select(KeyResult).join(
                Objective, col(Objective.id) == KeyResult.objective_id).where(Objective.period_id == "2027-Q1"))}
        if answer == "y":
            assert "Deploy success rate from 95.7% to 99%" in carried, list(carried)
            assert carried["Deploy success rate from 95.7% to 99%"].start == 95.7
            assert not any("from 92%" in t for t in carried), list(carried)
            return
        assert "Deploy success rate from 92% to 99%" in carried, list(carried)
        await press(pilot, "o", "]")
        found = [f for f in app.data.findings if f.rule == "stale-title"]
        assert any("from 95.7% to 99%" in f.message for f in found), app.data.findings
        table = app.screen.query_one(OkrTable)
        row = next(" ".join(map(str, table.get_row_at(i))) for i in range(table.row_count)
                   if "Make deploys" in " ".join(map(str, table.get_row_at(i))))
        assert "▲" in row, row
