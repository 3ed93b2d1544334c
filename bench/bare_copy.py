"""The PostgreSQL import floor: parse an okrtui/1 document with the standard library's json and load
the same rows as `okrtui import` writes (every column) with psycopg's COPY, in one transaction.

    python bench/bare_copy.py DOC.json postgresql://OWNER@/DB?host=…

The database already has okrtui's schema (`admin init`, the document's people added by the admin)
and empty OKR tables. COPY FROM is refused for a table whose row-level security applies to the
caller, so the floor connects as the database's owner (a superuser here, whom no policy binds): no
checks, no policies, no upserts, PostgreSQL's own fastest way in (bench/pg_import.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bare_import import COLUMNS, rows


def main() -> None:
    import psycopg

    doc_path, target = sys.argv[1], sys.argv[2]
    with open(doc_path, encoding="utf-8") as f:
        doc = json.load(f)
    data = rows(doc)
    with psycopg.connect(target) as conn, conn.cursor() as cur:
        for table, columns in COLUMNS.items():
            if table == "person":
                continue  # the admin added every person; okrtui's import leaves them unchanged
            names = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in data[table]:
                    copy.write_row(row)
    # leaving the connection's block commits


if __name__ == "__main__":
    main()
