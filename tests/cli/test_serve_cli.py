"""`okrtui serve`'s flags: a mistake is one error line before anything listens; another address than
this machine's says it is exposed. (Serving itself: tests/browser/test_serve.py, tests/attacks/test_serve.py.)"""

from __future__ import annotations

import shlex

import pytest

from okrtui.cli import serve


@pytest.mark.parametrize("args, said", [
    (["--max-sessions", "0"], "expected 1 to 64"),
    (["--idle", "0"], "minutes above 0"),
    (["--idle", "soon"], "expected a number"),
    (["--port", "70000"], "expected 0 to 65535"),
    (["--host", "bad host"], "expected an IP address or a host name"),
])
def test_a_bad_flag_is_one_line(cli, demo_db, args, said):
    out = cli("serve", "--db", demo_db, *args)
    assert out.code == 2 and out.err.count("\n") == 1 and said in out.err


def test_no_database_is_one_line_and_nothing_is_created(cli, tmp_path):
    out = cli("serve", "--db", tmp_path / "missing.db")
    assert out.code == 2 and "no database at" in out.err
    assert not (tmp_path / "missing.db").exists()


def fake_run(calls):
    def run(opts, say):
        calls.append(opts)
        say("http://127.0.0.1:1/?token=x")
        return 0
    return run


def test_another_address_says_it_is_exposed(cli, demo_db, monkeypatch):
    calls: list[serve.Options] = []
    monkeypatch.setattr(serve, "main", fake_run(calls))
    out = cli("serve", "--db", demo_db, "--host", "0.0.0.0", "--max-sessions", "2", "--idle", "1.5")
    assert out.code == 0 and "exposed" in out.err
    (opts,) = calls
    assert (opts.host, opts.max_sessions, opts.idle_s) == ("0.0.0.0", 2, 90.0)
    assert len(opts.token) >= 32 and opts.token not in out.err  # printed once, as the URL, by run


def test_this_machine_is_the_default_and_says_nothing_of_exposure(cli, demo_db, monkeypatch):
    calls: list[serve.Options] = []
    monkeypatch.setattr(serve, "main", fake_run(calls))
    out = cli("serve", "--db", demo_db)
    assert out.code == 0 and "exposed" not in out.err
    assert calls[0].host == "127.0.0.1" and calls[0].max_sessions == 4 and calls[0].idle_s == 1800
    assert "--read-only" in serve.command(calls[0])
    assert out.out.count("http://") == 1  # one URL


def test_loopback_addresses():
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("::1") and serve.is_loopback("localhost")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("192.168.1.5")
    assert not serve.is_loopback("example.com")
    assert serve.is_host("example.com") and serve.is_host("::1") and not serve.is_host("a b") and not serve.is_host("-x")


def test_every_start_makes_a_new_token():
    assert serve.Options("x.db").token != serve.Options("x.db").token


def test_a_served_file_named_memory_is_the_file_in_every_session(cli, demo_db, tmp_path, monkeypatch):
    """`serve --db ./memory:okr` checks the file, and each session (another process, given --db again)
    must open that file too, not an in-memory database of the name that no session holds."""
    from okrtui.config import db_target

    monkeypatch.chdir(tmp_path)
    (tmp_path / "memory:okr").write_bytes(demo_db.read_bytes())
    calls: list[serve.Options] = []
    monkeypatch.setattr(serve, "main", fake_run(calls))
    out = cli("serve", "--db", "./memory:okr")
    assert out.code == 0, out.err
    argv = shlex.split(serve.command(calls[0]))
    assert db_target(argv[argv.index("--db") + 1]) == tmp_path / "memory:okr"
