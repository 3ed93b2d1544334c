"""The Textual range pyproject.toml declares, and the version the suite runs on: CI tests the lowest
supported Textual because the range is one version. Widening the range without a job for its lowest
version fails here."""

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def declared_textual() -> str:
    deps = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    (spec,) = [d for d in deps if re.match(r"textual\s*[=<>~!]", d)]
    return spec.removeprefix("textual").strip()


def test_textual_is_pinned_to_one_version_so_ci_runs_its_lowest():
    spec = declared_textual()
    assert re.fullmatch(r"==\d+\.\d+\.\d+", spec), f"textual{spec}: a range needs a CI job on its lowest version"


def test_the_suite_runs_on_the_declared_lowest_textual():
    assert version("textual") == declared_textual().removeprefix("==")
