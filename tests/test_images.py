"""The pictures in the docs are the pinned snapshots (regenerate: python -m tests.images)."""

from tests import images


def test_every_docs_image_is_its_snapshot():
    assert images.stale() == [], "run: python -m tests.images"


def test_every_image_in_the_docs_folder_comes_from_a_snapshot():
    assert {p.name for p in images.IMAGES.glob("*.svg")} == set(images.SOURCES)
