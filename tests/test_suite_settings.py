"""The suite's own settings that keep it honest on a loaded machine."""

from hypothesis import settings


def test_property_tests_have_no_time_limit_per_example():
    # tests/conftest.py's profile: a deadline on 2 shared cores fails on load, not on a bug.
    assert settings.default.deadline is None
