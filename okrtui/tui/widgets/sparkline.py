"""A check-in history as block characters: `▁▂▄▅▇`."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

BLOCKS = "▁▂▃▄▅▆▇█"


GAP = " "  # a window with no value: nothing drawn, never a low block (zero) nor the value before it


def sparkline(values: Sequence[float | None], width: int = 8, style: str = "cyan") -> Text:
    """The last `width` values scaled between their min and max (a flat series sits at the bottom); a
    None (a health metric's window with no measurement) keeps its place as a gap."""
    values = list(values)[-width:]
    known = [v for v in values if v is not None]
    if not known:
        return Text("·", style="dim")
    lo, hi = min(known), max(known)
    span = hi - lo
    chars = "".join(GAP if v is None else BLOCKS[0 if span == 0 else round((v - lo) / span * (len(BLOCKS) - 1))]
                    for v in values)
    return Text(chars, style=style)
