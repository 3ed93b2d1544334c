"""A grade as a short bar coloured by band: `████░ 0.8`."""

from __future__ import annotations

from rich.text import Text

BAND_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "bold green", None: "dim"}
PACE_STYLE = {"on track": "green", "at risk": "yellow", "behind": "bold red"}


def pace_cell(pace: str | None, empty: str = "") -> Text:
    """A KR's pace in its colour; `empty` where it has none (kinds without a pace)."""
    return Text(pace or empty, style=PACE_STYLE.get(pace or "", "dim"))


def grade_bar(score: float | None, grade: float | None, band: str | None, width: int = 5) -> Text:
    """The bar, the number and the band read one rounding, the grade's (0.66 is 0.7: ████░, green)."""
    if score is None or grade is None:
        return Text("░" * width + "   –", style="dim")
    filled = round(max(0.0, min(1.0, grade)) * width)  # of the grade shown: 0.66 and 0.7 are both ████░
    text = Text("█" * filled, style=BAND_STYLE[band])
    text.append("░" * (width - filled), style="dim")
    text.append(f" {grade:.1f}", style=BAND_STYLE[band])
    return text


def objective_grade(status: str, score: float | None, grade: float | None, band: str | None) -> Text:
    """An objective's grade cell: a proposal nobody has agreed to yet is not graded (views.UNGRADED)."""
    if status == "draft":
        return Text("draft", style="italic")
    if status == "in_review":
        return Text("awaiting", style="italic")
    return grade_bar(score, grade, band)
