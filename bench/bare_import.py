"""The import baseline: parse an okrtui/1 document with the standard library's json and insert the
same rows as `okrtui import` (every column) in one transaction, with sqlite3 or psycopg executemany.

    python bench/bare_import.py DOC.json FILE.db
    python bench/bare_import.py DOC.json postgresql://LOGIN@/DB?host=…

The target database already has okrtui's schema (an empty okrtui database; on PostgreSQL set up
by `admin init`, with the document's people added, connected to as the person "lead"). No checks,
no upserts: the floor a bulk import is measured against.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

STAMP = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
ME = "p-lead"
COLUMNS = {
    "person": ("id", "origin", "created_at", "updated_at", "deleted", "name", "email"),
    "team": ("id", "origin", "created_at", "updated_at", "deleted", "name", "mission", "vision"),
    "period": ("id", "origin", "created_at", "updated_at", "deleted", "start", "end"),
    "objective": ("id", "origin", "created_at", "updated_at", "deleted", "title", "description", "level", "team_id",
                  "owner_id", "period_id", "parent_id", "status", "visibility", "position", "activated_on"),
    "key_result": ("id", "origin", "created_at", "updated_at", "deleted", "objective_id", "title", "owner_id", "kind",
                   "unit", "start", "target", "low", "high", "weight", "self_score", "score_comment", "position"),
    "check_in": ("id", "origin", "created_at", "updated_at", "deleted", "kr_id", "date", "value", "confidence", "note",
                 "author_id"),
}


def rows(doc: dict) -> dict[str, list[tuple]]:
    env = (ME, STAMP, STAMP, False)
    out: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
    for p in doc.get("people", []):
        out["person"].append((p["id"], *env, p.get("name", ""), p.get("email", "")))
    for t in doc.get("teams", []):
        out["team"].append((t["id"], *env, t.get("name", ""), t.get("mission", ""), t.get("vision", "")))
    labels = set()
    for i, o in enumerate(doc.get("objectives", [])):
        labels.add(o["period"])
        out["objective"].append((o["id"], *env, o["title"], o.get("description", ""), o.get("level", "personal"),
                                 o.get("team"), o.get("owner"), o["period"], o.get("parent"),
                                 o.get("status", "active"), o.get("visibility", "shared"), i, o.get("activated_on")))
        for j, k in enumerate(o.get("key_results", [])):
            out["key_result"].append((k["id"], *env, o["id"], k["title"], k.get("owner"), k["kind"], k.get("unit", ""),
                                      k.get("start"), k.get("target"), k.get("low"), k.get("high"),
                                      float(k.get("weight", 1)), k.get("self_score"), k.get("score_comment", ""), j))
            for c in k.get("check_ins", []):
                out["check_in"].append((c["id"], *env, k["id"], c["date"], float(c["value"]), c.get("confidence"),
                                        c.get("note", ""), c.get("author")))
    for label in sorted(labels):  # YYYY-Qn, calendar quarters
        year, q = int(label[:4]), int(label[-1])
        start = dt.date(year, 3 * q - 2, 1)
        end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1))
        out["period"].append((label, *env, start.isoformat(), end.isoformat()))
    return out


def main() -> None:
    doc_path, target = sys.argv[1], sys.argv[2]
    with open(doc_path, encoding="utf-8") as f:
        doc = json.load(f)
    data = rows(doc)
    if target.startswith("postgresql://"):
        import psycopg

        conn = psycopg.connect(target)
        mark = "%s"
    else:
        import sqlite3

        conn = sqlite3.connect(target)  # type: ignore[assignment]
        mark = "?"
    with conn:
        cur = conn.cursor()
        for table, columns in COLUMNS.items():
            if table == "person" and mark == "%s":
                continue  # on PostgreSQL the admin added every person; okrtui's import leaves them unchanged
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join([mark] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", data[table])  # type: ignore[arg-type]
    conn.close()


if __name__ == "__main__":
    main()
