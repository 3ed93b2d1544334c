"""The threat matrix in docs/security.md is kept honest: every test a cell names exists.

A cell is either `n/a: why` or one or more `module::test` references, separated by commas;
`module` is a file in tests/attacks/ without its `test_` prefix and `.py` suffix."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REF = re.compile(r"([a-z_]+)::(test_[A-Za-z0-9_]+)")


def matrix_rows():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    block = text.split("<!-- matrix -->", 1)[1].split("<!-- /matrix -->", 1)[0]
    lines = [line for line in block.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return header, [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def defined_tests(module):
    path = ROOT / "tests" / "attacks" / f"test_{module}.py"
    if not path.exists():
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_the_matrix_has_every_entry_point_as_a_column():
    header, _ = matrix_rows()
    assert header == ["rule", "tui", "cli", "import", "sheet", "sync_line", "sync_db", "merge_driver",
                      "newcomer", "sql_person", "dba_role", "serve"]


def test_every_test_a_cell_names_exists_and_every_cell_says_something():
    header, rows = matrix_rows()
    missing = []
    for row in rows:
        assert len(row) == len(header), f"row {row[0]!r} has {len(row)} cells, not {len(header)}"
        for column, cell in zip(header[1:], row[1:], strict=True):
            assert cell, f"the cell ({row[0]}, {column}) is empty"
            if cell.lower().startswith("n/a"):
                continue
            refs = REF.findall(cell)
            assert refs, f"the cell ({row[0]}, {column}) names no test: {cell!r}"
            missing += [f"{m}::{t}" for m, t in refs if t not in defined_tests(m)]
    assert not missing, f"the matrix names tests that do not exist: {missing}"
