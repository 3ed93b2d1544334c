"""The review's history in words (okrtui.method.rounds): pure, no database."""

from __future__ import annotations

from dataclasses import dataclass

from okrtui.method import covers, rounds


@dataclass
class KR:
    id: str
    title: str
    kind: str = "increase"
    start: float | None = 0
    target: float | None = 10
    low: float | None = None
    high: float | None = None
    unit: str = ""
    weight: float = 1


@dataclass
class D:
    id: str
    origin: str
    verdict: str
    note: str
    basis: str
    content: str
    updated_at: str


def seen(title="Fast", krs=(), at="2026-11-20T09:00:00.000000Z"):
    return rounds.now(at, title, "team", "2026-Q4", "t-plat", krs)


def test_what_changed_reads_field_by_field():
    before = seen("Fast API", [KR("kr-1", "Requests per second", target=800), KR("kr-2", "p95 under 120 ms")])
    after = seen("Faster API", [KR("kr-1", "Requests per second", target=900), KR("kr-3", "Error budget")])
    assert rounds.changes(before, after) == ('title "Fast API" → "Faster API"',
                                             'KR "Requests per second": target 800 → 900',
                                             'KR added: "Error budget"', 'KR removed: "p95 under 120 ms"')
    renamed = seen("Fast API", [KR("kr-1", "RPS", target=800), KR("kr-2", "p95 under 120 ms", unit="ms")])
    assert rounds.changes(before, renamed) == ('KR "Requests per second" → "RPS"', 'KR "p95 under 120 ms": unit "" → "ms"')
    assert rounds.changes(before, before) == ()


def test_a_round_from_the_decisions_and_an_approval_snapshot_that_is_not_what_it_covers_is_not_shown():
    first = [KR("kr-1", "RPS", target=800)]
    second = [KR("kr-1", "RPS", target=900)]
    asked = D("d1", "p-ana", covers.CHANGES, "make it 900", "2026-11-20T09:00:00.000000Z/",
              covers.snapshot("2026-11-20T09:00:00.000000Z", "Fast", "team", "2026-Q4", "t-plat", first),
              "2026-11-21T09:00:00.000000Z")
    good = covers.snapshot("2026-11-22T09:00:00.000000Z", "Fast", "team", "2026-Q4", "t-plat", second)
    digest = covers.objective_digest("Fast", "team", "2026-Q4", "t-plat", second)
    approved = D("d2", "p-ana", covers.APPROVED, "", digest, good, "2026-11-23T09:00:00.000000Z")
    steps = rounds.history([approved, asked], "p-ben", "approved", seen(krs=second))
    assert [s.kind for s in steps] == ["submitted", covers.CHANGES, "resubmitted", covers.APPROVED]
    assert steps[2].changes == ('KR "RPS": target 800 → 900',) and steps[2].at.startswith("2026-11-22")
    forged = D("d2", "p-ana", covers.APPROVED, "", digest,
               covers.snapshot("", "Fast", "team", "2026-Q4", "t-plat", [KR("kr-1", "RPS", target=5)]),
               "2026-11-23T09:00:00.000000Z")
    steps = rounds.history([asked, forged], "p-ben", "approved", seen(krs=second))
    assert steps[2].recorded is False and rounds.lines(steps, str)[2].endswith("what changed was not recorded")


def test_a_hostile_snapshot_is_no_snapshot():
    for text in ("[" * 60_000, "{}", '{"content": [1, 2]}', "null", '{"content": ["a","b","c","d",[["x"]]]}', "x"):
        assert rounds.read(text) is None, text[:20]
