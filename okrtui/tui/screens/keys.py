"""Every key, from the bindings themselves: the ? help and the command palette read them here.

No key is described twice: a binding's description is its footer and help label, its
tooltip the palette's help text. The glyph legend lives here too, one meaning per glyph.
Every binding has an id ("team.approve"); config.toml's [keys] moves it to other keys
(checked_keymap, applied with App.set_keymap), and the help shows the keys in force.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys, format_key
from textual.widgets import Input

import okrtui.tui.screens
import okrtui.tui.widgets
from okrtui.core.errors import OkrError
from okrtui.tui.widgets.table import OkrTable

# Textual's labels (format_key), except these, which the help spells out as the docs do:
# format_key's ⏎ ↑ ↓ ← → suit the footer's tight space, not a list of keys to learn.
IN_WORDS = frozenset({"enter", "up", "down", "left", "right"})
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
KEY_NAMES = frozenset({k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
                      | set(KEY_TO_UNICODE_NAME) | set(KEY_NAME_REPLACEMENTS.values()))

LEGEND: list[tuple[str, str]] = [
    ("◆ ■ ●", "company, team, personal objective"),
    ("(private)", "an objective only you see: never synced or in a team report"),
    ("·", "key result (dimmed: a teammate's, read-only)"),
    ("⚠", "stale: no check-in within stale_after_days"),
    ("✖ ▲ ○", "coach finding: error, warning, info (l lists them)"),
    ("• ✓", "check-in and team review: due this week, done this week"),
    ("[x] [ ]", "quarter close: carried into the next quarter, or not"),
    ("███░░ 0.6", "grade bar: red ≤ 0.3, yellow 0.4–0.6, green ≥ 0.7"),
    ("↑ ↓ →", "confidence up, down, same since the week before"),
    ("✎2", "a KR's comments (m on its detail comments or replies)"),
    ("✉ 2 (i)", "in the header: what others asked of you (i opens the inbox)"),
]


@dataclass(frozen=True)
class Key:
    keys: str          # "j / down"
    description: str   # "Down"
    help: str          # the tooltip, or ""
    action: str


def key_label(keys: str) -> str:
    return " / ".join(k if k in IN_WORDS else format_key(k) for k in (k.strip() for k in keys.split(",")))


def hint_key(keymap: Mapping[str, str], ident: str, default: str) -> str:
    """A hint line's name for a binding's keys: as the line spells it, or the keys [keys] moved it to."""
    keys = keymap.get(ident)
    return default if keys is None else key_label(keys)


# The keys that save: absent from the footer, the help and the palette, and refused with one line,
# in a read-only session (`okrtui --read-only`, `okrtui serve`). A new key that writes joins this set.
WRITING = frozenset({
    "checkin.checkin", "history.correct", "history.delete", "detail.checkin", "detail.comment",
    "objectives.new", "objectives.edit", "objectives.delete", "objectives.activate", "objectives.submit",
    "objectives.dependency", "objectives.move_down", "objectives.move_up", "scoring.score", "scoring.reflect",
    "scoring.close_quarter", "inbox.accept", "inbox.decline", "inbox.read", "team.sync", "team.new_team",
    "team.edit_team", "team.approve", "team.request_changes", "inbox.approve", "inbox.request_changes",
    "detail.approve", "detail.request_changes", "coach.metric",
})


def own_bindings(cls: type) -> list[Binding]:
    """A class's bindings and those of the okrtui classes it builds on, as Textual merges them (a team
    view's `A` is its base's), but not a list's own: OkrTable's keys are the Lists' keys."""
    found: list[Binding] = []
    for klass in reversed(cls.__mro__):
        if klass is not OkrTable and klass.__module__.startswith("okrtui.") and "BINDINGS" in vars(klass):
            found += [b for b in vars(klass)["BINDINGS"] if isinstance(b, Binding) and b not in found]
    return found


def screen_bindings(cls: type) -> list[Binding]:
    """Every key a screen (or dialog, or view) class answers: its own, then its views' (OkrScreen.VIEWS)."""
    found = own_bindings(cls)
    for view in getattr(cls, "VIEWS", ()):
        found += [b for b in own_bindings(view) if b not in found]
    return found


def writing_bindings(cls: type) -> list[Binding]:
    """A screen, dialog or view class's bindings that save (WRITING), its views' included."""
    return [b for b in screen_bindings(cls) if b.id in WRITING]


def writing_actions(cls: type) -> frozenset[str]:
    """The action names of writing_bindings(cls), as check_action receives them (no arguments)."""
    return frozenset(b.action.partition("(")[0] for b in writing_bindings(cls))


def keys_of(bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None,
            hidden: Collection[str] = ()) -> Iterator[Key]:
    """The described bindings of a class, in order (system ones and the ids `hidden` left out), with the
    keymap's keys."""
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description and not binding.system and binding.id not in hidden:
            keys = (keymap or {}).get(binding.id or "", binding.key)
            yield Key(key_label(keys), binding.description, binding.tooltip, binding.action)


def binding_classes() -> list[type]:
    """Every screen, dialog and widget class with BINDINGS of its own (the app's are the app's)."""

    found: list[type] = []
    for package in (okrtui.tui.screens, okrtui.tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):  # the team screen's views too
            module = importlib.import_module(info.name)  # all of them: only for [keys]
            found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                      if cls.__module__ == module.__name__ and "BINDINGS" in vars(cls)]
    return list(dict.fromkeys(found))  # a main screen is also its module's SCREEN


def bindings_by_class(app_bindings: Iterable[BindingType]) -> list[tuple[str, list[Binding]]]:
    """(owner, its bindings) for the app and every class with BINDINGS of its own."""
    owners = [("the app", list(app_bindings))] + [(cls.__name__, list(vars(cls)["BINDINGS"])) for cls in binding_classes()]
    return [(name, [b for b in bindings if isinstance(b, Binding)]) for name, bindings in owners]


def character(name: str) -> str | None:
    """The printable character a key name stands for ("comma" is ",", "plus" is "+"), or None (f2, escape)."""
    if len(name) == 1:
        return name if name.isprintable() else None
    unicode_name = {short: long for long, short in KEY_NAME_REPLACEMENTS.items()}.get(name, name)
    try:
        char = unicodedata.lookup(unicode_name.replace("_", " "))
    except KeyError:
        return None
    return char if len(char) == 1 and char.isprintable() else None


def bad_key(key: str) -> str | None:
    """Why `key` is not a key Textual can bind, or None."""
    if not key:
        return "an empty key in the list (a comma too many?)"
    *modifiers, base = key.split("+")
    if "" in modifiers or (modifiers and not base):
        return f"{key!r}: the + key is written 'plus' (ctrl+plus), a comma 'comma'"
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown and unknown[0].lower() in MODIFIERS:
        return f"{unknown[0]!r}: modifiers are written in lower case ({unknown[0].lower()!r})"
    if unknown:
        return f"{unknown[0]!r} is not a modifier (ctrl, shift, alt, meta, super, hyper)"
    if base != " " and character(base) is not None or base in KEY_NAMES:
        return None
    return f"{base!r} is not a key (a character, or a name like f2, escape, pageup, space, comma, question_mark)"


def typed(key: str) -> bool:
    """A key a text field takes as a character: one printable character, by itself or with shift."""
    *modifiers, base = key.split("+")
    return modifiers in ([], ["shift"]) and character(base) is not None


def _refuse_typed(name: str, bindings: list[Binding], checked: Mapping[str, str], where: str) -> None:
    for b in bindings:
        for key in checked.get(b.id or "", "").split(","):
            if key and typed(key):
                raise OkrError(f"{where} {b.id!r}: {key!r} is typed into the text fields of {name} "
                               "(pick a key with ctrl+ or alt+, or a name like f3)")


def _refuse_clashes(name: str, bindings: list[Binding], checked: Mapping[str, str], where: str) -> None:
    taken: dict[str, str] = {}
    for b in bindings:
        ident = b.id or f"the text field's {b.action}"
        for key in (checked.get(ident) or b.key).split(","):
            key = format_key(key.strip())  # "?" and "question_mark" are one key
            holder = taken.setdefault(key, ident)
            if holder != ident and (holder in checked or ident in checked):
                moved, kept = (ident, holder) if ident in checked else (holder, ident)
                fix = "pick another key" if kept.startswith("the text field") else "move that one too, or pick another key"
                raise OkrError(f"{where} {moved!r}: {key!r} is the key of {kept!r} in {name} ({fix})")


def checked_keymap(keymap: Mapping[str, str], app_bindings: Iterable[BindingType],
                   where: str = "[keys]") -> dict[str, str]:
    """[keys] as App.set_keymap takes it, or one OkrError naming the first unknown id, bad key or clash
    (and `where` the keymap came from): Textual would drop a binding whose key another binding of the
    same screen is moved to."""
    owners = bindings_by_class(app_bindings)
    ids = {b.id: name for name, bindings in owners for b in bindings if b.id}
    # A screen's focused list takes its keys first: a key moved onto one of them would never reach the screen.
    with_list = {cls.__name__ for cls in binding_classes() if getattr(cls, "shows_list", False)}
    list_keys = [b for b in vars(OkrTable)["BINDINGS"] if isinstance(b, Binding)]
    checked: dict[str, str] = {}
    for ident, keys in keymap.items():
        if ident not in ids:
            near = difflib.get_close_matches(ident, list(ids), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else " (the ids: docs/tui.md, \"Remapping keys\")"
            raise OkrError(f"{where} {ident!r}: no key has this id{hint}")
        listed = [k.strip() for k in keys.split(",")]
        for key in listed:
            why = bad_key(key)
            if why:
                raise OkrError(f"{where} {ident!r} = {keys!r}: {why}")
        checked[ident] = ",".join(listed)
    # A form's focused text field takes printable keys and its own (ctrl+a, home…) first.
    typing = {cls.__name__ for cls in binding_classes() if getattr(cls, "types_text", False)}
    field_keys = [b for b in Input.BINDINGS if isinstance(b, Binding)]
    for name, bindings in owners:
        if name in typing:
            _refuse_typed(name, bindings, checked, where)
        extra = (list_keys if name in with_list else []) + (field_keys if name in typing else [])
        _refuse_clashes(name, bindings + extra, checked, where)
    # A screen's view (a list) has its own keys, the screen's and the list's at once: one key each.
    for cls in binding_classes():
        for view in getattr(cls, "VIEWS", ()):
            _refuse_clashes(cls.__name__, own_bindings(cls) + own_bindings(view) + list_keys, checked, where)
    return checked
