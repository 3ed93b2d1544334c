"""docs/postgres.md names the schema version `admin init` reports: this release's, never a stale one."""

import re
from pathlib import Path

from okrtui.storage.migrations import LATEST

DOC = Path(__file__).resolve().parents[2] / "docs" / "postgres.md"


def test_the_postgres_docs_name_the_current_schema_version():
    text = DOC.read_text(encoding="utf-8")
    assert f"schema created at version {LATEST}`" in text and f"schema\n  already at version {LATEST}`" in text
    assert f"this release's\n  schema is version {LATEST}," in text
    named = {int(n) for n in re.findall(r"(?:at|schema is) version (\d+)", text)}
    assert named == {LATEST}, named
