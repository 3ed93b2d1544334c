"""Which tests read the wall clock (the `wallclock` marker), and the audit that keeps that true.

`.ci/run` runs the suite a second time with the wall clock 400 days ahead (shift_clock.c), but
only the tests marked `wallclock`: those whose code, okrtui's or the test's own, in the test's
process or in a child it starts, reads the date or the time. That is where a test could pass
today and fail next year. Everything else takes its day from an argument (`today`, `as_of`,
`day`) and cannot tell the year.

What counts as a reading: a call to the clock (`date.today()`, `datetime.now()`, `time.time()`,
…) made by a function in okrtui/ or tests/. Not counted:

- `okrtui/core/stamps.py:now_stamp`, the records' `created_at`/`updated_at`: only their order
  matters (the newest decision wins, a teammate's newer record replaces ours), and the stamps the
  tests write by hand are on or before TODAY, or in 2098 and later for "a stamp from the future"
  (test_shift_clock.py checks that), so that order is the same in any year;
- a library reading the clock for itself (SQLAlchemy's pool, Textual's notifications, aiohttp's
  Date header, openpyxl's document properties, zipfile's entry times, logging, hypothesis), and
  code compiled from a string (`<string>`: a dataclass's generated `__init__`, as Textual's
  Notification stamps itself; a child's `python -c` script is seen through the okrtui it runs),
  and programs that are not Python (PostgreSQL, Chromium): none of it reaches a result a test
  checks.

The first pass of `.ci/run` runs the README's command with the shim preloaded unshifted and
CLOCK_AUDIT=1: tests/conftest.py then gives each test its own audit log and fails the test, at
its teardown, when it read the clock and is not marked. So a new test that reads the clock
fails CI until it is added here.
"""

from __future__ import annotations

import re
from pathlib import Path

# Test file → the tests in it that read the clock, by function name; () marks every test of the
# file, the new ones too (where most of its tests read it, or the file is small).
READERS: dict[str, tuple[str, ...]] = {
    # the shim's own tests
    "tests/clock/test_shift_clock.py": (),
    # `okrtui serve` in a child process opens the TUI on the real day
    "tests/browser/test_serve.py": (),
    "tests/attacks/test_serve.py": ("test_a_bad_message_harms_no_session",
                                    "test_a_flood_of_sessions_is_told_no_past_the_limit",
                                    "test_a_served_session_writes_nothing",
                                    "test_a_wrong_or_missing_token_gets_403_the_printed_url_gets_the_page",
                                    "test_another_sites_page_cannot_open_a_session",
                                    "test_nothing_a_visitor_sends_is_written_into_the_page"),
    # the CLI in a child process (git's merge driver too), or okrtui.cli.main without `today`:
    # today is the real day
    "tests/attacks/test_cli.py": ("test_text_the_bytes_a_real_process_writes_hold_no_raw_control",),
    "tests/cli/test_cli.py": ("test_light_commands_never_import_textual", "test_python_dash_m_entry_point",
                              "test_a_terminal_that_is_not_utf8_gets_the_page_in_utf8_and_reports_with_escapes",
                              "test_exports_to_a_stream_that_is_not_utf8_keep_their_data_or_say_why_not"),
    "tests/cycle/test_conversation.py": ("test_the_conversation_commands_never_import_textual",),
    "tests/test_imports.py": ("test_reports_on_sqlite_never_load_the_storage_layer",),
    "tests/core/test_progress.py": ("test_import_on_a_pipe_writes_only_its_summary_and_loads_neither_rich_nor_textual",),
    "tests/storage/test_reliability.py": ("test_writers_at_once_never_see_database_is_locked",
                                  "test_a_full_disk_during_sync_leaves_the_old_team_file",
                                  "test_a_full_disk_during_import_leaves_the_database"),
    "tests/cycle/test_round.py": ("test_demo_with_an_existing_database_errors_before_drawing",),
    "tests/exchange/test_signing.py": ("test_the_merge_driver_keeps_signatures_valid",),
    "tests/exchange/test_sync.py": ("test_three_people_converge_and_lose_no_check_in",
                           "test_git_merge_of_two_branches_uses_the_driver"),
    # `okrtui --demo --as-of ...` on a pseudo-terminal (tests/terminal.py): the CLI reads today all the same
    "tests/tui/test_terminal.py": (),
    "tests/tui/test_agree.py": ("test_no_stray_scrollbar_on_a_real_terminal_without_colour",),
    "tests/tui/test_dialog_keys.py": ("test_the_self_score_burst_on_a_real_terminal",
                                      "test_a_burst_typed_while_a_check_in_saves_is_held_for_the_next_one"),
    "tests/tui/test_everyday.py": ("test_the_carry_over_cursor_is_reverse_video_without_colour",),
    "tests/tui/test_team_lead.py": ("test_cursor_visible_on_every_kind_of_row_on_a_real_terminal",
                                    "test_picker_burst_on_a_real_terminal"),
}


def reads_clock(path: str, name: str) -> bool:
    """Is the test `name` (its function's name, parameters aside) of test file `path` (relative to
    the checkout, with /) a clock reader?"""
    tests = READERS.get(path)
    return tests is not None and (not tests or name in tests)


def counted(log: str) -> list[str]:
    """The readings in an audit log (shift_clock.c: process, test, caller, innermost frame of
    okrtui's or the tests' code) that count, as "caller (process)", in order, each once."""
    found: dict[str, None] = {}
    for line in log.splitlines():
        fields = line.split("\t")
        if len(fields) != 4:
            continue
        process, _test, caller, _mine = fields
        if is_ours(caller) and not caller.startswith(STAMPS):
            found[f"{_short(caller)} ({process})"] = None
    return list(found)


ROOT = Path(__file__).resolve().parents[2]
STAMPS = str(ROOT / "okrtui" / "core" / "stamps.py") + ":"


def is_ours(caller: str) -> bool:
    return any(caller.startswith(str(ROOT / part) + "/") for part in ("okrtui", "tests"))


def _short(caller: str) -> str:
    return caller.replace(str(ROOT) + "/", "")


# A timestamp written by hand in a test (okrtui's fixed-width UTC form, or its first part).
STAMP_LITERAL = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})T\d{2}:")
