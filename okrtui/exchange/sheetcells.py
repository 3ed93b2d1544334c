"""One spreadsheet cell as the value an okrtui field takes: text, number, share, date (docs/import.md).

Each reader returns the value or raises `Bad` with what is wrong and what was found, which the
row reader turns into `FILE:ROW:COLUMN: message`. Pure: no database, no files.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from okrtui.core.text import FORMULA_START
from okrtui.exchange.sheetread import Cell

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)
MAX_SERIAL = 2958465  # 9999-12-31
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


class Bad(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def shown(cell: Cell) -> str:
    """A cell as an error message quotes it: short, repr'd."""
    text = text_of(cell)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def text_of(cell: Cell) -> str:
    """Any cell as text: 5.0 is '5', a date its ISO day; an apostrophe okrtui's export put before text a
    spreadsheet would run as a formula is taken off."""
    if type(cell) is str:  # most cells: checked first
        if cell[:1] == "'" and cell[1:2] in ("'", *FORMULA_START):
            return cell[1:]
        return cell
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date | dt.time | int | float):
        return cell.isoformat() if not isinstance(cell, int | float) else str(cell)
    if cell.startswith("'") and cell[1:2] in ("'", *FORMULA_START) and len(cell) > 1:
        return cell[1:]
    return cell


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def number(cell: Cell, *, share: bool = False) -> float | None:
    """A number as people write it: 1200, '1,200', '45%' (45, or 0.45 for a share such as confidence)."""
    if type(cell) is str and PLAIN_NUMBER.match(cell) and math.isfinite(quick := float(cell)):
        return quick  # most number cells of a CSV file: 12, -3.5
    if blank(cell):
        return None
    if isinstance(cell, bool):
        raise Bad(f"expected a number, got {shown(cell)}")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = text_of(cell).strip().replace("\u00a0", "").replace(" ", "")
        percent = text.endswith("%")
        body = text[:-1] if percent else text
        if _THOUSANDS.match(body):
            body = body.replace(",", "")
        if not PLAIN_NUMBER.match(body):
            raise Bad(f"expected a number, got {shown(cell)}")
        value = float(body)
        if percent and share:
            value /= 100
    if not math.isfinite(value):
        raise Bad(f"expected a finite number, got {shown(cell)}")
    return value


def day(cell: Cell, order: str | None, fmt: str | None = None) -> dt.date | None:
    """A date: a workbook's date cell, ISO YYYY-MM-DD, an Excel serial number, `fmt` (strptime) when the
    map gives one, or 12/01/2026 read as `order` says ('dayfirst'/'monthfirst'; ambiguous without it)."""
    if blank(cell):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _serial(float(cell), cell)
    text = text_of(cell).strip()
    if fmt:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            raise Bad(f"expected a date like {fmt!r}, got {shown(cell)}") from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise Bad(f"no such day, got {shown(cell)}") from None
    if re.fullmatch(r"\d{1,7}(\.\d+)?", text):
        return _serial(float(text), cell)
    m = _SLASHED.match(text)
    if m is None:
        raise Bad(f"expected a date (YYYY-MM-DD, an Excel date, or 12/01/2026 with --dayfirst or --monthfirst), "
                  f"got {shown(cell)}")
    a, b = int(m.group(1)), int(m.group(2))
    if order is None:
        if a > 12 >= b:
            order = "dayfirst"
        elif b > 12 >= a:
            order = "monthfirst"
        elif a != b:
            raise Bad(f"ambiguous date {text!r}: day/month or month/day? (use --dayfirst or --monthfirst)")
        else:
            order = "dayfirst"
    from dateutil import parser  # python-dateutil reads the order the flag names

    try:
        parsed: dt.datetime = parser.parse(text, dayfirst=order == "dayfirst", yearfirst=False)
        return parsed.date()
    except (ValueError, OverflowError):
        raise Bad(f"no such day, got {shown(cell)}") from None


def _serial(value: float, cell: Cell) -> dt.date:
    if not (1 <= value <= MAX_SERIAL):
        raise Bad(f"expected a date, got {shown(cell)}")
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def word(cell: Cell) -> str:
    """An enum cell: 'In review' is 'in_review'."""
    return re.sub(r"[\s-]+", "_", text_of(cell).strip().lower())
