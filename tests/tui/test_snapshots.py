"""Every screen and dialog pinned at 80×24 and 120×40 (fixed clock, no blink, no animation), on
the users' path: the app is handed the SQLite file and reads it with okrtui.storage.sqlite.quickread; a form
opens the database as it does for users."""

from __future__ import annotations

import pytest

from tests.helpers import at, close, matches_snapshot, open_app, scene

SCENES = {
    "objectives": scene(),
    "checkin": scene("c"),
    "review": scene("w"),
    "scoring": scene("s"),
    "help": scene("question_mark"),
    "new-choice": scene(at("o:o-reliable", "n")),
    "objective-form": scene(at("o:o-reliable", "e")),
    "objective-form-errors": scene(at("o:o-reliable", "e", "ctrl+u", "enter")),
    "kr-form": scene(at("k:kr-mttr", "e")),
    "kr-form-range": scene(at("k:kr-latency", "e")),
    "dependency-form": scene(at("k:kr-deploys", "x")),
    "confirm-delete": scene(at("k:kr-handbook", "d")),
    "checkin-form": scene("c", "enter"),
    "checkin-form-error": scene("c", "enter", "x", "enter"),
    "checkin-history": scene("c", "h"),
    "score-form": scene("s", at("k:kr-deploys", "enter")),
    "reflections": scene("s", "r"),
    "close-quarter": scene("s", "C"),
    # the team screen: tests/tui/test_team.py ("team-people" and its other views)
    "team-form": scene("t", "n"),
    # The detail screen, one per KR kind, an objective, and from each list that opens it.
    "detail-increase": scene(at("k:kr-deploys", "enter")),
    "detail-decrease": scene(at("k:kr-mttr", "v")),
    "detail-range": scene(at("k:kr-latency", "enter")),
    "detail-milestone": scene(at("k:kr-handbook", "enter")),
    "detail-baseline": scene(at("k:kr-noise", "enter")),
    "detail-objective": scene(at("o:o-reliable", "enter")),
    "detail-from-checkin": scene("c", "v"),
}
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def pinned(snap_compare, app, size, run) -> bool:
    return matches_snapshot(snap_compare, app, size, run)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
@pytest.mark.parametrize("name", SCENES, ids=list(SCENES))
def test_snapshot(name, size, snap_compare, tmp_path):
    assert pinned(snap_compare, open_app(tmp_path / "snap.db"), SIZES[size], SCENES[name])


def test_snapshot_of_an_empty_database(snap_compare, tmp_path):
    assert pinned(snap_compare, open_app(tmp_path / "empty.db", load_demo=False), (80, 24), scene())


def test_snapshot_at_16_colours(snap_compare, tmp_path):
    """The objectives screen as a 16-colour terminal gets it: bands in the terminal's own ANSI colours."""
    assert pinned(snap_compare, open_app(tmp_path / "snap.db", sixteen_colours=True), (80, 24), scene())


def test_detail_snapshot_at_16_colours(snap_compare, tmp_path):
    """The chart on a 16-colour terminal: markers carry each line's meaning, colours are the terminal's own."""
    app = open_app(tmp_path / "snap.db", sixteen_colours=True)
    assert pinned(snap_compare, app, (80, 24), scene(at("k:kr-mttr", "enter")))


async def test_the_snapshots_read_the_file_as_users_do(tmp_path):
    """A reading scene never opens the database through SQLAlchemy: it is quickread's output pinned."""
    app = open_app(tmp_path / "snap.db")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scene("c", "w", "s", "t", "o", at("k:kr-mttr", "enter"))(pilot)
            assert app.data is not None and app.data.report.objectives
            assert app.engine is None
            await scene("escape", "c", "enter")(pilot)  # a form opens it, as for users
            assert app.engine is not None
    finally:
        close(app)
