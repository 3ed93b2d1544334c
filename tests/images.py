"""docs/images/ from the snapshot tests' SVGs: `python -m tests.images` after `--snapshot-update`.

The pictures in README.md and docs/ are the pinned snapshots themselves, so they show the app as
it is; tests/test_images.py fails when one was left behind."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "tui" / "__snapshots__"
IMAGES = ROOT / "docs" / "images"

# docs/images/NAME → the snapshot it shows
SOURCES = {
    "objectives.svg": "test_snapshots/test_snapshot[objectives-120x40].svg",
    "review.svg": "test_snapshots/test_snapshot[review-120x40].svg",
    "checkin.svg": "test_snapshots/test_snapshot[checkin-80x24].svg",
    "scoring.svg": "test_snapshots/test_snapshot[scoring-80x24].svg",
    "team.svg": "test_team/test_team_snapshots[team-people-80x24].svg",
    "detail.svg": "test_snapshots/test_snapshot[detail-decrease-80x24].svg",
    "detail-objective.svg": "test_snapshots/test_snapshot[detail-objective-120x40].svg",
    "team-red-16.svg": "test_team_lead/test_lead_snapshots[team-red-16].svg",
    "team-week.svg": "test_team_lead/test_lead_snapshots[team-week].svg",
    "health.svg": "test_health/test_health_snapshot[120x40].svg",
}


def stale() -> list[str]:
    """The images that differ from their snapshot."""
    return [name for name, source in SOURCES.items()
            if not (IMAGES / name).exists() or (IMAGES / name).read_bytes() != (SNAPSHOTS / source).read_bytes()]


def main() -> None:
    for name in stale():
        shutil.copyfile(SNAPSHOTS / SOURCES[name], IMAGES / name)
        print(f"docs/images/{name} <- {SOURCES[name]}")


if __name__ == "__main__":
    main()
