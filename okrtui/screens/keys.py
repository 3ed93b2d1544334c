"""Every key, from the bindings themselves: the ? help and the command palette read them here.

No key is described twice: a binding's description is its footer and help label, its
tooltip the palette's help text. The glyph legend lives here too, one meaning per glyph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from textual.binding import Binding, BindingType

# Textual's key names, as a person reads them.
KEY_NAMES = {"less_than_sign": "<", "greater_than_sign": ">", "question_mark": "?", "escape": "esc",
             "pageup": "pgup", "pagedown": "pgdn", "left_square_bracket": "[", "right_square_bracket": "]"}

LEGEND: list[tuple[str, str]] = [
    ("◆ ■ ●", "company, team, personal objective"),
    ("·", "key result (dimmed: a teammate's, read-only)"),
    ("⚠", "stale: no check-in within stale_after_days"),
    ("✖ ▲ ○", "coach finding: error, warning, info (l lists them)"),
    ("• ✓", "check-in and team review: due this week, done this week"),
    ("[x] [ ]", "quarter close: carried into the next quarter, or not"),
    ("███░░ 0.6", "grade bar: red ≤ 0.3, yellow 0.4–0.6, green ≥ 0.7"),
    ("↑ ↓ →", "confidence up, down, same since the week before"),
    ("✎2", "a KR's comments (m on its detail comments or replies)"),
    ("✉ 2 (i)", "in the header: what others asked of you (i opens the inbox)"),
]


@dataclass(frozen=True)
class Key:
    keys: str          # "j / down"
    description: str   # "Down"
    help: str          # the tooltip, or ""
    action: str


def key_label(keys: str) -> str:
    return " / ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def keys_of(bindings: Iterable[BindingType]) -> Iterator[Key]:
    """The described bindings of a class, in order (system ones left out)."""
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description and not binding.system:
            yield Key(key_label(binding.key), binding.description, binding.tooltip, binding.action)
