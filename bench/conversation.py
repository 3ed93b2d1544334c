"""What the conversation (okrtui.method.cycle) adds to a period read and to each TUI load: `python bench/conversation.py`.

A company database (bench/make_data.py) with a comment on every tenth KR and a reply to each,
a team in three asking for approval with its objectives in review, and every tenth
objective approved. Measures, in one process, the median of 5 reads of the period through
okrtui.storage.sqlite.quickread (the TUI's and reports' path) with the conversation, against the same read
with the conversation left out (the bare baseline), and the header's inbox count.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import STAMP, TODAY, make_db  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from okrtui.method import cycle  # noqa: E402
from okrtui.storage.backend import open_engine  # noqa: E402
from okrtui.storage.model import Comment, Decision  # noqa: E402
from okrtui.storage.sqlite import quickread  # noqa: E402


def talk(path: Path) -> int:
    """Comments, replies, approval teams and decisions into a made database; returns the comment count."""
    engine = open_engine(path)
    with engine.begin() as conn:
        krs = [r[0] for r in conn.execute(text("SELECT id FROM key_result ORDER BY id"))]
        base = {"created_at": STAMP, "updated_at": STAMP, "deleted": False}
        comments = []
        for i, kr in enumerate(krs[::10]):
            comments.append({**base, "id": f"cm-{i}", "origin": "p-00001", "target_type": "key_result",
                             "target_id": kr, "parent_id": None, "body": "what blocks this?"})
            comments.append({**base, "id": f"cm-{i}-r", "origin": "p-lead", "target_type": "key_result",
                             "target_id": kr, "parent_id": f"cm-{i}", "body": "the runner"})
        for i in range(0, len(comments), 20_000):
            conn.execute(insert(Comment.__table__), comments[i:i + 20_000])
        conn.execute(text("UPDATE team SET approval = true, lead_id = 'p-lead' WHERE CAST(substr(id, 3) AS INTEGER) % 3 = 0"))
        conn.execute(text("UPDATE objective SET status = 'in_review', submitted_at = :s WHERE team_id IN "
                          "(SELECT id FROM team WHERE approval)"), {"s": STAMP})
        approved = [r[0] for r in conn.execute(text("SELECT id FROM objective WHERE status = 'in_review'"))][::10]
        conn.execute(insert(Decision.__table__), [
            {**base, "id": f"dc-{o}", "origin": "p-lead", "subject_type": "objective", "subject_id": o,
             "verdict": "approved", "note": "", "basis": f"{STAMP}/x"} for o in approved] or [])
    engine.dispose()
    return len(comments)


def median(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from okrtui.tui.screens.talk import inbox_count
    from okrtui.tui.state import Snapshot

    print("| KRs | comments | period read, bare | with the conversation | ratio | inbox count |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for krs in (10_000, 50_000):
            path = make_db(Path(folder) / f"talk-{krs}.db", krs)
            said = talk(path)

            def read(path: Path = path) -> quickread.Read:
                got = quickread.read(path, None, TODAY, as_of=TODAY)
                assert got is not None
                return got

            with mock.patch.object(cycle, "load", lambda execute, me: cycle.Conversation()):
                bare = median(read)
            full = median(read)
            got = read()
            snap = Snapshot(got.report, got.me, None, got.dependencies)
            count = median(lambda snap=snap: inbox_count(snap))
            print(f"| {krs:,} | {said:,} | {bare * 1000:.0f} ms | {full * 1000:.0f} ms | {full / bare:.2f} | "
                  f"{count * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
