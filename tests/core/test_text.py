"""Teammates' text is shown literally: no control, invisible or direction-changing character
reaches a terminal, in any output; exports are owner-only."""

import json
import os
import sys
import unicodedata

import pytest

from okrtui.core.text import _CONTROL, json_safe, plain, visible
from tests.helpers import write_doc

RLO = "\u202e"
HOSTILE = f"Ship{RLO}gnp.exe\u2066x\u2069\u200bz\ufeff\u2028\U000e0041"


def _dangerous():
    return [chr(c) for c in range(sys.maxunicode + 1)
            if unicodedata.category(chr(c)) in ("Cc", "Cf") or c in (0x2028, 0x2029)]


DANGEROUS = _dangerous()
DANGEROUS_SET = frozenset(DANGEROUS)


def test_every_control_and_format_character_is_escaped():
    chars = DANGEROUS
    assert RLO in chars and "\u2066" in chars and "\u200b" in chars
    missed = [f"U+{ord(ch):04X}" for ch in chars if plain(ch) == ch]
    assert missed == []
    assert all(plain(ch).isascii() and plain(ch).isprintable() for ch in chars)
    for ordinary in ("é", "Ω", "漢", "🙂", "|", "[bold]"):
        assert plain(ordinary) == ordinary
    assert plain(HOSTILE) == "Ship\\u202egnp.exe\\u2066x\\u2069\\u200bz\\ufeff\\u2028\\U000e0041"


def test_every_character_escaped_is_unprintable_so_printable_text_skips_the_pattern():
    # visible()'s fast path returns all-printable text untouched: sound only while this holds.
    matched = [chr(c) for c in range(sys.maxunicode + 1) if _CONTROL.match(chr(c))]
    assert matched and not [f"U+{ord(ch):04X}" for ch in matched if ch.isprintable()]
    assert visible(f"a\n{RLO}b\n") == "a\n\\u202eb\n"
    assert visible("plain → text\nline two\n") == "plain → text\nline two\n"


def test_json_keeps_the_data_and_escapes_what_a_terminal_would_act_on():
    text = json.dumps({"t": HOSTILE + "\x85"}, ensure_ascii=False)
    safe = json_safe(text)
    assert json.loads(safe) == {"t": HOSTILE + "\x85"}
    assert not DANGEROUS_SET & set(safe.replace("\n", ""))


@pytest.fixture
def hostile_db(cli, tmp_path):
    db = tmp_path / "h.db"
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": HOSTILE, "period": "2026-Q4",
           "key_results": [{"id": "kr-1", "title": HOSTILE, "kind": "increase", "start": 0, "target": 9,
                            "check_ins": [{"id": "c-1", "date": "2026-11-20", "value": 1, "note": HOSTILE}]}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "d.json", doc)).code == 0
    return db


@pytest.mark.parametrize("args", [
    ["report"], ["report", "--format", "md"], ["report", "--format", "csv"], ["report", "--format", "json"],
    ["report", "--team"], ["report", "--team", "--format", "md"], ["report", "--team", "--format", "json"],
    ["export"], ["export", "--format", "md"], ["export", "--format", "csv"], ["lint", "--format", "json"],
    ["lint"], ["due"]], ids=lambda a: "-".join(a))
def test_no_output_carries_an_invisible_character(cli, hostile_db, args):
    out = cli("--db", hostile_db, *args, "--period", "2026-Q4") if args[0] != "due" else \
        cli("--db", hostile_db, *args)
    assert out.code in (0, 1), out.err
    text = out.out + out.err
    assert not [f"U+{ord(ch):04X}" for ch in set(text) - {"\n"} if ch in DANGEROUS_SET]
    if args[-1] == "json" and args[0] != "lint":
        assert HOSTILE in json.dumps(out.json(), ensure_ascii=False)  # the data itself is intact


def test_export_to_a_file_is_owner_only_even_over_a_readable_one(cli, hostile_db, tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    assert cli("--db", hostile_db, "export", "-o", target).code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert json.loads(target.read_text())["objectives"][0]["title"] == HOSTILE
    fresh = tmp_path / "new.md"
    assert cli("--db", hostile_db, "export", "--format", "md", "-o", fresh).code == 0
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []


def test_a_numbers_text_kept_once_made_is_the_text_made_afresh():
    """fmt_num keeps each float's text: equal floats must read the same, whichever came first
    (0.0 and -0.0, 94.0 and 94), and big or odd values as before."""
    import random

    from okrtui.core import text

    rng = random.Random(95)
    values = [0.0, -0.0, 94.0, 94, 2.5, -2.5, 1e20, 10**20, 2.0**53, 2.0**53 + 2, float("nan"), float("inf"),
              -float("inf"), 1e-7, 0.1 + 0.2, None]
    values += [rng.uniform(-1e6, 1e6) for _ in range(300)] + [float(rng.randint(-999, 999)) for _ in range(300)]
    for order in (values, values[::-1]):
        text._SHOWN.clear()
        for v in order + order:
            assert text.fmt_num(v) == text._fmt_num(v), v
    assert text.fmt_num(-0.0) == text.fmt_num(0.0) == "0" and text.fmt_num(None) == "–"
    assert text.fmt_num(1e20) == "1e+20" and text.fmt_num(10**20) == "100000000000000000000"
