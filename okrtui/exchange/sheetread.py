"""Cells from a CSV file or an XLSX workbook, read as data (docs/import.md).

Nothing here knows OKRs: a file becomes a `Table` of raw cells with their row numbers as a
spreadsheet shows them. Formulas are read as their text, never evaluated; limits are checked
before the file is parsed (a zip bomb, a 100 MB sheet, a million rows are refused in one line).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrtui.core.errors import OkrError
from okrtui.core.text import plain

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | None

MAX_BYTES = 100 * 2**20  # a CSV file, or the uncompressed size of a workbook's parts
MAX_ROWS = 200_000  # data rows in one sheet; a 10,000-KR plan is 10,000 rows
MAX_RATIO = 200  # a zip member expanding more than this from its compressed size is a bomb
MAX_MEMBERS = 2_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE2 files
_ASK = "save it from your spreadsheet as .xlsx (Excel Workbook) or CSV UTF-8 and import that"


@dataclass
class Table:
    """One sheet: its rows as (row number, cells), blank rows left out, the header among them."""

    source: str  # the file name (and sheet) that errors start with
    rows: list[tuple[int, list[Cell]]]
    notes: list[str] = field(default_factory=list)


def kind_of(path: Path, head: bytes) -> str:
    """'json', 'xlsx' or 'csv', by content; other spreadsheet formats are refused naming what to export."""
    name = plain(path.name)
    if head.startswith(OLE_MAGIC):
        raise OkrError(f"{name} is an Excel 97-2003 (.xls) file, which okrtui does not read: {_ASK}")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"  # its structure is checked when it is opened (odf, numbers: refused there)
    if path.is_dir() and path.suffix.lower() == ".numbers":
        raise OkrError(f"{name} is an Apple Numbers document: in Numbers, File > Export To > Excel or CSV, "
                       "then import that")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and text.startswith((b"{", b"["))):
        return "json"  # text named .json, or opening like JSON: the okrtui/1 reader and its messages
    return "csv"


def read_head(path: Path) -> bytes:
    try:
        if path.is_dir() and path.suffix.lower() != ".numbers":
            raise OkrError(f"{plain(str(path))} is a directory, not a document")
        if path.is_dir():
            return b""
        with path.open("rb") as f:
            return f.read(4096)  # enough to see past a BOM and blank lines to a JSON document's `{`
    except FileNotFoundError:
        raise OkrError(f"no such file: {plain(str(path))}") from None
    except PermissionError:
        raise OkrError(f"cannot read {plain(str(path))}: permission denied") from None


# --- CSV ------------------------------------------------------------------------------------------

def read_csv(path: Path, encoding: str | None = None) -> Table:
    name = plain(path.name)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise OkrError(f"{name} is {size // 2**20} MiB; a sheet may be at most {MAX_BYTES // 2**20} MiB")
    raw = path.read_bytes()
    text = decode(raw, name, encoding)
    if not text.strip():
        raise OkrError(f"{name} is empty")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Excel writes ';' in some locales, tabs as UTF-16
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is a spreadsheet's row (a quoted cell may hold line breaks): numbered as Excel shows it.
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                rows.append((number, list(cells)))
                if len(rows) > MAX_ROWS:
                    raise OkrError(f"{name} has more than {MAX_ROWS:,} rows; split it into smaller files")
    except csv.Error as err:
        raise OkrError(f"{name}:{reader.line_num}: not a readable CSV line ({err})") from None
    return Table(name, rows)


def decode(raw: bytes, name: str, encoding: str | None) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with its BOM; any other encoding only when named."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise OkrError(f"unknown encoding {plain(encoding)!r} (e.g. utf-8, utf-16, cp1252)") from None
        chosen = encoding
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        chosen = "utf-16"
    else:
        chosen = "utf-8-sig"
    try:
        return raw.decode(chosen)
    except UnicodeDecodeError as err:
        row = raw[:err.start].count(b"\n") + 1
        byte = raw[err.start]
        hint = "; try --encoding cp1252" if encoding is None else ""
        shown = "UTF-8" if chosen == "utf-8-sig" else chosen
        raise OkrError(f"{name}: row {row}: byte 0x{byte:02x} is not {shown}{hint}") from None


# --- XLSX -------------------------------------------------------------------------------------------

def check_zip(path: Path) -> None:
    """Refuse before openpyxl parses anything: not a workbook, too many parts, too big unpacked, a bomb."""
    name = plain(path.name)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names and len(infos) < MAX_MEMBERS else b""
    except zipfile.BadZipFile:
        raise OkrError(f"{name} looks like a zip file but cannot be read as one (damaged or not a workbook)") from None
    if b"opendocument" in mimetype:
        raise OkrError(f"{name} is an OpenDocument spreadsheet (.ods), which okrtui does not read: {_ASK}")
    if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
        raise OkrError(f"{name} is an Apple Numbers document: in Numbers, File > Export To > Excel or CSV, "
                       "then import that")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise OkrError(f"{name} is a zip file but not an Excel workbook (.xlsx): {_ASK}")
    if len(infos) > MAX_MEMBERS:
        raise OkrError(f"{name} holds {len(infos):,} parts; a workbook may hold at most {MAX_MEMBERS:,}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise OkrError(f"{name} looks like a zip bomb: {plain(info.filename)} unpacks "
                           f"{info.file_size // max(info.compress_size, 1):,} times larger; refused")
    if total > MAX_BYTES:
        raise OkrError(f"{name} unpacks to {total // 2**20} MiB; a workbook may be at most {MAX_BYTES // 2**20} MiB")


def read_xlsx(path: Path, sheet: str | None = None, *, optional: bool = False) -> Table | None:
    """One sheet (the first, or `sheet`); its formulas as their text. None if `optional` and it is absent."""
    from openpyxl import load_workbook  # 0.1 s: only for a workbook

    name = plain(path.name)
    handle = path.open("rb")  # a file object: openpyxl would refuse a workbook by its file name's extension
    try:
        wb = load_workbook(handle, read_only=True, data_only=False)
    except Exception as err:  # openpyxl raises many kinds for a damaged workbook: one line for all
        handle.close()
        raise OkrError(f"{name} cannot be read as a workbook: {type(err).__name__}") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        elif optional:
            return None
        else:
            raise OkrError(f"{name} has no sheet {plain(sheet)!r} (it has {', '.join(map(plain, wb.sheetnames))})")
        source = name if sheet is None else f"{name}[{plain(ws.title)}]"
        if (ws.max_row or 0) > MAX_ROWS + 100:
            raise OkrError(f"{source} has {ws.max_row:,} rows; a sheet may have at most {MAX_ROWS:,}")
        rows: list[tuple[int, list[Cell]]] = []
        formulas = 0
        for number, cells in _rows(ws):
            values: list[Cell] = []
            for cell in cells:
                value = cell.value
                if getattr(cell, "data_type", None) == "f":
                    formulas += 1
                    value = str(value)
                values.append(value)
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                rows.append((number, values))
                if len(rows) > MAX_ROWS:
                    raise OkrError(f"{source} has more than {MAX_ROWS:,} rows; split it into smaller files")
        table = Table(source, rows)
        if formulas:
            table.notes.append(f"{source}: {formulas} formula cell{'s' if formulas != 1 else ''} read as "
                               "their formula text, not the values Excel cached")
        return table
    finally:
        wb.close()
        handle.close()


def _rows(ws: object) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # read-only mode yields every row from the first, gaps filled with empty cells
    yield from enumerate(ws.iter_rows(), start=1)  # type: ignore[attr-defined]
