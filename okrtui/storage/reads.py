"""The one definition of each read both drivers run: the period, one KR's check-ins, the reflections,
and the conversation's records (comments, decisions, what was seen; the inbox is read from them).

The SQL below uses named parameters only and runs unchanged through `sqlite3` (okrtui.storage.sqlite.quickread,
no SQLAlchemy) and through SQLAlchemy's `text()` (okrtui.cycle.ormread: SQLite or PostgreSQL). Rows are
taken by column name and converted here, so both paths hand `views.assemble` the same values.
Every query has a total ORDER BY: equal results never depend on the database's whim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from okrtui.method import cycle, periods
from okrtui.method.views import (
    CHECK_IN_COLUMNS,
    DEPENDENCY_COLUMNS,
    KR_COLUMNS,
    OBJECTIVE_COLUMNS,
    TEAM_COLUMNS,
    CheckInView,
    DependencyView,
    PeriodReport,
    TeamView,
    assemble,
    by_kr,
)

if TYPE_CHECKING:  # the owner histories (and json) load with the first KR that has one, not before the TUI's first frame
    from okrtui.method import owners

# A query runner: SQL and its named parameters (dates as dt.date) → the result's column names and
# its rows. quickread's runs sqlite3, report's runs SQLAlchemy text() on the session's connection.
Run = Callable[[str, dict[str, Any]], tuple[Sequence[str], Iterable[Sequence[Any]]]]


@dataclass
class Read:
    span: periods.Span
    me: str
    report: PeriodReport
    dependencies: list[DependencyView]
    reflections: dict[str, str]


def _cols(table: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{table}.{name}" for name in names)


def _live(own: bool) -> str:
    """The period's live objectives (the caller's own only when `own`)."""
    return "o.period_id = :period AND NOT o.deleted" + (" AND o.origin = :me" if own else "")


PERIOD = 'SELECT start, "end" FROM period WHERE id = :label AND NOT deleted'
PEOPLE = "SELECT id, name FROM person ORDER BY id"
TEAMS = f"SELECT {', '.join(TEAM_COLUMNS)} FROM team WHERE NOT deleted ORDER BY id"
DEPENDENCIES = f"SELECT {', '.join(DEPENDENCY_COLUMNS)} FROM dependency WHERE NOT deleted ORDER BY created_at, id"
# One person's answers in one period (the reflection form, reports), and everyone's the reader may see
# (okrtui.method.cycle.led_reflections: a lead reads their members').
REFLECTIONS = ("SELECT question, answer FROM reflection WHERE person_id = :me AND period_id = :period "
               "AND NOT deleted ORDER BY question, id")
ALL_REFLECTIONS = ("SELECT person_id, period_id, question, answer FROM reflection WHERE NOT deleted "
                   "ORDER BY person_id, period_id, question, id")
# The conversation's records (okrtui.method.cycle): teams' approval rules, comments, decisions, and
# what the reader has seen (the inbox leaves those out).
TEAM_RULES = "SELECT id, approval, lead_id, origin FROM team WHERE NOT deleted ORDER BY id"
COMMENTS = ("SELECT id, origin, target_type, target_id, parent_id, body, created_at, updated_at "
            "FROM comment WHERE NOT deleted ORDER BY created_at, id")
DECISIONS = ("SELECT id, origin, subject_type, subject_id, verdict, note, basis, updated_at, content "
             "FROM decision WHERE NOT deleted ORDER BY updated_at, id")
SEEN = "SELECT item_id FROM seen WHERE person_id = :me ORDER BY item_id"
# A check-in counts only when its writer answered for its KR on the check-in's day (okrtui.method.owners):
# every member computes the same from the same records (docs/team.md). A KR without an owner history
# has had its owner (else its maker) since the start: SQL decides those. A KR with a history passes
# all its check-ins, each with its writer, and owners.counted decides in Python (both databases alike).
COUNTS = "c.origin = COALESCE(NULLIF(k.owner_id, ''), k.origin)"
COUNTS_OR_HISTORY = f"(k.owner_history IS NOT NULL OR {COUNTS})"
# One KR's live check-ins from :start to :last, oldest first, each with its writer and what decides
# whether it counts (the KR's owner history, owner and maker): the refresh after a save, the check-in
# service's outcome (both drivers), and `okrtui history` (which lists the others' too).
KR_CHECK_INS = (f"SELECT {_cols('c', CHECK_IN_COLUMNS)}, k.owner_history, k.owner_id AS kr_owner, "
                "k.origin AS kr_origin, c.origin AS writer FROM check_in c JOIN key_result k ON c.kr_id = k.id "
                "WHERE c.kr_id = :kr AND NOT c.deleted "
                "AND c.date >= :start AND c.date <= :last ORDER BY c.date, c.created_at, c.id")


def objectives_sql(own: bool) -> str:
    return f"SELECT {_cols('o', OBJECTIVE_COLUMNS)} FROM objective o WHERE {_live(own)} ORDER BY o.position, o.id"


def key_results_sql(own: bool) -> str:
    # Joined by period, not by an IN list: a company's KRs outgrow SQLite's bound-variable limit.
    return (f"SELECT {_cols('k', KR_COLUMNS)}, k.owner_history FROM key_result k "
            f"JOIN objective o ON k.objective_id = o.id "
            f"WHERE {_live(own)} AND NOT k.deleted ORDER BY k.objective_id, k.position, k.id")


def check_ins_sql(own: bool, notes: bool = True, history: bool = False) -> str:
    """The period's check-ins that count; with `history` (some KR has an owner history), those KRs'
    check-ins all, each with its writer last, for owners.counted."""
    columns = _cols("c", CHECK_IN_COLUMNS) if notes else "c.kr_id, '' AS id, c.date, c.value, c.confidence, '' AS note"
    if history:
        columns += ", c.origin AS writer"
    return (f"SELECT {columns} FROM check_in c JOIN key_result k ON c.kr_id = k.id "
            f"JOIN objective o ON k.objective_id = o.id WHERE {_live(own)} AND NOT k.deleted AND NOT c.deleted "
            f"AND {COUNTS_OR_HISTORY if history else COUNTS} AND c.date >= :start AND c.date <= :last "
            "ORDER BY c.kr_id, c.date, c.created_at, c.id")


def histories(names: Sequence[str], rows: list[Sequence[Any]]) -> dict[str, tuple[owners.History, str | None, str]]:
    """KR id → (owner history, owner, maker) of the KR rows that have a history."""
    at = list(names)
    i, h, w, m = at.index("id"), at.index("owner_history"), at.index("owner_id"), at.index("origin")
    handed = [row for row in rows if row[h] is not None]
    if not handed:
        return {}
    from okrtui.method import owners  # json: only for a KR handed over (start-up, docs/performance.md)

    return {row[i]: (owners.parse(row[h]), row[w], row[m]) for row in handed}


# --- values, by column name ---------------------------------------------------------------

def _date(value: Any) -> dt.date | None:
    """SQLite gives ISO text, PostgreSQL a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


CONVERT: dict[str, Callable[[Any], Any]] = {
    "activated_on": _date, "start": _float, "target": _float, "low": _float, "high": _float, "weight": float,
    "self_score": _float, "value": float, "confidence": _float,
}


def by_name(names: Sequence[str], rows: Iterable[Sequence[Any]], columns: tuple[str, ...],
            convert: dict[str, Callable[[Any], Any]] | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows as tuples in `columns` order, each value taken by its column's name and converted."""
    convert = CONVERT if convert is None else convert
    at = [list(names).index(c) for c in columns]
    if at == list(range(len(names))) and not any(c in convert for c in columns):
        return iter(cast(Iterable[tuple[Any, ...]], rows))  # already in order: sqlite3 tuples, SQLAlchemy Rows
    # One compiled function per query, not a loop per value: 20,000 KRs cost what slicing did.
    env = {f"f{i}": convert[c] for i, c in enumerate(columns) if c in convert}
    parts = [f"f{i}(r[{j}])" if f"f{i}" in env else f"r[{j}]" for i, j in enumerate(at)]
    shape: Callable[[Sequence[Any]], tuple[Any, ...]] = eval(f"lambda r: ({', '.join(parts)},)", env)
    return map(shape, rows)


class _Days(dict[Any, dt.date]):
    """Stored day → date, each parsed once: a quarter has 92 days, a company 10^5 check-ins."""

    def __missing__(self, key: Any) -> dt.date:
        day = self[key] = key if isinstance(key, dt.date) else dt.date.fromisoformat(key)
        return day


# --- the reads ----------------------------------------------------------------------------

def span(run: Run, label: str | None, today: dt.date, fy_month: int) -> periods.Span | None:
    """The period `label` (None: the quarter of today), or None for an unknown custom period."""
    def stored(custom: str) -> tuple[dt.date, dt.date] | None:
        _, rows = run(PERIOD, {"label": custom})
        row = next(iter(rows), None)
        if row is None:
            return None
        start, end = _date(row[0]), _date(row[1])
        assert start is not None and end is not None  # NOT NULL columns
        return start, end

    return periods.resolve(label, today, fy_month, stored)


def last_day(span: periods.Span, as_of: dt.date) -> dt.date:
    """Only what was known on as_of counts (okr-method.md): later check-ins are never read."""
    return min(span.end, as_of)


def period(run: Run, span: periods.Span, as_of: dt.date, me: str, *, team: bool = True, stale_after: int = 7,
           notes: bool = True, gate: Callable[[], object] | None = None) -> PeriodReport:
    """Every live objective of the period (the caller's own only unless `team`) with its numbers. `gate`
    (views.assemble's) may hold the read up between its steps; what it reads is the same."""
    own = not team
    args = {"period": span.label, "me": me} if own else {"period": span.label}
    names, rows = run(objectives_sql(own), args)
    objectives = list(by_name(names, rows, OBJECTIVE_COLUMNS))
    if gate is not None:
        gate()
    names, rows = run(key_results_sql(own), args)
    kr_rows = list(rows)
    handed = histories(names, kr_rows)
    key_results = list(by_name(names, kr_rows, KR_COLUMNS))
    names, rows = run(check_ins_sql(own, notes, bool(handed)),
                      {**args, "start": span.start, "last": last_day(span, as_of)})
    if handed:
        from okrtui.method import owners  # loaded by `histories` already

        rows = owners.counted(by_name(names, rows, (*CHECK_IN_COLUMNS, "writer"), {}), handed, len(CHECK_IN_COLUMNS))
        names = CHECK_IN_COLUMNS
    check_ins = by_kr(by_name(names, rows, CHECK_IN_COLUMNS, {}), _Days().__getitem__)
    _, rows = run(PEOPLE, {})
    people = {pid: name or pid for pid, name in rows}
    names, rows = run(TEAMS, {})
    teams = {row[0]: TeamView(*row) for row in by_name(names, rows, TEAM_COLUMNS)}
    if gate is not None:
        gate()
    rep = assemble(span, as_of, objectives, key_results, check_ins, people, teams, stale_after, gate)
    # Reviews give objectives their status (okrtui.method.cycle): on both read paths, with the same rows.
    return cycle.apply(rep, conversation(run, me), stale_after)


def conversation(run: Run, me: str) -> cycle.Conversation:
    """Teams' approval rules, comments, decisions, what `me` has seen, the dependencies and every
    reflection `me` may read (okrtui.method.cycle reads the reviews, agreements and inbox from them)."""
    conv = cycle.Conversation.from_rows(run(TEAM_RULES, {})[1], run(COMMENTS, {})[1], run(DECISIONS, {})[1],
                                        run(SEEN, {"me": me})[1])
    conv.dependencies = dependencies(run)
    conv.reflections = [(row[0], row[1], row[2], row[3]) for row in run(ALL_REFLECTIONS, {})[1]]
    conv.me = me
    return conv


def dependencies(run: Run) -> list[DependencyView]:
    names, rows = run(DEPENDENCIES, {})
    return [DependencyView(*row) for row in by_name(names, rows, DEPENDENCY_COLUMNS)]


def reflections(run: Run, me: str, label: str) -> dict[str, str]:
    _, rows = run(REFLECTIONS, {"me": me, "period": label})
    return {question: answer for question, answer in rows}


def whole(run: Run, span: periods.Span, as_of: dt.date, me: str, *, team: bool = True, stale_after: int = 7,
          notes: bool = True, gate: Callable[[], object] | None = None) -> Read:
    """What a screen or a report shows: the period, the dependencies and the caller's reflections."""
    rep = period(run, span, as_of, me, team=team, stale_after=stale_after, notes=notes, gate=gate)
    return Read(span, me, rep, dependencies(run), reflections(run, me, span.label))


@dataclass(frozen=True)
class KRCheckIn:
    """One row of KR_CHECK_INS: a check-in, who wrote it, and whether it counts (its writer answered for
    the KR on its day)."""
    view: CheckInView
    writer: str
    counts: bool


def kr_check_ins_between(run: Run, kr_id: str, start: dt.date, last: dt.date) -> list[KRCheckIn]:
    """One KR's live check-ins from `start` to `last`, oldest first (date, then creation, then id),
    those that count and those that do not."""
    from okrtui.method import owners  # json: after the first frame (start-up, as `histories`)

    names, rows = run(KR_CHECK_INS, {"kr": kr_id, "start": start, "last": last})
    rows = list(rows)
    at = list(names)
    h, w, m, c, d = (at.index(n) for n in ("owner_history", "kr_owner", "kr_origin", "writer", "date"))
    days = _Days()
    out = []
    for row, (_, ident, day, value, confidence, note) in zip(rows, by_name(names, rows, CHECK_IN_COLUMNS, {}),
                                                             strict=True):
        counts = owners.answerer(owners.parse(row[h]), row[w], row[m], owners.day_text(row[d])) == row[c]
        out.append(KRCheckIn(CheckInView(ident, days[day], value, confidence, note), row[c], counts))
    return out


def kr_check_ins(run: Run, kr_id: str, span: periods.Span, as_of: dt.date) -> list[CheckInView]:
    """One KR's check-ins that count in the period up to as_of, oldest first: what a save changes,
    read with the full load's bounds."""
    return [c.view for c in kr_check_ins_between(run, kr_id, span.start, last_day(span, as_of)) if c.counts]


# The one write both drivers run too.
# A new check-in, or, when the author already has one on that KR and day (the unique index of
# migration 6: a concurrent save landed first), that one replaced. Named parameters: sqlite3 and
# SQLAlchemy's text() (okrtui.cycle.checkins, both databases) run it alike. Returns the kept row's id.
SAME_DAY_UPSERT = (
    "INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, confidence, note, "
    "author_id, signature) VALUES (:id, :me, :stamp, :stamp, false, :kr_id, :day, :value, :confidence, :note, "
    ":me, '') ON CONFLICT (kr_id, COALESCE(author_id, origin), date) WHERE NOT deleted DO UPDATE SET "
    "value = excluded.value, confidence = excluded.confidence, note = excluded.note, "
    "updated_at = excluded.updated_at RETURNING id")
