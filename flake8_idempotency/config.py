"""The plugin's options: one table, parsed once into a typed, immutable Config.

Every option is ``--idm-<name>`` on the command line and ``idm-<name>`` (or
``idm_<name>``) under ``[flake8]`` in ``.flake8``, ``setup.cfg`` or ``tox.ini``.
A bad value stops the run with one line naming the option and what it accepts.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .knowledge.writes import VERSION_FIELDS
from .lazy_pattern import LazyPattern


class ConfigError(ValueError):
    """A user-facing, one-line configuration problem."""


def _whole_number(value: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise ConfigError("a whole number >= 0")
    return int(text)


def _names(pattern: str, lower: bool) -> Callable[[Any], tuple[str, ...]]:
    """A parser for a comma/whitespace-separated list whose items must match ``pattern``."""
    item = LazyPattern(pattern)

    def parse(value: Any) -> tuple[str, ...]:
        if isinstance(value, (list, tuple)):
            value = ",".join(str(part) for part in value)
        names = [part.strip() for part in re.split(r"[,\s]+", str(value)) if part.strip()]
        if any(not item.fullmatch(name) for name in names):
            raise ConfigError("bad item")
        return tuple(dict.fromkeys(name.lower() if lower else name for name in names))

    return parse


#: Where ``pyproject.toml`` holds the options (``[tool.flake8-idempotency]``), read by
#: flake8 and the command line alike.
PYPROJECT_TABLE = "flake8-idempotency"

_WORD = r"[A-Za-z]+"
_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
_HEADER = r"[A-Za-z0-9_-]+"
_IDENTIFIER = r"[A-Za-z_]\w*"


def _steps(value: Any) -> int:
    steps = _whole_number(value)
    if steps == 0:
        raise ConfigError("a whole number of analysis steps > 0")
    return steps


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError("true or false")


class OptionSpec(NamedTuple):
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
        name="file-budget",
        default="1000000",
        parse=_steps,
        accepts="a whole number of analysis steps > 0",
        help="How much work one file's analysis may take, counted in steps (nodes of handler bodies walked), "
        "never in time, so findings do not depend on the machine's load; past it the file gets no IDM findings, "
        "one warning line on stderr and its name in the summary (default: %(default)s).",
    ),
    OptionSpec(
        name="project-root",
        default="",
        parse=str,
        accepts="a directory",
        help="The project's root, read for route tables in other files (default: the current directory, "
        "or the common directory of the paths given when they lie outside it).",
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
        parse=_names(_IDENTIFIER, lower=True),
        accepts="comma-separated names",
        help="IDM001: fields a PUT may bump (version and timestamp fields; default: %(default)s).",
    ),
    OptionSpec(
        name="relative-write-calls",
        default="",
        parse=_names(_IDENTIFIER, lower=False),
        accepts="comma-separated names",
        help="IDM001: extra function or method names that count as relative writes (default: none).",
    ),
    OptionSpec(
        name="safe-lookups",
        default="",
        parse=_names(_DOTTED, lower=False),
        accepts="comma-separated function names (like get_or_404)",
        help="IDM003: extra function names that answer 404 themselves when the resource is missing, like the "
        "project's own get_or_404 helper; calls into them are never IDM003 (comma-separated; default: none).",
    ),
    OptionSpec(
        name="critical-words",
        default="",
        parse=_names(_WORD, lower=True),
        accepts="comma-separated words (letters only)",
        help="IDM002: the words that make a POST critical, replacing the built-in set (default: built-in set).",
    ),
    OptionSpec(
        name="extend-critical-words",
        default="",
        parse=_names(_WORD, lower=True),
        accepts="comma-separated words (letters only)",
        help="IDM002: words that make a POST critical, added to the built-in (or replaced) set.",
    ),
    OptionSpec(
        name="critical-calls",
        default="",
        parse=_names(_DOTTED, lower=False),
        accepts="comma-separated dotted names like acme.Payments.create",
        help="IDM002: extra calls that move money, as dotted suffixes (acme.Payments.create).",
    ),
    OptionSpec(
        name="idempotency-headers",
        default="",
        parse=_names(_HEADER, lower=False),
        accepts="comma-separated header names like X-Request-Id",
        help="IDM002: extra request header names that carry an idempotency key.",
    ),
    OptionSpec(
        name="guard-decorators",
        default="",
        parse=_names(_DOTTED, lower=False),
        accepts="comma-separated dotted names like myapp.idempotency.idempotent",
        help="IDM002: extra decorators, mixins or middleware that make an endpoint idempotent (dotted suffixes).",
    ),
)


class Config(NamedTuple):
    """The parsed options. A NamedTuple, not a dataclass: immutable and hashable alike,
    and cheaper to define on the import every lint pays."""

    call_depth: int = 2
    file_budget: int = 1_000_000
    project_root: str = "."
    show_endpoints: bool = False
    #: IDM001: fields a PUT may bump; extra relative-write calls.
    put_allowed_fields: tuple[str, ...] = tuple(VERSION_FIELDS)
    relative_write_calls: tuple[str, ...] = ()
    #: IDM003: the project's own 404 helpers.
    safe_lookups: tuple[str, ...] = ()
    #: IDM002; an empty ``critical_words`` means the built-in set.
    critical_words: tuple[str, ...] = ()
    extend_critical_words: tuple[str, ...] = ()
    critical_calls: tuple[str, ...] = ()
    idempotency_headers: tuple[str, ...] = ()
    guard_decorators: tuple[str, ...] = ()

    @classmethod
    def from_values(cls, values: dict[str, Any], table: dict[str, Any] | None = None) -> Config:
        """Build from raw option values keyed by ``dest`` (what flake8 parsed from its command
        line and config files), with ``table`` (``[tool.flake8-idempotency]``) filling in
        the options they leave at their defaults; raises ConfigError."""
        parsed = {}
        table = table or {}
        for spec in OPTIONS:
            raw = values.get(spec.dest)
            if (raw is None or raw == spec.default) and spec.name in table:
                raw = table[spec.name]
            if raw is None:
                raw = spec.default
            try:
                parsed[spec.dest.removeprefix("idm_")] = spec.parse(raw)
            except (ConfigError, ValueError):
                raise ConfigError(
                    f"flake8-idempotency: bad value {str(raw)!r} for {spec.flag}: expected {spec.accepts}"
                ) from None
        parsed["project_root"] = parsed.get("project_root") or default_root(values.get("filenames") or ())
        known = set(cls._fields)
        return cls(**{key: value for key, value in parsed.items() if key in known})


def pyproject_table(directory: str) -> dict[str, Any]:
    """``[tool.flake8-idempotency]`` of ``directory/pyproject.toml`` with keys as option names
    (``call-depth``); {} without one. Raises ConfigError for invalid TOML or an unknown key."""
    path = os.path.join(directory, "pyproject.toml")
    if not os.path.isfile(path):
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"flake8-idempotency: {path}: not valid TOML: {error}") from None
    table = document.get("tool", {}).get(PYPROJECT_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"flake8-idempotency: {path}: [tool.{PYPROJECT_TABLE}] must be a table")
    names = {spec.name for spec in OPTIONS}
    options = {}
    for key, value in table.items():
        name = key.replace("_", "-")
        if name not in names:
            raise ConfigError(
                f"flake8-idempotency: unknown key {key!r} in [tool.{PYPROJECT_TABLE}] of {path}; "
                f"accepted: {', '.join(sorted(names))}"
            )
        options[name] = value
    return options


def default_root(paths: Sequence[str]) -> str:
    """The current directory, unless the paths lie outside it: then their common directory."""
    here = os.getcwd()
    absolute = [os.path.abspath(path) for path in paths if path != "-"]
    if all(path == here or path.startswith(here + os.sep) for path in absolute):
        return here
    directories = [path if os.path.isdir(path) else os.path.dirname(path) for path in absolute]
    return os.path.commonpath(directories)
