"""Workbooks and CSV files okrtui writes: `export --format xlsx` and `okrtui template` (docs/import.md).

Text is written as text: a cell that starts with `= + - @` is a string cell in a workbook, never a
formula, and gets the apostrophe in a CSV file (okrtui.core.text.csv_cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from okrtui.core.text import csv_cell, plain
from okrtui.method.render import CSV_COLUMNS, csv_rows
from okrtui.method.views import PeriodReport

CHECK_IN_COLUMNS = ["kr_id", "date", "value", "confidence", "note"]
REFLECTION_COLUMNS = ["period", "question", "answer"]

# What each column of the sheet means; the template's notes sheet and docs/import.md say the same.
NOTES: list[tuple[str, str]] = [
    ("period", "a quarter (2026-Q3, or Q3 2026) or a custom period's id; left out: this quarter"),
    ("objective_id", "optional: the objective's id; rows without one are grouped by title within a period"),
    ("objective", "the objective's title (required); a blank cell continues the objective of the row above"),
    ("level", "company, team or personal (default personal)"),
    ("objective_owner", "a person's id, email or name; someone not known is made as a new person"),
    ("status", "draft, in_review, active, closed or archived (default active; a team that asks for approval: "
               "draft)"),
    ("parent", "optional: the parent objective's id or title"),
    ("team", "optional: the team's id"),
    ("kr_id", "optional: the key result's id"),
    ("key_result", "the key result's title; a row without one is an objective with no KR"),
    ("kr_owner", "a person's id, email or name"),
    ("kind", "increase, decrease, range, baseline or milestone; blank: inferred from the numbers"),
    ("unit", "what is counted: %, users, ms … (a baseline needs one)"),
    ("start", "where an increase or decrease starts (45%, 1,200 are read as numbers)"),
    ("target", "where it should end"),
    ("low", "a range's lower bound"),
    ("high", "a range's upper bound"),
    ("weight", "the KR's weight in its objective (default 1)"),
    ("self_score", "the owner's own score at the end, 0..1 or 0%..100%"),
]
TEMPLATE_COLUMNS = [name for name, _ in NOTES]
CHECK_IN_NOTES: list[tuple[str, str]] = [
    ("kr_id", "the key result's id, as in the kr_id column"),
    ("date", "YYYY-MM-DD, an Excel date, or 12/01/2026 with --dayfirst or --monthfirst"),
    ("value", "the value measured (a milestone: 1 when done)"),
    ("confidence", "0..1 or 0%..100% (optional)"),
    ("note", "optional"),
]


def template_rows(period: str) -> list[list[Any]]:
    """One example objective with two KRs, in TEMPLATE_COLUMNS' order."""
    base = [period, "o-onboarding", "Make onboarding effortless", "team", "", "draft", "", ""]
    return [
        base + ["kr-activation", "Raise week-1 activation", "", "increase", "%", 31, 45, None, None, 1, None],
        base + ["kr-setup-time", "Cut time to first report", "", "decrease", "min", 90, 30, None, None, 1, None],
    ]


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def workbook(sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx of these sheets (name, header, rows), every text cell a string, never a formula."""
    from openpyxl import Workbook  # only when a workbook is written

    # Not write_only: that mode writes inline strings, which read back three times slower than the
    # shared strings Excel writes.
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append(list(header))
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                if not isinstance(value, dt.date | bool | int | float):
                    value = plain(str(value))
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl makes '=…' a formula: this is text
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_workbook(reports: list[PeriodReport], reflections: list[dict[str, str]]) -> bytes:
    """`export --format xlsx`: the CSV's columns, the check-ins, the reflections."""
    rows = [row for rep in reports for row in csv_rows(rep)]
    check_ins = [[kr.id, c.date, c.value, c.confidence, c.note]
                 for rep in reports for o in rep.objectives for kr in o.key_results for c in kr.check_ins]
    answers = [[rep.period.label, q, a] for rep, given in zip(reports, reflections, strict=True)
               for q, a in sorted(given.items())]
    return workbook([("okrs", CSV_COLUMNS, rows), ("check_ins", CHECK_IN_COLUMNS, check_ins),
                     ("reflections", REFLECTION_COLUMNS, answers)])


def template_workbook(period: str) -> bytes:
    return workbook([("okrs", TEMPLATE_COLUMNS, template_rows(period)),
                     ("check_ins", CHECK_IN_COLUMNS, []),
                     ("notes", ["column", "what it holds"], NOTES + [(f"check_ins: {n}", t) for n, t in CHECK_IN_NOTES])])


def template_notes_csv() -> str:
    return to_csv(["column", "what it holds"], NOTES + [(f"check_ins: {n}", t) for n, t in CHECK_IN_NOTES])
