"""Binding ids and config.toml's [keys]: a key moved by id works, its old key no longer does, the
help and the footer show the new one, and a wrong id or key is one error line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from okrtui.config import Config
from okrtui.core.errors import OkrError
from okrtui.storage.model import CheckIn
from okrtui.tui.app import OkrApp
from okrtui.tui.screens.checkin import HistoryDialog
from okrtui.tui.screens.keys import bindings_by_class, checked_keymap, key_label, keys_of
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import TODAY, RecordingApp, close, demo_template, press, rows, settle

ROOT = Path(__file__).resolve().parents[2]


def every_binding():
    return [(owner, b) for owner, bindings in bindings_by_class(OkrApp.BINDINGS) for b in bindings]


def test_every_binding_has_an_id_of_its_own():
    found = every_binding()
    assert len(found) > 80
    missing = [(owner, b.key, b.action) for owner, b in found if not b.id]
    assert missing == []
    ids = [b.id for _, b in found]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", i or "") for i in ids)


def test_every_binding_id_is_in_the_docs():
    doc = (ROOT / "docs" / "tui.md").read_text()
    section = doc[doc.index("| where | ids and default keys |"):doc.index("### What the marks mean")]
    listed = set(re.findall(r"`([a-z]+\.[a-z_]+)`", section))
    ids = {b.id for _, b in every_binding()}
    assert ids - listed == set(), "add these to docs/tui.md, Remapping keys"
    assert listed - ids == set(), "docs/tui.md lists ids no binding has"


def test_key_labels_come_from_textual_with_the_help_s_words():
    assert key_label("question_mark,less_than_sign,escape,pageup,left_square_bracket") == "? / < / esc / pgup / ["
    assert key_label("enter,v") == "enter / v" and key_label("up,k") == "up / k"
    assert key_label("f5,ctrl+r") == "f5 / ctrl+r"


@pytest.mark.parametrize(("keymap", "phrase"), [
    ({"team.aprove": "ctrl+a"}, "[keys] 'team.aprove': no key has this id (did you mean 'team.approve'?)"),
    ({"nothing.like.it": "x"}, "[keys] 'nothing.like.it': no key has this id (the ids: docs/tui.md"),
    ({"team.approve": "ctrl+aa"}, "[keys] 'team.approve' = 'ctrl+aa': 'aa' is not a key"),
    ({"team.approve": "cmd+a"}, "'cmd' is not a modifier"),
    ({"team.approve": "ctrl++"}, "'ctrl++': the + key is written 'plus' (ctrl+plus), a comma 'comma'"),
    ({"team.approve": "ctrl+a,"}, "[keys] 'team.approve' = 'ctrl+a,': an empty key in the list (a comma too many?)"),
    ({"team.approve": "Ctrl+a"}, "[keys] 'team.approve' = 'Ctrl+a': 'Ctrl': modifiers are written in lower case ('ctrl')"),
    ({"team.approve": "a"}, "[keys] 'team.approve': 'a' is the key of 'team.pace_filter' in TeamScreen"),
    # the focused list takes its keys first: j would move the cursor, never open the history
    ({"checkin.history": "j"}, "[keys] 'checkin.history': 'j' is the key of 'list.down' in CheckinScreen"),
    ({"list.down": "h"}, "[keys] 'list.down': 'h' is the key of 'checkin.history' in CheckinScreen"),
    ({"history.delete": "k"}, "[keys] 'history.delete': 'k' is the key of 'list.up' in HistoryDialog"),
    # a form's focused text field types a character and keeps its own keys: s would never save
    ({"form.save": "s"}, "[keys] 'form.save': 's' is typed into the text fields of FormScreen (pick a key with ctrl+"),
    ({"form.enter": "shift+question_mark"}, "'shift+question_mark' is typed into the text fields of FormScreen"),
    ({"picker.next": "j"}, "[keys] 'picker.next': 'j' is typed into the text fields of PersonPicker"),
    ({"form.save": "ctrl+a"}, "'form.save': 'ctrl+a' is the key of \"the text field's home\" in FormScreen (pick another key)"),
])
def test_a_wrong_id_or_key_is_refused_naming_it(keymap, phrase):
    with pytest.raises(OkrError) as err:
        checked_keymap(keymap, OkrApp.BINDINGS)
    assert phrase in str(err.value)


def test_a_form_key_may_move_to_a_key_no_text_field_takes():
    assert checked_keymap({"form.save": "ctrl+s", "form.guide": "f3"}, OkrApp.BINDINGS) == {
        "form.save": "ctrl+s", "form.guide": "f3"}


def test_a_key_named_like_textual_names_it_is_accepted():
    """A comma cannot be written in a list of keys: "comma" names it, as Textual does ("plus", "slash"…)."""
    keymap = {"team.approve": "ctrl+comma", "team.pace_filter": "plus", "checkin.history": "slash,full_stop"}
    assert checked_keymap(keymap, OkrApp.BINDINGS) == keymap


def test_two_keys_may_swap():
    assert checked_keymap({"team.approve": "a", "team.pace_filter": "A"}, OkrApp.BINDINGS) == {
        "team.approve": "a", "team.pace_filter": "A"}


def test_the_tui_refuses_a_wrong_id_in_config_toml_with_one_error_line(cli, db, tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[keys]\n"checkin.histroy" = "f3"\n')
    monkeypatch.setenv("OKRTUI_CONFIG", str(cfg))
    result = cli("--db", db)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "okrtui: error: [keys] 'checkin.histroy': no key has this id (did you mean 'checkin.history'?)"]



def test_a_wrong_id_in_okrtui_keys_is_named_after_the_variable(cli, db, tmp_path, monkeypatch):
    """$OKRTUI_KEYS replaces [keys]: its mistake is not sent looking for a [keys] table."""
    monkeypatch.setenv("OKRTUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("OKRTUI_KEYS", '{"checkin.histroy": "f3"}')
    result = cli("--db", db)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "okrtui: error: $OKRTUI_KEYS 'checkin.histroy': no key has this id (did you mean 'checkin.history'?)"]


@pytest.fixture
def remapped(tmp_path):
    path = tmp_path / "keys.db"
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False, keys={"checkin.history": "f3", "history.delete": "x"}),
                       TODAY, native_ansi=False)
    app.animation_level = "none"
    yield app
    close(app)


async def test_a_remapped_key_acts_and_its_old_key_does_not(remapped):
    app = remapped
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await press(pilot, "h")  # the old key: nothing
        assert not isinstance(app.screen, HistoryDialog)
        await press(pilot, "f3")
        assert isinstance(app.screen, HistoryDialog)
        newest = app.screen.query_one(OkrTable).current_key
        await press(pilot, "d")  # the old key: nothing asked, nothing deleted
        assert isinstance(app.screen, HistoryDialog)
        assert rows(app, CheckIn, CheckIn.id == newest)[0].deleted is False
        await press(pilot, "x", "y")
        assert rows(app, CheckIn, CheckIn.id == newest)[0].deleted is True


async def test_the_footer_and_the_help_show_the_new_key(remapped):
    app = remapped
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        shown = {key: active.binding.id for key, active in app.screen.active_bindings.items()}
        assert shown.get("f3") == "checkin.history" and "h" not in shown
        await press(pilot, "question_mark")
        keys = {k.description: k.keys for k in dict(app.screen.sections)["Check-in"]}
        assert keys["History"] == "f3"


def test_keys_of_without_a_keymap_lists_the_bindings_own_keys():
    from okrtui.tui.screens.checkin import CheckinScreen

    assert {k.description: k.keys for k in keys_of(CheckinScreen.BINDINGS)}["History"] == "h"


def shown_text(app) -> str:
    from textual.widgets import Static

    return "\n".join(str(s.render()) for s in app.screen.query(Static))


async def test_the_hint_lines_name_the_keys_in_force(remapped):
    """A screen's or dialog's own hint line ("h: history") follows [keys] as the footer does."""
    app = remapped
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert "f3: history (correct or delete)" in shown_text(app)
        assert "h: history" not in shown_text(app)
        await press(pilot, "f3")
        assert "e / enter: correct   x: delete   esc: back" in shown_text(app)


def test_every_hint_line_names_a_binding_by_its_id_and_its_default_keys():
    """hint_key(keymap, id, default): the id is a binding's and `default` spells (some of) its keys,
    so a hint line reads as before until [keys] moves that binding."""
    ids = {b.id: b for _, b in every_binding()}
    calls = [m for path in sorted((ROOT / "okrtui" / "tui" / "screens").glob("*.py"))
             for m in re.findall(r"hint_key\(\w+(?:\.\w+)*, '([^']+)', '([^']+)'\)", path.read_text())]
    assert len(calls) > 25
    arrows = {"↑": "up", "↓": "down"}
    for ident, default in calls:
        assert ident in ids, ident
        label = key_label(ids[ident].key).split(" / ")
        assert all(arrows.get(part, part) in label for part in default.split(" / ")), (ident, default, label)



def test_the_tui_refuses_a_theme_it_does_not_have(db):
    """A typo in theme (config.toml or $OKRTUI_THEME) is one error line before the first frame,
    not a start in the default theme with nothing said."""
    with pytest.raises(OkrError) as err:
        OkrApp(db, Config(theme="nrod"), TODAY, native_ansi=False)
    assert str(err.value).startswith("theme 'nrod' is not a theme (one of: ") and "nord" in str(err.value)
    assert OkrApp(db, Config(theme="nord"), TODAY, native_ansi=False).theme == "nord"
