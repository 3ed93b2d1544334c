"""Health metrics in text, Markdown, CSV and JSON: `okrtui metric list` and the report's Health section."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from okrtui.core.text import csv_cell, fmt_num, json_safe, md_cell, plain
from okrtui.method.health import MetricView

CSV_HEADER = ["metric_id", "name", "unit", "owner", "team", "cadence", "expectation", "low", "high", "status",
              "due", "latest_date", "latest_value", "streak"]


def report_metrics(views: Sequence[MetricView], me: str, team: bool) -> list[MetricView]:
    """The metrics `report` (and the HTML page) shows: with `team` (`--team`), the shared ones only (a
    private one stays out, as a private objective); else the reader's own (measured or made by them)."""
    if team:
        return [v for v in views if v.visibility == "shared"]
    return [v for v in views if me in (v.answers_id, v.origin)]


def metric_json(v: MetricView) -> dict[str, Any]:
    h = v.health
    return {
        "id": v.id, "name": v.name, "unit": v.unit, "owner": v.owner, "team": v.team_id, "cadence": v.cadence,
        "expectation": {"kind": v.expect.kind, "low": v.expect.low, "high": v.expect.high},
        "status": h.state.value, "due": h.due, "streak": h.streak,
        "latest": None if h.latest is None else {"date": h.latest.date.isoformat(), "value": h.latest.value},
        "visibility": v.visibility, "since": v.since.isoformat(),
        "archived_on": v.archived_on.isoformat() if v.archived_on else None, "improved_by": list(v.improved_by),
    }


def to_json(views: Sequence[MetricView]) -> str:
    return json_safe(json.dumps({"metrics": [metric_json(v) for v in views]}, indent=2, ensure_ascii=False)) + "\n"


def line(v: MetricView) -> str:
    """One metric on one line: the mark reads without colour (✓ healthy, ✗ unhealthy, · no data, ! due)."""
    streak = v.health.streak_text()
    return (f"{v.health.mark} {plain(v.name)}  {plain(v.latest_text)} vs {plain(v.expectation_text)}  "
            f"{v.health.label()}{f'  ({streak})' if streak else ''}  {v.id}")


def to_text(views: Sequence[MetricView]) -> str:
    if not views:
        return "no health metrics\n"
    return "".join(line(v) + "\n" for v in views)


def csv_rows(views: Sequence[MetricView]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for v in views:
        h = v.health
        rows.append([v.id, v.name, v.unit, v.owner, v.team_id or "", v.cadence, v.expect.kind,
                     "" if v.expect.low is None else v.expect.low, "" if v.expect.high is None else v.expect.high,
                     h.state.value, "yes" if h.due else "no", h.latest.date.isoformat() if h.latest else "",
                     h.latest.value if h.latest else "", h.streak])
    return rows


def to_csv(views: Sequence[MetricView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([csv_cell(c) for c in row] for row in csv_rows(views))
    return out.getvalue()


def section_text(views: Sequence[MetricView]) -> str:
    """The report's Health section (nothing when there are no metrics)."""
    if not views:
        return ""
    return "\nHealth\n" + "".join("  " + line(v) + "\n" for v in views)


def section_markdown(views: Sequence[MetricView]) -> str:
    if not views:
        return ""
    out = ["", "## Health", "", "| | metric | latest | expected | status | owner |", "| --- | --- | --- | --- | --- | --- |"]
    for v in views:
        streak = v.health.streak_text()
        out.append(f"| {v.health.mark.strip()} | {md_cell(v.name)} | {md_cell(v.latest_text)} | "
                   f"{md_cell(v.expectation_text)} | {v.health.label()}{f' ({streak})' if streak else ''} | "
                   f"{md_cell(v.owner)} |")
    return "\n".join(out) + "\n"


def history_lines(unit: str, rows: Sequence[tuple[str, str, float, str, str]]) -> list[str]:
    """`okrtui metric history`: (id, date, value, by, note) oldest first."""
    u = f" {unit}" if unit else ""
    out = []
    for mid, day, value, by, note in rows:
        who = f"  by {plain(by)}" if by else ""
        out.append(f"  {mid}  {day}  {fmt_num(value):>10}{plain(u)}{who}{f'  {plain(note)}' if note else ''}")
    return out or ["  no measurements yet"]
