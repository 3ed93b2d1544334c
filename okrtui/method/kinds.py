"""One place per KR kind (okr-method.md, "KR kinds and progress"): the fields it needs, its
progress, its plausible values, its form hint and how it reads on screen.

Pure and light (standard library only): the CLI's start-up imports it through scoring.
Every other module asks the registry (`get`, `names`, `paced`) instead of naming kinds, so a
new kind is a `KindDef` here plus its word in `domain.Kind` (docs/development.md,
"How to add a kind").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from okrtui.core.text import fmt_num
from okrtui.method.domain import Kind

NUMBER_FIELDS = ("start", "target", "low", "high")  # the numbers a KR may have; each kind needs some


class Measured(Protocol):
    """What scoring reads of a check-in: a Point, or the views' CheckInView as it is (no copies)."""

    @property
    def date(self) -> dt.date: ...

    @property
    def value(self) -> float: ...


@dataclass(frozen=True)
class Spec:
    """What a KR is: its kind and the fields of that kind."""

    kind: str
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None


class Scaled(Protocol):
    """A KR's scale as any record of it has it (the ORM's row, a view, quickwrite's row)."""

    @property
    def start(self) -> float | None: ...
    @property
    def target(self) -> float | None: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...


class Shown(Scaled, Protocol):
    """What a kind's renderings read of a KR: the views' KRView as it is."""

    @property
    def unit(self) -> str: ...
    @property
    def current(self) -> float | None: ...
    @property
    def progress(self) -> float: ...
    @property
    def check_ins(self) -> Sequence[object]: ...


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def current(spec: Spec, points: Sequence[Measured]) -> float | None:
    """Latest value in the period; with no check-in, the start (None for kinds without one)."""
    if points:
        return points[-1].value
    return spec.start


def _unit(kr: Shown) -> str:
    return f" {kr.unit}" if kr.unit else ""


def measured_text(kr: Shown) -> str:
    """The latest value, or "not measured": how a kind without a target reads (and an unknown kind)."""
    return f"{fmt_num(kr.current)}{_unit(kr)}" if kr.check_ins else f"not measured{_unit(kr)}"


def _no_scale(spec: Spec) -> tuple[float, float] | None:
    return None


def _always(start: float | None, target: float | None) -> bool:
    return True


@dataclass(frozen=True)
class KindDef:
    """Everything okrtui knows about one kind. Hooks left at their defaults mean "not this kind's"."""

    name: str
    short: str  # the lists' Kind column (4 cells)
    help: str  # the KR form's line under the kind
    fields: tuple[str, ...]  # what a KR of this kind must have (of NUMBER_FIELDS, and "unit")
    progress: Callable[[Spec, Sequence[Measured]], float]  # the method's progress from the period's check-ins
    now: Callable[[Shown], str]  # "now → target" in the lists, the detail screen and the reports
    spec_line: Callable[[Shown], str]  # the check-in form's line about the KR
    # Progress at one value, for kinds moving from a start to a target: only these have an expected
    # pace, a forecast, a start carried into the next period and a target that must be on one side.
    toward: Callable[[float, float, float], float] | None = None  # (start, target, value)
    measurable: Callable[[float | None, float | None], bool] = _always  # (start, target) on the right side
    target_side: str = ""  # "above" / "below": the form's message when it is not
    scale: Callable[[Spec], tuple[float, float] | None] = _no_scale  # plausibility: the values it lives on
    values: Callable[[float], str | None] | None = None  # a kind of a few values only: why this one is odd
    # story.kr_chart's lines: "scale" start, target, pace and forecast; "band" low..high; "done" 0/1; "points" only
    chart: Literal["scale", "band", "done", "points"] = "points"
    points_label: str = "check-ins"  # the chart's legend for the check-ins

    def __post_init__(self) -> None:
        # A new kind's slips, caught as it is registered rather than in some screen.
        if not set(self.fields) <= {*NUMBER_FIELDS, "unit"}:
            raise ValueError(f"{self.name}: fields must be among {NUMBER_FIELDS} and unit, not {self.fields}")
        if self.toward is not None and not {"start", "target"} <= set(self.fields):
            raise ValueError(f"{self.name}: a kind with `toward` needs a start and a target")


REGISTRY: dict[str, KindDef] = {}


def register(kind: KindDef) -> KindDef:
    REGISTRY[kind.name] = kind
    return kind


def get(name: str) -> KindDef | None:
    return REGISTRY.get(name)


def names() -> tuple[str, ...]:
    """The kinds in the order forms and messages list them."""
    return tuple(REGISTRY)


def paced(name: str) -> bool:
    """A kind moving from start to target: it has pace and forecast (okr-method.md)."""
    kind = REGISTRY.get(name)
    return kind is not None and kind.toward is not None


def value_progress(spec: Spec, value: float | None) -> float:
    """Progress a start → target KR would have at this value."""
    start, target = spec.start, spec.target
    if value is None or start is None or target is None or target == start:
        return 0.0
    kind = REGISTRY.get(spec.kind)
    if kind is None or kind.toward is None:
        raise ValueError(f"value_progress is for kinds with a start and a target, not {spec.kind}")
    return kind.toward(start, target, value)


# --- the method's five kinds ------------------------------------------------------------------------------

def _moving(name: Kind, short: str, help: str, toward: Callable[[float, float, float], float],
            right_side: Callable[[float, float], bool], side: str) -> KindDef:
    """increase and decrease: one shape, the direction apart."""

    def now(kr: Shown) -> str:
        return f"{fmt_num(kr.current)} → {fmt_num(kr.target)}{_unit(kr)}"

    def spec_line(kr: Shown) -> str:
        return f"{name} · start {fmt_num(kr.start)} → target {fmt_num(kr.target)}{_unit(kr)}"

    def measurable(start: float | None, target: float | None) -> bool:
        return start is not None and target is not None and right_side(start, target)

    def scale(spec: Spec) -> tuple[float, float] | None:
        if spec.start is None or spec.target is None:
            return None
        return min(spec.start, spec.target), max(spec.start, spec.target)

    return KindDef(name, short, help, ("start", "target"),
                   progress=lambda spec, points: value_progress(spec, current(spec, points)),
                   now=now, spec_line=spec_line, toward=toward, measurable=measurable, target_side=side,
                   scale=scale, chart="scale")


register(_moving(Kind.INCREASE, "inc", "More is better: start → target above it. e.g. activation from 31% to 45%",
                 lambda start, target, value: clamp((value - start) / (target - start)),
                 lambda start, target: target > start, "above"))
register(_moving(Kind.DECREASE, "dec", "Less is better: start → target below it. e.g. restore time from 90 to 30 min",
                 lambda start, target, value: clamp((start - value) / (start - target)),
                 lambda start, target: target < start, "below"))


def _range_progress(spec: Spec, points: Sequence[Measured]) -> float:
    if not points or spec.low is None or spec.high is None:
        return 0.0
    inside = sum(1 for p in points if spec.low <= p.value <= spec.high)
    return inside / len(points)


register(KindDef(
    Kind.RANGE, "rng", "Keep between low and high: a health metric. e.g. p95 latency 120..250 ms", ("low", "high"),
    progress=_range_progress,
    now=lambda kr: f"{fmt_num(kr.current)} in {fmt_num(kr.low)}..{fmt_num(kr.high)}{_unit(kr)}",
    spec_line=lambda kr: f"range · keep between {fmt_num(kr.low)} and {fmt_num(kr.high)}{_unit(kr)}",
    scale=lambda spec: None if spec.low is None or spec.high is None else (spec.low, spec.high),
    chart="band",
))

register(KindDef(
    Kind.BASELINE, "base", "Measure first: done once measured. e.g. measure alert noise per week", ("unit",),
    progress=lambda spec, points: 1.0 if points else 0.0,
    now=measured_text,
    spec_line=lambda kr: f"baseline · measure{_unit(kr)}",
    points_label="measurements",
))

register(KindDef(
    Kind.MILESTONE, "done", "Done or not: check in 1 when done. e.g. tracing pipeline live", (),
    progress=lambda spec, points: 1.0 if points and points[-1].value >= 1 else 0.0,
    now=lambda kr: "done" if kr.progress >= 1 else "not done",
    spec_line=lambda kr: "milestone · enter 1 when done, 0 if not yet",
    values=lambda value: None if value in (0, 1) else f"a milestone is 1 (done) or 0 (not yet), not {value:g}",
    chart="done",
))
