"""A check-in history as block characters: `▁▂▄▅▇`."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int = 8, style: str = "cyan") -> Text:
    """The last `width` values scaled between their min and max (a flat series sits at the bottom)."""
    values = list(values)[-width:]
    if not values:
        return Text("·", style="dim")
    lo, hi = min(values), max(values)
    span = hi - lo
    chars = "".join(BLOCKS[0 if span == 0 else round((v - lo) / span * (len(BLOCKS) - 1))] for v in values)
    return Text(chars, style=style)
