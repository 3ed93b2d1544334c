"""The grade bar, its number and its band come from one rounding (issue 32.12)."""

from hypothesis import given
from hypothesis import strategies as st

from okrtui.method import scoring
from okrtui.tui.widgets.grade_bar import grade_bar


@given(st.floats(min_value=0.0, max_value=1.0))
def test_the_bar_reads_the_number_it_shows(score):
    grade = scoring.grade(score)
    text = grade_bar(score, grade, scoring.band(grade)).plain
    filled = text.count("█")
    shown = float(text.split()[-1])
    assert filled == round(shown * 5)  # every score printed 0.7 fills ████░, whatever its digits after


def test_a_grade_of_0_66_is_four_blocks_and_green():
    grade = scoring.grade(0.66)
    assert (grade, scoring.band(grade)) == (0.7, "green")
    assert grade_bar(0.66, grade, "green").plain == "████░ 0.7"
