"""The quality coach: the method's rules as small functions over a period's views.

Adding a rule is adding one function with the @rule decorator (and its tests).
Pure: no database, no UI.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from okrtui.core.text import count, fmt_num, json_safe, plain
from okrtui.method import kinds, scoring
from okrtui.method.domain import Kind
from okrtui.method.views import KRView, ObjectiveView, PeriodReport

SEVERITIES = ("error", "warning", "info")
TASK_VERBS = ("do", "write", "attend", "hold", "prepare", "meet", "call", "organize", "organise", "run",
              "create", "send", "help", "support", "work", "plan", "review", "update", "start", "try")
NEGATIVE = re.compile(r"\b(don'?t|do not|not|avoid|stop|never|no longer|without)\b", re.IGNORECASE)
NUMBER = re.compile(r"\d|%")
# A title that says the KR only keeps a level (okr-method.md, health-metric-as-kr).
KEEP_VERBS = ("maintain", "keep", "stay", "remain", "sustain")


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    message: str
    hint: str
    objective_id: str
    kr_id: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    hint: str
    check: Callable[[PeriodReport], Iterator[Finding]]


RULES: list[Rule] = []


Hits = Iterator[tuple[str, str, str | None]]  # (message, objective id, KR id or None)


def rule(rule_id: str, level: str, hint: str) -> Callable[[Callable[[PeriodReport], Hits]], Callable[[PeriodReport], Hits]]:
    def register(fn: Callable[[PeriodReport], Hits]) -> Callable[[PeriodReport], Hits]:
        def check(rep: PeriodReport) -> Iterator[Finding]:
            for message, objective_id, kr_id in fn(rep):
                yield Finding(rule_id, level, message, hint, objective_id, kr_id)

        RULES.append(Rule(rule_id, level, hint, check))
        return fn

    return register


def _krs(rep: PeriodReport) -> Iterator[tuple[ObjectiveView, KRView]]:
    for o in rep.objectives:
        for kr in o.key_results:
            yield o, kr


@rule("too-many-objectives", "warning", "Keep 1-3 objectives a period; focus beats coverage.")
def _too_many_objectives(rep: PeriodReport) -> Hits:
    counts = Counter(o.owner_id for o in rep.objectives if o.owner_id)
    for o in rep.objectives:
        if o.owner_id and counts[o.owner_id] > 5:
            yield f"{rep.person(o.owner_id)} has {count(counts[o.owner_id], 'objective')} this period", o.id, None


@rule("no-key-results", "error", "Add 1-3 key results that tell you the objective is reached.")
def _no_key_results(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if o.status == "active" and not o.key_results:
            yield "active objective has no key result", o.id, None


@rule("too-many-key-results", "warning", "Keep at most 5 key results; 1-3 is best.")
def _too_many_key_results(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if len(o.key_results) > 5:
            yield f"objective has {count(len(o.key_results), 'key result')}", o.id, None


@rule("quantitative-objective", "warning", "Keep the objective qualitative; move the number into a key result.")
def _quantitative_objective(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if quantitative(o.title):
            yield "objective title holds a number or a %", o.id, None


@rule("no-kr-owner", "warning", "Name one person responsible for the key result.")
def _no_kr_owner(rep: PeriodReport) -> Hits:
    for o, kr in _krs(rep):
        if not kr.owner_id:
            yield "key result has no owner", o.id, kr.id


@rule("no-measurable-target", "error", "Set a target beyond the start: above it to increase, below to decrease.")
def _no_measurable_target(rep: PeriodReport) -> Hits:
    for o, kr in _krs(rep):
        if not scoring.measurable(kr.kind, kr.start, kr.target):
            yield f"{kr.kind} key result goes from {kr.start:g} to {kr.target:g}", o.id, kr.id


@rule("all-milestones", "warning", "Add at least one measurable key result; milestones say done, not how well.")
def _all_milestones(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if o.key_results and all(kr.kind == Kind.MILESTONE for kr in o.key_results):
            yield "every key result is a milestone", o.id, None


@rule("task-not-result", "info", "Describe the result you want, not the task that gets you there.")
def _task_not_result(rep: PeriodReport) -> Hits:
    for o, kr in _krs(rep):
        if task_like(kr.title):
            yield f"key result starts like a task ({kr.title.split()[0].lower()!r})", o.id, kr.id


@rule("negative-language", "info", "Say what you want to achieve, in positive words.")
def _negative_language(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if negative(o.title):
            yield "objective title is phrased negatively", o.id, None
        for kr in o.key_results:
            if negative(kr.title):
                yield "key result title is phrased negatively", o.id, kr.id


@rule("too-long", "info", "Keep the objective short and memorable: 100 characters or fewer.")
def _too_long(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if len(o.title) > 100:
            yield f"objective title is {len(o.title)} characters long", o.id, None


@rule("unaligned", "info", "Align the objective to a company or team objective it contributes to.")
def _unaligned(rep: PeriodReport) -> Hits:
    for o in rep.objectives:
        if o.level in ("team", "personal") and not o.parent_id:
            yield f"{o.level} objective has no parent", o.id, None


@rule("stale", "warning", "Check in every week, even when nothing moved.")
def _stale(rep: PeriodReport) -> Hits:
    for o, kr in _krs(rep):
        if kr.stale:
            last = f"last check-in {kr.last_check_in}" if kr.last_check_in else "no check-in yet"
            yield f"key result is stale ({last})", o.id, kr.id


@rule("stale-title", "warning", "The title states other numbers than the KR's start or target (a carried KR "
      "starts where the last quarter ended): e on the KR retitles it.")
def _stale_title(rep: PeriodReport) -> Hits:
    for o, kr in _krs(rep):
        new = retitled(kr.title, kr.kind, kr.start, kr.target)
        if new is not None:
            yield f"title reads {plain(kr.title)!r}; the KR runs {fmt_num(kr.start)} → {fmt_num(kr.target)}: " \
                  f"retitle it {plain(new)!r}", o.id, kr.id


@rule("health-metric-as-kr", "info",
      "A key result is for change; a level to keep is a health metric: m in the coach (l), or "
      "okrtui metric from-kr KR, makes one from it.")
def _health_metric_as_kr(rep: PeriodReport) -> Hits:
    for o, kr in _krs(rep):
        why = keeps_level(kr)
        if why:
            yield f"key result only keeps a level ({why}): a health metric, not a key result", o.id, kr.id


# --- the tests behind the rules, shared with the forms' live hints -------------------------

STATED = re.compile(r"\b(from|to)(\s+)(-?\d+(?:\.\d+)?)(?![\d.]|[^\W\d_])", re.IGNORECASE)  # not "1.5M"


def retitled(title: str, kind: str, start: float | None, target: float | None) -> str | None:
    """The title with the numbers it states after `from` and `to` set to the KR's start and target, when
    they differ (`from 92% to 99%` on a KR now starting at 97: `from 97% to 99%`); None when it states
    none or states them right. Only a KR that moves from a start to a target (increase, decrease)."""
    if not kinds.paced(kind) or start is None or target is None:
        return None

    def fix(m: re.Match[str]) -> str:
        want = start if m.group(1).lower() == "from" else target
        return m.group(0) if abs(float(m.group(3)) - want) < 1e-9 else f"{m.group(1)}{m.group(2)}{fmt_num(want)}"

    new = STATED.sub(fix, title)
    return None if new == title else new


def quantitative(title: str) -> bool:
    return NUMBER.search(title) is not None


def task_like(title: str) -> bool:
    words = title.strip().split()
    return bool(words) and words[0].lower().strip(",:;") in TASK_VERBS


def negative(title: str) -> bool:
    return NEGATIVE.search(title) is not None


def keep_like(title: str) -> str | None:
    """The verb a title starts with when it says "keep a level" (maintain, keep, stay, …), else None."""
    words = title.strip().split()
    first = words[0].lower().strip(",:;") if words else ""
    return first if first in KEEP_VERBS else None


def metric_name(title: str) -> str:
    """The health metric a keep-a-level KR becomes, named without its verb: "Keep p95 API latency between
    120 and 250 ms" → "P95 API latency between 120 and 250 ms"."""
    words = title.strip().split(maxsplit=1)
    rest = words[1] if keep_like(title) and len(words) > 1 else title.strip()
    return rest[:1].upper() + rest[1:]


def first_value(kr: KRView) -> float | None:
    """Where a KR starts: its start when it has one, else its first check-in of the period."""
    if kr.start is not None:
        return kr.start
    return kr.check_ins[0].value if kr.check_ins else None


def keeps_level(kr: KRView) -> str | None:
    """Why the KR only keeps a level (a range that holds where it starts, or a title that says keep),
    or None: the test of health-metric-as-kr, and the condition of the coach's offer to convert it."""
    if kr.kind == Kind.RANGE and kr.low is not None and kr.high is not None:
        first = first_value(kr)
        if first is not None and kr.low <= first <= kr.high:
            return f"its range {kr.low:g}-{kr.high:g} holds its first value {first:g}"
    verb = keep_like(kr.title)
    return f"its title starts with {verb!r}" if verb else None


def check(rep: PeriodReport) -> list[Finding]:
    return _ordered(rep, [f for r in RULES for f in r.check(rep)])


# The rules that read check-ins (every other rule reads only what the OKRs say).
CHECK_IN_RULES = ("stale", "health-metric-as-kr")


def after_check_ins(rep: PeriodReport, findings: list[Finding], objective: ObjectiveView, kr_id: str) -> list[Finding]:
    """The findings once one KR's check-ins changed: only the check-in rules are run again, for
    that KR; `check` over 10,000 own KRs would run every rule on every save."""
    if not any(o is objective for o in rep.objectives):  # a teammate's: no findings of yours change
        return findings
    one = PeriodReport(rep.period, rep.as_of, [objective], rep.people, rep.teams)
    kept = [f for f in findings if f.kr_id != kr_id or f.rule not in CHECK_IN_RULES]
    redone = [f for r in RULES if r.id in CHECK_IN_RULES for f in r.check(one) if f.kr_id == kr_id]
    return _ordered(rep, kept + redone)


def _ordered(rep: PeriodReport, findings: list[Finding]) -> list[Finding]:
    order = {o.id: i for i, o in enumerate(rep.objectives)}
    return sorted(findings, key=lambda f: (order.get(f.objective_id, 0), SEVERITIES.index(f.level), f.rule))


def render(rep: PeriodReport, findings: list[Finding], fmt: str) -> str:
    if fmt == "json":
        counts = Counter(f.level for f in findings)
        doc = {"format": "okrtui-lint/1", "period": rep.period.label,
               "counts": {level: counts[level] for level in SEVERITIES},
               "findings": [asdict(f) for f in findings]}
        return json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"
    if not findings:
        return f"{rep.period.label}: no findings\n"
    titles = {o.id: o.title for o in rep.objectives}
    out: list[str] = []
    current = None
    for f in findings:
        if f.objective_id != current:
            current = f.objective_id
            if out:
                out.append("")
            out.append(f"{plain(titles.get(current, current))} ({current})")
        where = f" [{f.kr_id}]" if f.kr_id else ""
        out.append(f"  {f.level:<7} {f.rule}{where}: {plain(f.message)}")
        out.append(f"          hint: {f.hint}")
    counts = Counter(f.level for f in findings)
    out += ["", ", ".join(f"{counts[level]} {level}{'s' if counts[level] != 1 else ''}" for level in SEVERITIES)]
    return "\n".join(out) + "\n"
