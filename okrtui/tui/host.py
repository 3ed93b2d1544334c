"""What the screens and dialogs ask of the app that hosts them.

Screens type `self.app` with this (screens/base.py), not with OkrApp: the app builds on the
screens, so a screen naming the app, even for a type, closed a circle (app → screens → app).
tests/test_imports.py fails when a screen or widget imports okrtui.tui.app, type-only imports
included; app.py checks, for mypy, that OkrApp is a ScreenHost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable
    from pathlib import Path

    from okrtui.config import Config
    from okrtui.core.errors import OkrError
    from okrtui.method.health import MetricView
    from okrtui.method.periods import Span
    from okrtui.tui.services import Services
    from okrtui.tui.state import Snapshot

T = TypeVar("T")


class ScreenHost(Protocol):
    """The app as a screen sees it: the snapshot and its period, the day, the settings and keys,
    saving through the services, and the read-only session's refusals."""

    cfg: Config
    keymap: dict[str, str]  # [keys], as checked: binding id → keys
    config_path: Path | None  # where a changed theme is remembered
    read_only: bool

    @property
    def data(self) -> Snapshot | None: ...

    @property
    def metrics(self) -> list[MetricView] | None:
        """The health metrics shown: the snapshot's, or those read ahead of the first period."""

    @property
    def span(self) -> Span: ...

    @property
    def today(self) -> dt.date: ...

    def check_team_file(self) -> None:
        """OkrError when this database has no place for a team file (a shared one)."""

    def save(self, action: Callable[[Services], T], on_done: Callable[[T], object] | None = None,
             on_error: Callable[[OkrError], object] | None = None, kr_id: str | None = None) -> None:
        """`action(services)` in a worker, then the refresh (Workspace.save)."""

    def warm_storage(self) -> None:
        """A form is open: open the database while the user types."""

    def hold_read_ahead(self) -> None:
        """A screen is drawing what was read ahead of the first period: that period's read waits
        (Workspace.hold_read_ahead) until `release_read_ahead`."""

    def release_read_ahead(self) -> None:
        """The screen has drawn: the first period's read goes on."""

    def refuses(self, owner: type, action: str) -> bool:
        """A read-only session refuses `action` of `owner` (a screen or dialog class)."""

    def refuse_write(self) -> None:
        """Say once that this session is read-only."""

    def show_guide(self) -> None:
        """Open the coach's drafting guide."""

    async def hand_out_keys(self) -> None:
        """Hand the keys held for a dialog to it, once it is drawn (screens/keyline.py)."""

    def drop_held_keys(self) -> int:
        """Forget the keys held (a form's save failed); how many there were."""
