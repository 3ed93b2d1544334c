"""Cells of one objective or key-result row, shared by the objectives, check-in and team screens."""

from __future__ import annotations

from rich.text import Text

from okrtui.core.text import plain
from okrtui.method import kinds
from okrtui.method.views import KRView, ObjectiveView, PeriodReport, kr_target_text, short_names
from okrtui.tui.widgets.grade_bar import grade_bar, objective_grade
from okrtui.tui.widgets.sparkline import sparkline

# The coach's finding levels as the rows mark them (the coach itself loads when it opens).
SEVERITY_MARK = {"error": ("✖", "bold red"), "warning": ("▲", "bold yellow"), "info": ("○", "cyan")}

LEVEL_MARK = {"company": "◆", "team": "■", "personal": "●"}


def title_cell(title: str, width: int, indent: int = 0, style: str = "") -> Text:
    """Untrusted title: control characters escaped, markup left literal, cut to width."""
    text = Text(" " * indent + plain(title), style=style, no_wrap=True, overflow="ellipsis")
    text.truncate(width, overflow="ellipsis")
    return text


def wrapped(text: str, style: str = "") -> Text:
    """Untrusted text shown whole: control characters escaped, markup literal, wrapped by its widget."""
    return Text(plain(text), style=style)


def owner_cell(rep: PeriodReport, pid: str | None, width: int = 8) -> Text:
    """The shortest name that tells this person apart from everyone else (`Bruno`, `P. 00012`).
    Callers pass the owner, else the maker: a record naming no owner is its maker's, never `–`."""
    name = short_names(rep.people).get(pid, rep.person(pid)) if pid is not None else rep.person(pid)
    return title_cell(name, width)


def confidence_cell(kr: KRView) -> Text:
    return Text("–" if kr.confidence is None else f"{kr.confidence:.1f}", style="dim" if kr.confidence is None else "")


PRIVATE = "private"


def objective_tags(o: ObjectiveView, statuses: tuple[str, ...] | None = None) -> str:
    """` (draft, private)`: the objective's status when it is not active (or one of `statuses`) and
    whether only its maker sees it, in words, so they read without colour. "" when there is nothing to say."""
    words = []
    if o.status != "active" and (statuses is None or o.status in statuses):
        words.append(o.status.replace("_", " "))
    if o.visibility == "private":
        words.append(PRIVATE)
    return f" ({', '.join(words)})" if words else ""


def objective_cells(rep: PeriodReport, o: ObjectiveView, title_width: int, depth: int, me: str,
                    finding: tuple[str, str] | None = None) -> list[Text]:
    """`finding` is the (mark, style) of the objective's worst coach finding, if any."""
    mark = LEVEL_MARK.get(o.level, "·")
    status = objective_tags(o)
    flag = 2 if finding else 0
    # Read-only rows (a teammate's) are dimmed rather than labelled: titles need the room.
    style = "bold" if o.origin == me else "bold dim"
    title = title_cell(f"{mark} {o.title}", title_width - len(status) - flag, indent=2 * depth, style=style)
    title.append(status, style="italic dim")
    if finding:
        title.append(" ")
        title.append(finding[0], style=finding[1])
    return [title, owner_cell(rep, o.owner_id or o.origin), Text(o.level[:4], style="dim"), Text(""),
            objective_grade(o.status, o.score, o.grade, o.band), Text(""), Text("")]


def kr_cells(rep: PeriodReport, kr: KRView, title_width: int, depth: int, me: str = "",
             target_width: int = 12, graded: bool = True) -> list[Text]:
    """`graded` False: its objective is a proposal nobody agreed to yet (views.UNGRADED), so `–`."""
    flag = Text(" ⚠" if kr.stale else "", style="bold yellow")
    said = rep.conversation.count_on(kr.id) if rep.conversation is not None else 0
    if said:
        flag.append(f" ✎{said}", style="cyan")
    # A teammate's KR is dimmed like its objective: read-only at a glance.
    title = title_cell(f"· {kr.title}", title_width - len(flag), indent=2 * depth + 2,
                       style="" if kr.origin == me else "dim")
    title.append_text(flag)
    return [
        title,
        owner_cell(rep, kr.owner_id or kr.origin),  # who answers for it: its owner, else its maker
        Text(kind.short if (kind := kinds.get(kr.kind)) else kr.kind, style="dim"),
        title_cell(kr_target_text(kr), target_width),
        grade_bar(kr.score, kr.grade, kr.band) if graded else Text("–", style="italic dim"),
        confidence_cell(kr),
        sparkline([c.value for c in kr.check_ins], width=6),
    ]
