"""Settings read through pydantic-settings: a file's table, and the environment over it.

The definition is a frozen dataclass (config.Config) whose fields name their checks (schema
types); the pydantic-settings model is built from it here, so a setting is written once.
Precedence, as pydantic-settings orders it: the environment over the file over the defaults.
Imported only when a file or a variable sets something (config.load): pydantic-settings
takes about 70 ms to import, which a start without settings does not pay.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_type_hints

from pydantic import ValidationError, create_model
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from okrtui.core.errors import OkrError
from okrtui.rules import schema

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
_MODELS: dict[tuple[type[Any], str, bool, frozenset[str]], type[BaseSettings]] = {}


class _Environment(EnvSettingsSource):
    """$PREFIX<NAME>: a number or true/false is read as JSON, as a table already is; text stays
    text. The schema's checks are strict (a file's `7` is a number, `"7"` is not)."""

    def prepare_field_value(self, field_name: str, field: FieldInfo, value: Any, value_is_complex: bool) -> Any:
        value = super().prepare_field_value(field_name, field, value, value_is_complex)
        if isinstance(value, str) and field.annotation in (int, bool):
            try:
                return json.loads(value)
            except ValueError:
                return value  # the field's check says what is wrong with it
        return value


class _FileOnly(BaseSettings):
    environment: ClassVar[bool] = False

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[
                                       PydanticBaseSettingsSource, ...]:
        # The file's table comes in as the init arguments, the environment (if read) over it; no
        # .env, no secrets dir.
        return (_Environment(settings_cls), init_settings) if cls.environment else (init_settings,)


class _WithEnvironment(_FileOnly):
    environment = True


def hints(definition: type[DataclassInstance]) -> dict[str, Any]:
    """The definition's field types, checks included (its annotations name schema's types)."""
    namespace = {**vars(sys.modules[definition.__module__]), **vars(schema)}
    return get_type_hints(definition, globalns=namespace, include_extras=True)


def model(definition: type[DataclassInstance], prefix: str, environment: bool = True,
          skip: frozenset[str] = frozenset()) -> type[BaseSettings]:
    """The pydantic-settings model of a dataclass's fields but `skip`: unknown keys refused, $PREFIX<NAME> read."""
    key = (definition, prefix, environment, skip)
    if key not in _MODELS:
        _MODELS[key] = _build(definition, prefix, environment, skip)
    return _MODELS[key]


def _build(definition: type[DataclassInstance], prefix: str, environment: bool,
           skip: frozenset[str]) -> type[BaseSettings]:
    specs: dict[str, Any] = {}
    for f in dataclasses.fields(definition):
        if f.name in skip:
            continue
        default = f.default if f.default_factory is dataclasses.MISSING else f.default_factory()
        specs[f.name] = (hints(definition)[f.name], default)
    base = type("Base", (_WithEnvironment if environment else _FileOnly,),
                {"model_config": SettingsConfigDict(env_prefix=prefix, extra="forbid", frozen=True)})
    return create_model(definition.__name__, __base__=base, **specs)


def variables(definition: type[DataclassInstance], prefix: str, environ: Any = None) -> list[str]:
    """The environment variables that set one of the fields (any case, as pydantic-settings reads them)."""
    names = {prefix + f.name.upper() for f in dataclasses.fields(definition)}
    return sorted(k for k in (os.environ if environ is None else environ) if k.upper() in names)


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A table written `team.approve = "A"` is TOML's nested table: it means the key "team.approve"."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def read(definition: type[T], data: dict[str, Any], where: str, prefix: str, *, environment: bool = True,
         skip: frozenset[str] = frozenset()) -> T:
    """The file's table (and the environment over it) checked into a `definition`; one error naming
    the first problem, and the variable when the bad value came from one. The fields in `skip` are
    neither read nor checked, from the file or the environment: they keep their defaults."""
    data = {k: _flat(v) if isinstance(v, dict) else v for k, v in data.items() if k not in skip}
    try:
        checked = model(definition, prefix, environment, skip)(**data)
    except SettingsError as err:  # a table variable ($OKRTUI_KEYS) that is not JSON
        bad = [v for v in variables(definition, prefix) if f'"{v[len(prefix):].lower()}"' in str(err)]
        raise OkrError(f"${bad[0] if bad else prefix + '…'}: expected a JSON table like {{\"a\": \"b\"}}") from None
    except ValidationError as err:
        key, message = schema.problems(err)[0]
        if message == "unknown setting":
            raise OkrError(f"{where}: unknown setting {key!r}") from None
        name = key.split(".")[0]
        given = [v for v in variables(definition, prefix) if v.upper() == prefix + name.upper()]
        if environment and given:
            raise OkrError(f"${given[0]}: {key}: {message}") from None
        raise OkrError(f"{where}: {key}: {message}") from None
    return definition(**{f.name: getattr(checked, f.name) for f in dataclasses.fields(definition) if f.name not in skip})


def check_value(definition: type[DataclassInstance], name: str, value: Any, where: str) -> Any:
    """One setting's value checked by its field's type alone (pydantic's TypeAdapter)."""
    if name not in hints(definition):
        raise OkrError(f"{where}: unknown setting {name!r}")
    try:
        return schema.check_value(hints(definition)[name], value, name)
    except schema.Invalid as err:
        raise OkrError(f"{where}: {err}") from None
