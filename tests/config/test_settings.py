"""Settings: one definition (config.Config) read through pydantic-settings from config.toml and
$OKRTUI_<NAME>, the environment over the file over the defaults."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrtui import config
from okrtui.core.errors import OkrError


def test_the_environment_goes_over_the_file_over_the_defaults(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('stale_after_days = 3\ntheme = "nord"\n')
    monkeypatch.setenv("OKRTUI_STALE_AFTER_DAYS", "14")
    monkeypatch.setenv("okrtui_cursor_blink", "false")  # any case, as pydantic-settings reads
    cfg = config.load(path)
    assert (cfg.stale_after_days, cfg.theme, cfg.cursor_blink, cfg.fiscal_year_start_month) == (14, "nord", False, 1)


def test_settings_from_the_environment_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("OKRTUI_FISCAL_YEAR_START_MONTH", "4")
    monkeypatch.setenv("OKRTUI_NAME", "Alice Ng")
    monkeypatch.setenv("OKRTUI_KEYS", '{"team.approve": "ctrl+a"}')
    cfg = config.load(tmp_path / "none.toml")
    assert (cfg.fiscal_year_start_month, cfg.name, cfg.keys) == (4, "Alice Ng", {"team.approve": "ctrl+a"})


def test_the_path_variables_and_unknown_ones_are_not_settings(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("stale_after_days = 5\n")
    monkeypatch.setenv("OKRTUI_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("OKRTUI_CONFIG", str(path))
    monkeypatch.setenv("OKRTUI_SOMETHING_ELSE", "1")
    assert config.load(path).stale_after_days == 5
    assert config.env_settings() == []


@pytest.mark.parametrize(("name", "value", "phrase"), [
    ("OKRTUI_STALE_AFTER_DAYS", "soon", "$OKRTUI_STALE_AFTER_DAYS: stale_after_days: expected a whole number"),
    ("OKRTUI_STALE_AFTER_DAYS", "400", "$OKRTUI_STALE_AFTER_DAYS: stale_after_days: expected 0 to 366"),
    ("OKRTUI_CURSOR_BLINK", "maybe", "$OKRTUI_CURSOR_BLINK: cursor_blink: expected true or false"),
    ("OKRTUI_EMAIL", "nope", "$OKRTUI_EMAIL: email: 'nope' is not an email address"),
    ("OKRTUI_KEYS", "{not json", "$OKRTUI_KEYS: expected a JSON table"),
])
def test_a_bad_variable_is_named(tmp_path, monkeypatch, name, value, phrase):
    monkeypatch.setenv(name, value)
    with pytest.raises(OkrError) as err:
        config.load(tmp_path / "none.toml")
    assert phrase in str(err.value)


def test_a_bad_variable_is_one_error_line_from_the_cli(cli, db, monkeypatch):
    monkeypatch.setenv("OKRTUI_STALE_AFTER_DAYS", "-1")
    result = cli("--db", db, "report")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "okrtui: error: $OKRTUI_STALE_AFTER_DAYS: stale_after_days: expected 0 to 366"]


def test_keys_written_as_a_dotted_key_or_a_quoted_one_mean_the_same(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[keys]\nteam.approve = "ctrl+a"\n"checkin.history" = "f3,y"\n')
    assert config.load(path).keys == {"team.approve": "ctrl+a", "checkin.history": "f3,y"}


@pytest.mark.parametrize(("text", "phrase"), [
    ('keys = "ctrl+a"\n', "keys: expected a table"),
    ('[keys]\n"team.approve" = 3\n', "keys.team.approve: expected a key"),
    ('[keys]\n"team.approve" = ""\n', 'keys.team.approve: expected a key like "ctrl+a" (or several, "f2,ctrl+s"), '
                                     "got an empty string"),
])
def test_a_bad_keys_table_is_refused(tmp_path, text, phrase):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(OkrError) as err:
        config.load(path)
    assert phrase in str(err.value)


@pytest.mark.parametrize(("text", "variable"), [
    ('[keys]\n"team.approve" = 3\n', None),
    ('[keys]\n"no.such.id" = "x"\n', None),
    ("", "{not json"),
])
def test_a_bad_keys_table_stops_the_tui_alone(cli, demo_db, tmp_path, monkeypatch, text, variable):
    """docs/tui.md: other commands do not read [keys], so a mistake there never stops a report."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("OKRTUI_CONFIG", str(path))
    if variable:
        monkeypatch.setenv("OKRTUI_KEYS", variable)
    assert config.load(path, keys=False).keys == {}
    result = cli("--db", demo_db, "report")
    assert (result.code, result.err) == (0, "")
    assert cli("--db", demo_db, "checkin", "kr-deploys", "97").code == 0
    if text.startswith("[keys]\n\"team"):
        with pytest.raises(OkrError, match="keys.team.approve: expected a key"):
            config.load(path)  # the TUI's read


def test_update_checks_the_one_value_before_writing(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# mine\n")
    with pytest.raises(OkrError) as err:
        config.update(path, stale_after_days=999)
    assert "stale_after_days: expected 0 to 366" in str(err.value)
    with pytest.raises(OkrError, match="unknown setting 'colour'"):
        config.update(path, colour="blue")
    assert path.read_text() == "# mine\n"


def test_update_writes_the_file_alone_not_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("OKRTUI_STALE_AFTER_DAYS", "14")
    cfg = config.update(path, theme="nord")
    assert path.read_text() == 'theme = "nord"\n'
    assert (cfg.theme, cfg.stale_after_days) == ("nord", 14)


NO_PYDANTIC = ("import sys; from okrtui import config; cfg = config.load(); "
               "print('PYDANTIC', sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'pydantic_settings'}))")


def test_no_file_and_no_variable_never_imports_pydantic(tmp_path):
    env = {"PATH": "", "OKRTUI_CONFIG": str(tmp_path / "none.toml")}
    proc = subprocess.run([sys.executable, "-c", NO_PYDANTIC], capture_output=True, text=True, timeout=60, env=env)
    assert "PYDANTIC []" in proc.stdout, proc.stdout + proc.stderr
    env["OKRTUI_THEME"] = "nord"
    proc = subprocess.run([sys.executable, "-c", NO_PYDANTIC], capture_output=True, text=True, timeout=60, env=env)
    assert "PYDANTIC ['pydantic', 'pydantic_settings']" in proc.stdout, proc.stdout + proc.stderr


def test_every_setting_is_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("`config.toml` keys (all optional)"):readme.index("Changing a setting from the TUI")]
    for f in dataclasses.fields(config.Config):
        assert f"{f.name} = " in section or f"[{f.name}]" in section, f.name


def test_a_config_that_is_not_a_regular_file_is_one_error_not_a_hang(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # no writer: opening it for reading would wait forever
    endless = tmp_path / "endless.toml"
    endless.symlink_to("/dev/zero")  # reading it to the end would fill the memory
    for path in (fifo, endless):
        with pytest.raises(OkrError, match="is not a regular file"):
            config.load(path)


def test_a_config_too_large_to_be_one_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"# padding\n" * (config.MAX_CONFIG_BYTES // 10 + 1))
    with pytest.raises(OkrError, match="is larger than"):
        config.load(path)


def test_update_writes_through_a_linked_config_keeping_the_link(tmp_path):
    """A dotfiles manager links config.toml into its repository: a theme changed in the TUI must
    land there, not replace the link with a copy the repository never sees."""
    kept = tmp_path / "dotfiles" / "config.toml"
    kept.parent.mkdir()
    kept.write_text('# mine\nname = "Ann"\n')
    link = tmp_path / "conf" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(kept)
    config.update(link, theme="nord")
    assert link.is_symlink() and link.resolve() == kept
    assert kept.read_text() == '# mine\nname = "Ann"\ntheme = "nord"\n'
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.toml"]
