"""What the screens may ask of the storage layer, with the database bound: the screens' only way in.

Screens never see the engine or SQL: they hand `app.save` an action over these methods,
`app.save(lambda s: s.record_check_in(...), on_done=...)`, typed end to end (the result's type
reaches on_done); the workspace runs it in a worker and reports errors in one place. The storage modules are imported on
first use, so that the app's first frame never waits for SQLAlchemy.
"""

# Imports inside functions: each service loads its storage module on first use, never before the first frame.

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrtui.method import periods

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from okrtui.cycle.checkins import Saved
    from okrtui.cycle.editing import Closed
    from okrtui.cycle.metrics import Converted, Measured
    from okrtui.exchange.teamtrust import SyncResult


class Services:
    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine  # the open database (opened by the app's first load)

    # --- check-ins -----------------------------------------------------------------------------
    def record_check_in(self, kr_id: str, value: float, confidence: float | None, note: str, day: dt.date,
                        today: dt.date | None = None) -> Saved:
        """A new check-in, or the user's own of that day replaced (one per KR, author and day)."""
        from okrtui.cycle import checkins

        return checkins.record(self._engine(), kr_id, value, confidence=confidence, note=note, day=day,
                               today=today)

    def correct_check_in(self, check_in_id: str, value: float, confidence: float | None, note: str,
                         day: dt.date, today: dt.date | None = None) -> Saved:
        from okrtui.cycle import checkins

        return checkins.update(self._engine(), check_in_id, value, confidence=confidence, note=note, day=day,
                               today=today)

    def delete_check_in(self, check_in_id: str) -> None:
        from okrtui.cycle import checkins

        checkins.delete(self._engine(), check_in_id)

    # --- health metrics ----------------------------------------------------------------------------
    def record_measurement(self, metric_id: str, value: float, note: str, day: dt.date, today: dt.date,
                           fy_month: int = 1) -> Measured:
        from okrtui.cycle import metrics

        return metrics.record(self._engine(), metric_id, value, note=note, day=day, today=today,
                              fy_start_month=fy_month)

    def kr_to_metric(self, kr_id: str, today: dt.date) -> Converted:
        """The coach's offer (health-metric-as-kr): the KR becomes a health metric, in one transaction."""
        from okrtui.cycle import metrics

        return metrics.from_key_result(self._engine(), kr_id, today)

    # --- objectives, key results, links ---------------------------------------------------------
    def save_objective(self, span: periods.Span, values: dict[str, Any], objective_id: str | None,
                       today: dt.date) -> str:
        from okrtui.cycle import editing

        return editing.save_objective(self._engine(), span, values, objective_id, today)

    def save_key_result(self, values: dict[str, Any], kr_id: str | None, today: dt.date | None = None) -> str:
        from okrtui.cycle import editing

        return editing.save_key_result(self._engine(), values, kr_id, today)

    def delete(self, kind: str, ident: str) -> None:
        from okrtui.cycle import editing

        editing.delete(self._engine(), kind, ident)

    def move(self, kind: str, ident: str, step: int) -> None:
        from okrtui.cycle import editing

        editing.move(self._engine(), kind, ident, step)

    def add_dependency(self, from_id: str, to_id: str, note: str) -> str:
        from okrtui.cycle import editing

        return editing.add_dependency(self._engine(), from_id, to_id, note)

    # --- quarter end ------------------------------------------------------------------------------
    def set_self_score(self, kr_id: str, score: float | None, comment: str) -> None:
        from okrtui.cycle import editing

        editing.set_self_score(self._engine(), kr_id, score, comment)

    def save_reflections(self, span: periods.Span, answers: dict[str, str]) -> None:
        from okrtui.cycle import editing

        editing.save_reflections(self._engine(), span, answers)

    def close_quarter(self, span: periods.Span, carry: list[str], fy_month: int) -> Closed:
        from okrtui.cycle import editing

        return editing.close_quarter(self._engine(), span, carry, fy_month)

    def retitle_key_results(self, titles: dict[str, str]) -> int:
        from okrtui.cycle import editing

        return editing.retitle_key_results(self._engine(), titles)

    # --- the team -----------------------------------------------------------------------------------
    def save_team(self, values: dict[str, Any], new: bool) -> str:
        from okrtui.cycle import editing

        return editing.save_team(self._engine(), values, new=new).id

    def sync(self, path: Path, tell_limit: int | None = None, today: dt.date | None = None) -> SyncResult:
        from okrtui.exchange import sync
        from okrtui.storage.backend import of

        of(self._engine()).check_team_file()  # as `okrtui sync` does
        return sync.sync(self._engine(), path, tell_limit=tell_limit, today=today)

    # --- the conversation (okrtui.cycle.conversation) ----------------------------------------------------------
    def submit(self, objective_id: str, today: dt.date) -> str:
        from okrtui.cycle import conversation

        return conversation.submit(self._engine(), objective_id, today).message

    def approve(self, objective_id: str, note: str = "") -> str:
        from okrtui.cycle import conversation

        return conversation.approve(self._engine(), objective_id, note).message

    def request_changes(self, objective_id: str, note: str) -> str:
        from okrtui.cycle import conversation

        return conversation.request_changes(self._engine(), objective_id, note).message

    def comment(self, target_id: str, body: str, reply_to: str | None) -> str:
        from okrtui.cycle import conversation

        return conversation.add_comment(self._engine(), target_id, body, reply_to).id

    def edit_comment(self, comment_id: str, body: str) -> None:
        from okrtui.cycle import conversation

        conversation.edit_comment(self._engine(), comment_id, body)

    def delete_comment(self, comment_id: str) -> None:
        from okrtui.cycle import conversation

        conversation.delete_comment(self._engine(), comment_id)

    def answer_dependency(self, dependency_id: str, verdict: str, note: str) -> str:
        from okrtui.cycle import conversation

        return conversation.answer_dependency(self._engine(), dependency_id, verdict, note).message

    def mark_seen(self, item_ids: list[str]) -> int:
        from okrtui.cycle import conversation

        return conversation.mark_seen(self._engine(), item_ids)
