"""The settings, config.toml and the default paths. Settings are passed down, never read from globals."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrtui.core.errors import OkrError

if TYPE_CHECKING:  # the fields' checks, resolved by okrtui.config.settings only when there is something to check
    from okrtui.rules.schema import Days, Email, Flag, Keymap, Month, Name, PathText

APP = "okrtui"
ENV_PREFIX = "OKRTUI_"
MAX_CONFIG_BYTES = 1024 * 1024  # a config is a few lines; a bigger file is a wrong path


@dataclass(frozen=True)
class Config:
    """Every setting, its default and its check (a schema type): the one definition.

    okrtui.config.settings reads config.toml and $OKRTUI_<NAME> into it through pydantic-settings.
    A plain dataclass, so a start with neither never imports pydantic (docs/performance.md).
    """

    name: Name = ""
    email: Email = ""
    team_file: PathText = ""
    fiscal_year_start_month: Month = 1
    stale_after_days: Days = 7
    theme: Name = "textual-dark"
    # A blinking cursor redraws twice a second: bytes on a slow SSH link, and noise for some.
    cursor_blink: Flag = True
    # [keys]: binding id -> key(s), e.g. "team.approve" = "ctrl+a" (docs/tui.md, "Remapping keys").
    keys: Keymap = field(default_factory=dict, hash=False)  # a dict: a Config stays hashable without it


def config_path() -> Path:
    env = os.environ.get("OKRTUI_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path  # only without $OKRTUI_CONFIG: start-up cost

    return user_config_path(APP) / "config.toml"


def default_db_path() -> Path | str:
    """$OKRTUI_DB (a path, or a database URL kept as written), else okrtui.db in the data dir."""
    env = os.environ.get("OKRTUI_DB")
    if env and not env.strip():  # `OKRTUI_DB=" "`: a mistake, not a file named " "
        raise OkrError("$OKRTUI_DB is blank: a database file path or URL, or unset it for the default")
    if env:
        return db_target(env)
    from platformdirs import user_data_path  # only without $OKRTUI_DB: start-up cost

    return user_data_path(APP) / "okrtui.db"


def db_target(given: str) -> Path | str:
    """A --db value: a database URL stays a string (a Path would fold its //), and so does `memory:`
    as typed (a Path folds `./memory:` into it too: that spelling is a file of the name), a path expands ~."""
    if "://" in given or given.strip().lower().startswith("memory:"):  # okrtui.storage.memory.PREFIX
        return given
    return Path(given).expanduser()


def env_settings(environ: Mapping[str, str] | None = None) -> list[str]:
    """The $OKRTUI_<NAME> variables that set a setting (any case, as pydantic-settings reads them).
    Other OKRTUI_ variables ($OKRTUI_DB, $OKRTUI_CONFIG, or one okrtui does not know) are not settings."""
    names = {ENV_PREFIX + f.name.upper() for f in fields(Config)}
    return sorted(k for k in (os.environ if environ is None else environ) if k.upper() in names)


def read_file(path: Path) -> dict[str, Any] | None:
    """config.toml's table, or None when there is no file."""
    try:
        # O_NONBLOCK: a FIFO with no writer must not block the open; then only a regular file is read
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise OkrError(f"cannot read config {path}: {err.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # a FIFO or a device (/dev/zero) would hang or fill the memory
        os.close(fd)
        raise OkrError(f"config {path} is {'a directory' if stat.S_ISDIR(mode) else 'not a regular file'}")
    with os.fdopen(fd, "rb") as file:
        try:
            raw = file.read(MAX_CONFIG_BYTES + 1)  # at most this much, even if it grows as we read
        except OSError as err:
            raise OkrError(f"cannot read config {path}: {err.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise OkrError(f"config {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB: not a config file?")
    from okrtui.config import toml  # tomllib, only for a file there is (start-up: docs/performance.md)

    return toml.parse(raw, path)


def load(path: Path | None = None, *, keys: bool = True) -> Config:
    """config.toml, then $OKRTUI_<NAME> over it (environment over file over defaults).
    Without `keys`, [keys] and $OKRTUI_KEYS are not read at all: they are the TUI's alone, so a
    mistake in them never stops `okrtui report` or a check-in (docs/tui.md, "Remapping keys")."""
    path = path or config_path()
    data = read_file(path)
    skip = frozenset() if keys else frozenset({"keys"})
    ignored = {ENV_PREFIX + name.upper() for name in skip}
    if data is None and not [v for v in env_settings() if v.upper() not in ignored]:
        return Config()  # nothing to read: no pydantic on this path
    from okrtui.config import settings  # pydantic-settings only when a file or a variable sets something

    return settings.read(Config, data or {}, str(path), ENV_PREFIX, skip=skip)


def update(path: Path | None = None, **changes: Any) -> Config:
    """Change some settings in config.toml, keeping the user's comments, order and layout
    (tomlkit), written atomically and owner-only. The result is checked like any config."""
    import tomlkit  # only to write the config

    from okrtui.config import settings  # checking what is written: pydantic-settings
    from okrtui.core.files import write_atomic

    path = path or config_path()
    checked = {k: settings.check_value(Config, k, v, str(path)) for k, v in changes.items()}
    cfg = replace(load(path), **checked)
    try:
        doc = tomlkit.parse(path.read_text("utf-8"))
    except FileNotFoundError:
        doc = tomlkit.document()
    for key, value in changes.items():
        doc[key] = value
    settings.read(Config, dict(doc.unwrap()), str(path), ENV_PREFIX, environment=False)
    path = path.resolve() if path.is_symlink() else path  # a dotfiles link stays a link: write where it points
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, tomlkit.dumps(doc).encode("utf-8"), mode=0o600)
    return cfg
