"""The plugin's options: one table, parsed once into a typed, immutable Config.

Every option is ``--idm-<name>`` on the command line and ``idm-<name>`` (or
``idm_<name>``) under ``[flake8]`` in ``.flake8``, ``setup.cfg`` or ``tox.ini``.
A bad value stops the run with one line naming the option and what it accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from .knowledge.writes import VERSION_FIELDS


class ConfigError(ValueError):
    """A user-facing, one-line configuration problem."""


def _whole_number(value: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise ConfigError("a whole number >= 0")
    return int(text)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError("true or false")


def _names(value: Any) -> frozenset[str]:
    """Comma- or whitespace-separated Python names, as given."""
    names = frozenset(part for part in re.split(r"[\s,]+", str(value).strip()) if part)
    if not all(name.isidentifier() for name in names):
        raise ConfigError("comma-separated names")
    return names


def _lower_names(value: Any) -> frozenset[str]:
    """Like ``_names``, for names compared case-insensitively."""
    return frozenset(name.lower() for name in _names(value))


@dataclass(frozen=True)
class OptionSpec:
    name: str  # without the --idm- prefix
    default: Any
    parse: Callable[[Any], Any]
    accepts: str  # what the error says is accepted
    help: str
    #: A switch (``--idm-show-endpoints``) rather than an option with a value.
    is_flag: bool = False

    @property
    def flag(self) -> str:
        return f"--idm-{self.name}"

    @property
    def dest(self) -> str:
        return "idm_" + self.name.replace("-", "_")


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        name="call-depth",
        default="2",
        parse=_whole_number,
        accepts="a whole number >= 0",
        help="How many calls deep into the project's own functions a handler body is followed (default: %(default)s).",
    ),
    OptionSpec(
        name="show-endpoints",
        default=False,
        parse=_flag,
        accepts="true or false",
        help="Also report every endpoint found as IDM000 (what the plugin sees; off by default).",
        is_flag=True,
    ),
    OptionSpec(
        name="put-allowed-fields",
        default=",".join(VERSION_FIELDS),
        parse=_lower_names,
        accepts="comma-separated names",
        help="Fields a PUT may bump without IDM001: version and timestamp fields (default: %(default)s).",
    ),
    OptionSpec(
        name="relative-write-calls",
        default="",
        parse=_names,
        accepts="comma-separated names",
        help="Extra function or method names that IDM001 counts as relative writes (default: none).",
    ),
)


@dataclass(frozen=True)
class Config:
    call_depth: int = 2
    show_endpoints: bool = False
    put_allowed_fields: frozenset[str] = frozenset(VERSION_FIELDS)
    relative_write_calls: frozenset[str] = frozenset()

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Config:
        """Build from raw option values keyed by ``dest``; raises ConfigError."""
        parsed = {}
        for spec in OPTIONS:
            raw = values.get(spec.dest)
            if raw is None:
                raw = spec.default
            try:
                parsed[spec.dest.removeprefix("idm_")] = spec.parse(raw)
            except (ConfigError, ValueError):
                raise ConfigError(
                    f"flake8-idempotency: bad value {str(raw)!r} for {spec.flag}: expected {spec.accepts}"
                ) from None
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in parsed.items() if key in known})
