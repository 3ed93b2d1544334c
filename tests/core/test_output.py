"""Every line okrtui prints goes through okrtui.core.output.say (docs/security.md, "Text is data").

The package is read as source: a print(), a write to sys.stdout or sys.stderr, or a file= argument
naming them anywhere but okrtui/core/output.py fails here, so a new message cannot skip the escaping."""

import ast
import json
from pathlib import Path

import pytest

from okrtui.core import output

PACKAGE = Path(output.__file__).parent
# Where a standard stream may be named without writing to it, and why.
ALLOWED = {
    ("cli.py", "fileno"),        # a closed pipe: stdout is pointed at /dev/null, nothing written
    ("cli.py", "err=file is sys.stderr"),  # argparse's --help and --version, handed on to say()
    ("progress.py", "isatty"),   # the bar shows only on a terminal
    ("progress.py", "stream"),   # Rich draws the bar there; its label is escaped (Bar.__init__)
}


def stray_writes(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            found.append(f"{name}:{node.lineno}: print()")
        if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr", "__stdout__", "__stderr__") \
                and isinstance(node.value, ast.Name) and node.value.id == "sys":
            found.append(f"{name}:{node.lineno}: sys.{node.attr}")
    return found


def test_nothing_in_the_package_prints_around_the_output_function():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "output.py":
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for hit in stray_writes(source, path.relative_to(PACKAGE).as_posix()):
            line = lines[int(hit.split(":")[1]) - 1]
            if not any(path.name == module and use in line for module, use in ALLOWED):
                found.append(hit)
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    source = "import sys\nprint('x')\nsys.stdout.write('y')\nf(file=sys.stderr)\n"
    assert stray_writes(source, "m.py") == ["m.py:2: print()", "m.py:3: sys.stdout", "m.py:4: sys.stderr"]


def test_say_escapes_controls_and_bidi_and_keeps_ordinary_text(capsys):
    output.say("a\x1b]0;pwned\x07 \x1b[2J \u202eb\u200e\u061c\x85 [red]x[/] é 漢 🙂\nsecond\tline")
    output.say("to stderr \x1b[31m", err=True)
    out, err = capsys.readouterr()
    assert out == ("a\\x1b]0;pwned\\x07 \\x1b[2J \\u202eb\\u200e\\u061c\\x85 [red]x[/] é 漢 🙂\n"
                                     "second\\tline\n")
    assert err == "to stderr \\x1b[31m\n"


def test_json_stays_json_and_keeps_the_data(capsys):
    data = {"title": "x\x1b[2J\u202e\x85y\n"}
    output.say(json.dumps(data, ensure_ascii=False, indent=2), fmt="json")
    text = capsys.readouterr().out
    assert json.loads(text) == data
    assert not {"\x1b", "\u202e", "\x85"} & set(text)


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_go_through_it(monkeypatch, capsys, flag):
    from okrtui import cli
    from okrtui.cli import parse

    said = []
    monkeypatch.setattr(parse, "say", lambda text, **kw: said.append(text))
    with pytest.raises(SystemExit):
        cli.main([flag])
    assert said and ("usage: okrtui" in said[0] or said[0].startswith("okrtui ")) and capsys.readouterr().out == ""


def test_a_page_is_checked_and_written_line_by_line_as_it_would_be_whole():
    lines = ["<p>plain → text</p>", "two\nlines", "bell\x07 and \u202e", "", "é" * 50, "last\n"]
    assert "\n".join(output.safe_lines(lines)) == output.safe("\n".join(lines))
    assert list(output.safe_lines(lines))[2] == "bell\\x07 and \\u202e"
    whole = output.safe("\n".join(lines)).encode("utf-8")
    for chunk in (1, 7, 1 << 20):
        assert b"".join(output.joined_utf8(output.safe_lines(lines), chunk)) == whole
    assert b"".join(output.joined_utf8([])) == b""


def test_the_page_writers_check_on_its_bytes_is_the_check_on_its_text():
    """safe_joined_utf8 asks only a line's non-ASCII characters whether they are printable (its
    printable ASCII deleted from its bytes): the same bytes as joined_utf8(safe_lines(…)) for every
    kind of character: ASCII controls, C1, bidi, separators, unassigned (a lone surrogate fails both)."""
    import sys

    lines = ["<p>plain → text</p>", "two\nlines", "bell\x07 and \u202e", "", "é" * 50, "last\n", "\x7f", "\x85c1",
             "nbsp\u00a0", "ls\u2028", "\u2066iso\u2069", "zw\u200b", "tag\U000e0041", "new\U0010ffff",
             "日本語 · – ⚠ “q”", "\ufeffbom", "soft\u00adhyphen", "\U0001f600"]
    lines += [f"a{chr(c)}b" for c in range(0, sys.maxunicode + 1, 251) if not 0xD800 <= c <= 0xDFFF]
    for chunk in (1, 7, 1 << 20):
        assert b"".join(output.safe_joined_utf8(lines, chunk)) == b"".join(
            output.joined_utf8(output.safe_lines(lines), chunk))
    assert b"".join(output.safe_joined_utf8([])) == b""
    for write in (output.safe_joined_utf8, lambda ls: output.joined_utf8(output.safe_lines(ls))):
        with pytest.raises(UnicodeEncodeError):
            b"".join(write(["half\ud800"]))


def test_a_stream_that_is_not_utf8_gets_escapes_not_an_error(monkeypatch):
    """PYTHONIOENCODING=ascii or a Latin-1 locale: what the stream cannot encode is written as its escape,
    the rest as it is (the report used to end in `unexpected UnicodeEncodeError` and print nothing)."""
    import io
    import sys

    for encoding, want in (("ascii", b"now \\u2192 target \\xb7 caf\\xe9 \\x1b\n"),
                           ("latin-1", "now \\u2192 target · café \\x1b\n".encode("latin-1"))):
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
        monkeypatch.setattr(sys, "stdout", stream)
        output.say("now → target · café \x1b")  # the control is escaped by `safe` first, as always
        stream.flush()
        assert stream.buffer.getvalue() == want


def test_a_page_to_stdout_is_the_bytes_a_file_gets_whatever_the_streams_encoding(monkeypatch):
    """say_page writes the page's UTF-8 (its <meta charset>) after what was said before it; a stream of
    text only gets the same text through say."""
    import io
    import sys

    lines = ["<p>plain → text</p>", "bell\x07 and \u202e", "é" * 50, "last\n"]
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    output.say("before")
    output.say_page(iter(lines))
    assert stream.buffer.getvalue() == b"before\n" + b"".join(output.safe_joined_utf8(lines))
    text = io.StringIO()
    monkeypatch.setattr(sys, "stdout", text)
    output.say_page(iter(lines))
    assert text.getvalue() == output.safe("\n".join(lines))


def test_a_page_to_a_terminal_that_is_not_utf8_gets_no_byte_an_8bit_terminal_reads_as_a_control(monkeypatch):
    """UTF-8 puts 0x80-0x9F inside letters ("Û" is C3 9B, and 9B is CSI to an 8-bit terminal): a Latin-1
    or ASCII terminal gets the page in its own charset (escapes for the rest), a pipe or file UTF-8."""
    import io
    import sys

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    lines = ["<h1>Û2J Ü</h1>", "→"]
    for encoding, want in (("latin-1", "<h1>Û2J Ü</h1>\n\\u2192".encode("latin-1")),
                           ("ascii", b"<h1>\\xdb2J \\xdc</h1>\n\\u2192"),
                           ("utf-8", "<h1>Û2J Ü</h1>\n→".encode())):
        stream = Terminal(io.BytesIO(), encoding=encoding)
        monkeypatch.setattr(sys, "stdout", stream)
        output.say_page(iter(lines))
        stream.flush()
        assert stream.buffer.getvalue() == want
        assert not any(0x80 <= b <= 0x9F for b in want) or encoding == "utf-8"


def test_json_on_a_stream_that_is_not_utf8_is_the_same_data_and_a_csv_is_refused(monkeypatch):
    """JSON gets \\u escapes (a surrogate pair beyond U+FFFF): a reader reads the same data, where Python's
    own escapes ("\\xe9") were not JSON. A CSV is refused, with nothing written: an escape in a cell would
    change a spreadsheet's data unseen."""
    import io
    import sys

    from okrtui.core.errors import OkrError

    data = {"title": "café 🙂 ⌡ \u202e", "n": 1}
    for encoding in ("ascii", "latin-1", "koi8-r"):
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
        monkeypatch.setattr(sys, "stdout", stream)
        output.say(json.dumps(data, ensure_ascii=False), fmt="json")
        stream.flush()
        written = stream.buffer.getvalue()
        assert json.loads(written.decode(encoding)) == data and written.isascii()
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
        monkeypatch.setattr(sys, "stdout", stream)
        with pytest.raises(OkrError, match=f"stdout's encoding \\({encoding}\\) cannot hold this CSV's text"):
            output.say("title\ncafé 🙂", fmt="csv")
        stream.flush()
        assert stream.buffer.getvalue() == b""
