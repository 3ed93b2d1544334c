"""The TUI's state: the snapshot the screens show, and the messages that say how a load or a save went.

Its own module so the screens, the workspace and the app all import it, and none imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from okrtui.method import cycle

if TYPE_CHECKING:  # the storage layer loads in the first worker, never before the first frame
    from okrtui.core.errors import OkrError
    from okrtui.method.health import MetricView
    from okrtui.method.lint import Finding
    from okrtui.method.views import DependencyView, PeriodReport, TeamView


@dataclass
class Snapshot:
    """Everything the screens show for one period, loaded in one worker."""

    report: PeriodReport
    me: str
    my_team: TeamView | None = None
    dependencies: list[DependencyView] = field(default_factory=list)
    reflections: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # of the user's own objectives
    load: int = 0  # the workspace's number of the load that made it: a stale load's snapshot is dropped
    metrics: list[MetricView] = field(default_factory=list)  # every health metric the user sees, as of today


def inbox_count(data: Snapshot) -> int:
    """What others asked of the user (approvals, changes, comments, dependency requests): the
    header's count. Due KRs are counted where they are acted on, in the check-in list."""
    conv = data.report.conversation
    if conv is None or not (conv.comments or conv.decisions or conv.reviews or data.dependencies):
        return 0
    return sum(1 for item in cycle.inbox(data.report, data.dependencies, data.me)
               if item.kind not in cycle.FOR_YOUR_INFORMATION)


class DataLoaded(Message):
    """A period was read (or one KR refreshed after a save): a new snapshot to show."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class MetricsLoaded(Message):
    """The health metrics were read before the first period (okrtui.storage.sqlite.quickread.Prefetch): the Health
    screen shows them while the period is still being read."""

    def __init__(self, metrics: list[MetricView]) -> None:
        super().__init__()
        self.metrics = metrics


class LoadFailed(Message):
    """A read failed (an outage): the shown snapshot stays."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class OpenFailed(Message):
    """The database cannot be opened at all: the app ends with this one line."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class SaveFailed(Message):
    """A save failed and its caller gave no handler of its own: the app shows why."""

    def __init__(self, error: OkrError) -> None:
        super().__init__()
        self.error = error
