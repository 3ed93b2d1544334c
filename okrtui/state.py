"""The TUI's state: the snapshot the screens show and the message that delivers it.

Its own module so the screens and the app both import it, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the storage layer loads in the first worker, never before the first frame
    from okrtui.lint import Finding
    from okrtui.views import DependencyView, PeriodReport, TeamView


@dataclass
class Snapshot:
    """Everything the screens show for one period, loaded in one worker."""

    report: PeriodReport
    me: str
    my_team: TeamView | None = None
    dependencies: list[DependencyView] = field(default_factory=list)
    reflections: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # of the user's own objectives
    generation: int = 0  # which load made it: a stale load's snapshot is dropped


class DataLoaded(Message):
    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
