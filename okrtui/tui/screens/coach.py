"""The quality coach panel and the guide to writing good OKRs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from okrtui.core.text import count, plain
from okrtui.method.lint import Finding, metric_name
from okrtui.tui.screens.base import Dialog
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.kr_row import SEVERITY_MARK, title_cell
from okrtui.tui.widgets.table import OkrTable

KEEPS_LEVEL = "health-metric-as-kr"  # the rule whose finding the coach offers to fix (m)

DRAFTING_GUIDE = """\
A good objective
  · says what you want, qualitatively: numbers go in key results
  · starts with a verb, in positive, plain words:
    "Delight first-week users", not "Don't lose trial users"
  · inspires, is in the team's control, fits in one breath
  · says why it matters and aligns to a parent objective
  · is one of 1-3 for the period: focus beats coverage

A good key result
  · is a result, not a task:
    "Activation from 31% to 45%", not "Run 5 experiments"
  · is measurable: a start and a target on the right side
  · has one responsible owner
  · 1-3 per objective (at most 5), not all milestones
  · kinds: increase (more is better), decrease (less is
    better), range (keep a health metric between low and
    high), baseline (measure first), milestone (done or not)

Drafting a quarter
  1. draft 1-3 objectives (n): they start as drafts
  2. give each 1-3 key results and a parent (e)
  3. record what you rely on from other teams (x)
  4. fix the coach's errors (l), then activate (a)

Aim for 0.7: a steady 1.0 means the goals were too safe.
"""


class GuideDialog(Dialog[None]):
    BINDINGS = [Binding("escape,q,g,f1", "close", "Close", id="guide.close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog guide"):
            yield Static(Text("How to write good OKRs", style="bold"))
            with VerticalScroll():
                yield Static(Text(DRAFTING_GUIDE))
            yield Static(Text(f"{hint_key(self.app.keymap, 'guide.close', 'esc')} closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


class CoachDialog(Dialog[str]):
    """Findings of the user's objectives; enter jumps to the objective, g opens the guide."""

    shows_list = True

    BINDINGS = [
        Binding("escape", "close", "Close", id="coach.close"),
        Binding("enter", "jump", "Go to", priority=True, id="coach.jump"),
        Binding("g", "guide", "Guide", id="coach.guide"),
        Binding("m", "metric", "Make it a health metric", tooltip="Turn the KR of a health-metric-as-kr finding "
                "into a health metric (the KR is deleted)", id="coach.metric"),
    ]

    def __init__(self, findings: list[Finding], titles: dict[str, str], drafting: Text) -> None:
        super().__init__()
        self.findings, self.titles, self.drafting = findings, titles, drafting

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Text("Coach", style="bold"))
            yield Static(self.drafting)
            yield OkrTable(id="findings")
            yield Static(id="hint", classes="coach-hint")
            k = self.app.keymap
            yield Static(Text(f"{hint_key(k, 'coach.jump', 'enter')}: go to objective   "
                              f"{hint_key(k, 'coach.guide', 'g')}: guide   {hint_key(k, 'coach.close', 'esc')}: close",
                              style="dim"))

    def on_mount(self) -> None:
        table = self.query_one(OkrTable)
        inner = min(110, self.app.size.width * 9 // 10) - 4
        width = max(20, inner - 1 - 22 - 3 * 2 - 2)
        table.add_column(" ", width=1)
        table.add_column("Rule", width=22)
        table.add_column("Finding · objective", width=width)
        for i, f in enumerate(self.findings):
            mark, style = SEVERITY_MARK[f.level]
            what = title_cell(f.message, width)
            what.append(" · ", style="dim")
            what.append_text(title_cell(self.titles.get(f.objective_id, f.objective_id), width, style="dim"))
            what.truncate(width, overflow="ellipsis")
            table.add_row(Text(mark, style=style), Text(f.rule, style=style), what, key=str(i))
        if not self.findings:
            table.add_row("", Text("no findings", style="green"), "Nothing to fix: well written.", key="none")
        table.focus()
        self._show_hint(0)

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        self._show_hint(event.cursor_row)

    def _show_hint(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            f = self.findings[row]
            self.query_one("#hint", Static).update(Text(f"hint: {f.hint}", style="italic"))

    def action_jump(self) -> None:
        row = self.query_one(OkrTable).cursor_row
        self.dismiss(self.findings[row].objective_id if 0 <= row < len(self.findings) else None)

    def action_guide(self) -> None:
        self.app.push_screen(GuideDialog())

    def action_metric(self) -> None:
        """The coach's offer for health-metric-as-kr: after a yes, the KR becomes a health metric (metric,
        measurements and the KR's deletion in one transaction) and the coach closes on the news."""
        row = self.query_one(OkrTable).cursor_row
        f = self.findings[row] if 0 <= row < len(self.findings) else None
        if f is None or f.rule != KEEPS_LEVEL or f.kr_id is None:
            self.notify(f"{hint_key(self.app.keymap, 'coach.metric', 'm')} turns the key result of a {KEEPS_LEVEL} "
                        "finding into a health metric", timeout=4, markup=False)
            return
        kr_id = f.kr_id
        data = self.app.data
        kr = next((k for o in data.report.objectives for k in o.key_results if k.id == kr_id), None) if data else None
        title = kr.title if kr is not None else kr_id
        detail = (f"\u201c{plain(title)[:80]}\u201d becomes the health metric \u201c{plain(metric_name(title))[:60]}\u201d, "
                  "measured by who answers for it, with your own check-ins as its measurements. The key result and "
                  "its check-ins are deleted.")
        app = self.app

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            app.save(lambda s: s.kr_to_metric(kr_id, app.today),
                     on_done=lambda done: app.notify(done.summary(), timeout=6, markup=False))
            self.dismiss(None)

        app.push_screen(ConfirmDialog("Make this key result a health metric?", detail, guard=True), answered)

    def action_close(self) -> None:
        self.dismiss(None)


def drafting_summary(data: Snapshot) -> Text:
    """Where the user's drafting of this period stands."""
    mine = [o for o in data.report.objectives if o.origin == data.me]
    drafts = sum(o.status == "draft" for o in mine)
    unaligned = sum(o.level != "company" and not o.parent_id for o in mine)
    ids = {o.id for o in mine} | {kr.id for o in mine for kr in o.key_results}
    deps = sum(d.from_id in ids for d in data.dependencies)
    errors = sum(f.level == "error" for f in data.findings)
    text = Text(f"{count(len(mine), 'objective')} of yours · {drafts} draft · {unaligned} unaligned · "
                f"{deps} {'dependency' if deps == 1 else 'dependencies'} · ")
    text.append(f"{errors} errors", style="bold red" if errors else "green")
    return text
