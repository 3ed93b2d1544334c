"""What the shared database's rule triggers (okrtui/storage/postgres/pgrules.py) cost an import, against the
same import with them dropped (the floor), in one run on one PostgreSQL 16 (pgserver):

    python bench/pg_rules.py          # about a minute on 2 cores

A person imports 2,000 KRs with 4 check-ins each (10,001 rows) into a fresh database, as
`okrtui import` does, with the rules and without; medians of RUNS.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from okrtui.cli import main  # noqa: E402
from okrtui.exchange import interchange  # noqa: E402
from okrtui.storage.backend import open_engine  # noqa: E402

RUNS, KRS = 3, 2_000
DOC = {"format": "okrtui/1", "objectives": [{"id": "o-big", "title": "Big", "period": "2026-Q4", "key_results": [
    {"id": f"kr-{i}", "title": "R", "kind": "increase", "start": 0, "target": 10,
     "check_ins": [{"id": f"c-{i}-{w}", "date": f"2026-10-0{1 + w}", "value": w} for w in range(4)]}
    for i in range(KRS)]}]}


def one(server, host: str, rules: bool) -> float:
    name = f"okr_bench_{uuid.uuid4().hex[:8]}"
    server.psql(f"CREATE DATABASE {name};")
    admin = f"postgresql://postgres@/{name}?host={host}"
    assert main(["admin", "init", "--db", admin]) == 0
    assert main(["admin", "add-person", "alice", "--name", "Alice", "--db", admin]) == 0
    if not rules:
        import psycopg

        with psycopg.connect(dbname=name, host=host, user="postgres", autocommit=True) as conn:
            for table, trigger in conn.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                                               "WHERE tgname LIKE 'okrtui_rule%'").fetchall():
                conn.execute(f'DROP TRIGGER "{trigger}" ON {table}')
    engine = open_engine(f"postgresql://alice@/{name}?host={host}")
    started = time.perf_counter()
    interchange.import_document(engine, DOC)
    took = time.perf_counter() - started
    engine.dispose()
    return took


def run() -> None:
    import pgserver

    with tempfile.TemporaryDirectory() as folder:
        server = pgserver.get_server(Path(folder) / "pgdata", cleanup_mode="stop")
        host = server.get_uri().split("host=", 1)[1]
        try:
            floor = statistics.median(one(server, host, rules=False) for _ in range(RUNS))
            ruled = statistics.median(one(server, host, rules=True) for _ in range(RUNS))
        finally:
            server.cleanup()
    print(f"import of {KRS * 5 + 1} rows as a person: {ruled:.2f} s with the rule triggers, "
          f"{floor:.2f} s without (floor); {ruled / floor:.2f}x")


if __name__ == "__main__":
    run()
