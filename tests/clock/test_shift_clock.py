"""The wall-clock shim (shift_clock.c) and the `wallclock` list (wallclock.py) that .ci/run relies on."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

from tests.clock import wallclock
from tests.helpers import TODAY

SHIM = wallclock.ROOT / "tests" / "clock" / "shift_clock.c"
DAY = 86400
PROBE = """import datetime, json, time
print(json.dumps([time.time(), time.monotonic(), datetime.date.today().isoformat()]))
"""


def _shim(tmp_path):
    lib = tmp_path / "shift_clock.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(lib), str(SHIM), "-ldl"], check=True)
    return lib


def _probe(script, env):
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.splitlines()[-1])


def test_the_shim_moves_the_wall_clock_and_leaves_the_monotonic_one(tmp_path):
    lib, script = _shim(tmp_path), tmp_path / "tests" / "probe.py"
    script.parent.mkdir()
    script.write_text(PROBE)
    env = {**os.environ, "LD_PRELOAD": str(lib)}
    wall0, mono0, day0 = _probe(script, {**env, "CLOCK_SHIFT_SECONDS": "0"})
    wall, mono, day = _probe(script, {**env, "CLOCK_SHIFT_SECONDS": str(400 * DAY)})
    assert abs(wall - wall0 - 400 * DAY) < 600
    assert 0 <= mono - mono0 < 600
    assert dt.date.fromisoformat(day) - dt.date.fromisoformat(day0) in (dt.timedelta(400), dt.timedelta(401))


def test_the_audit_names_the_code_that_read_the_clock(tmp_path):
    lib, script = _shim(tmp_path), tmp_path / "tests" / "probe.py"
    script.parent.mkdir()
    script.write_text(PROBE)
    log = tmp_path / "clock.log"
    _probe(script, {**os.environ, "LD_PRELOAD": str(lib), "CLOCK_AUDIT_LOG": str(log),
                    "PYTEST_CURRENT_TEST": "tests/test_x.py::test_y (call)"})
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    callers = {caller for _, test, caller, _ in lines if test == "tests/test_x.py::test_y (call)"}
    assert f"{script}:2" in callers  # time.time() and date.today(), on the probe's line 2


def test_this_test_and_its_children_see_the_shifted_clock(tmp_path):
    """In .ci/run's second pass the clock is shifted (CLOCK_SHIFT_SECONDS, not an OKRTUI_ variable:
    tests/conftest.py drops those) in this process and in the CLI it starts; else not at all.
    A file's modification time comes from the kernel's real clock, which the shim never touches."""
    shift = int(os.environ.get("CLOCK_SHIFT_SECONDS", "0"))
    marker = tmp_path / "probe"
    for read in (time.time, _probe_here):
        marker.write_text("")
        now, real = read(), marker.stat().st_mtime
        assert abs(now - real - shift) < 600


def _probe_here() -> float:
    out = subprocess.run([sys.executable, "-c", "import time; print(time.time())"], capture_output=True,
                         text=True, check=True)
    return float(out.stdout)


def test_stamps_written_by_hand_are_in_the_past_or_far_in_the_future():
    """Clock-made stamps (now_stamp) are not audited (wallclock.py): that holds while every stamp a
    test writes by hand is on or before TODAY, or from 2098 on, so their order is the same in any year."""
    late = []
    for path in sorted((wallclock.ROOT / "tests").rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for m in wallclock.STAMP_LITERAL.finditer(line):
                day = dt.date(*map(int, m.groups()))
                if TODAY < day < dt.date(2098, 1, 1):
                    late.append(f"{path.relative_to(wallclock.ROOT)}:{n}: {m.group(0)}")
    assert not late, late


def test_the_wallclock_list_names_files_and_tests_that_exist():
    missing = []
    for path, names in wallclock.READERS.items():
        file = wallclock.ROOT / path
        if not file.exists():
            missing.append(path)
            continue
        text = file.read_text()
        missing += [f"{path}::{name}" for name in names if f"def {name}(" not in text]
    assert not missing, missing
