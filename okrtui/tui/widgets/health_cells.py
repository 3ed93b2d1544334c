"""A health metric's status mark, and the line of the team's unhealthy and due metrics that the weekly
review and the team screen show above the OKRs (light: those screens load it before the Health screen)."""

from __future__ import annotations

from rich.text import Text

from okrtui.core.text import plain
from okrtui.method import health
from okrtui.method.health import MetricView, State
from okrtui.tui.state import Snapshot

# The mark carries the meaning (✓ ✗ · and ! for due); the colour only repeats it.
STATE_STYLE = {State.HEALTHY: "green", State.UNHEALTHY: "bold red", State.NO_DATA: "dim"}


def mark_cell(v: MetricView) -> Text:
    h = v.health
    text = Text(health.MARKS[h.state], style=STATE_STYLE[h.state])
    text.append(health.DUE_MARK if h.due else " ", style="bold yellow")
    return text



def attention(data: Snapshot, team_ids: set[str] | None) -> list[MetricView]:
    """The unhealthy and due metrics the review and the team screen show above the OKRs: of these
    teams and the user's own (None: every metric the user sees)."""
    return [v for v in data.metrics
            if (v.health.state is State.UNHEALTHY or v.health.due)
            and (team_ids is None or v.team_id in team_ids or data.me in (v.answers_id, v.origin))]


def attention_line(metrics: list[MetricView]) -> Text | None:
    """`Health: ✗ Uptime (unhealthy for 3 weeks) · ·! Backlog (due)`; None when all is well."""
    if not metrics:
        return None
    text = Text("Health: ", style="bold")
    for i, v in enumerate(metrics[:4]):
        if i:
            text.append(" · ")
        text.append_text(mark_cell(v))
        text.append(f"{plain(v.name)[:24]} ({v.health.streak_text() if v.health.state is State.UNHEALTHY else 'due'})")
    if len(metrics) > 4:
        text.append(f" · {len(metrics) - 4} more (H)")
    return text


def improves_cell(data: Snapshot, ident: str) -> Text | None:
    """The health metric an objective or KR names as the one it improves, with its status (the detail
    screen's `improves` row), or None."""
    for v in data.metrics:
        if ident in v.improved_by:
            text = mark_cell(v)
            text.append(f"{plain(v.name)} ({v.health.label()})")
            return text
    return None
