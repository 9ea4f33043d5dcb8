"""What discovery produces: one Endpoint per (handler, HTTP method)."""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from ..lazy_pattern import LazyPattern
from .source import FunctionNode

#: Methods served by a view that declares no restriction (Pyramid without request_method).
ANY_METHOD = "ANY"


class Endpoint(NamedTuple):
    """A handler function and one HTTP method it serves."""

    method: str
    path: str | None
    framework: str
    handler: FunctionNode
    class_name: str | None
    filename: str
    #: Statements that run for this method; differs from ``handler.body`` only
    #: for function views that branch on ``request.method``.
    body: tuple[ast.stmt, ...]

    @property
    def line(self) -> int:
        return self.handler.lineno

    @property
    def qualified_handler(self) -> str:
        return f"{self.class_name}.{self.handler.name}" if self.class_name else self.handler.name

    @property
    def label(self) -> str:
        """How messages name the endpoint: ``PUT /users/{id}`` or ``PUT OrderView.put``."""
        return f"{self.method} {self.path if self.path is not None else self.qualified_handler}"


#: Converter/type names that may come first in ``<int:id>`` (Werkzeug, Django) or
#: ``{int:id}`` (Ninja); otherwise the name comes first (``<id:int>``, ``{id:int}``).
_TYPE_NAMES = frozenset(
    {"int", "float", "path", "string", "str", "uuid", "slug", "any", "re"}
    | {"number", "alpha", "ext", "ymd", "strorempty"}
)
_NAMED_GROUP = LazyPattern(r"\(\?P<([A-Za-z_]\w*)>(?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)")
_UNNAMED_GROUP = LazyPattern(r"\((?!\?)(?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)")
_ANGLE_PARAMETER = LazyPattern(r"<([^<>]+)>")
_BRACE_PARAMETER = LazyPattern(r"\{((?:[^{}]|\{[^{}]*\})+)\}")
_COLON_PARAMETER = LazyPattern(r"(?<=/):([A-Za-z_]\w*)")  # Robyn: /orders/:id


def _parameter_name(match: re.Match[str]) -> str:
    parts = match.group(1).split(":")
    if len(parts) > 1 and parts[0].strip() in _TYPE_NAMES and parts[1].strip().isidentifier():
        return "{%s}" % parts[1].strip()
    return "{%s}" % parts[0].strip()


def normalize_path(path: str) -> str:
    """Write every framework's route syntax the same way: ``/orders/{id}``."""
    path = _NAMED_GROUP.sub(r"{\1}", path)
    counter = iter(range(1, 1000))
    path = _UNNAMED_GROUP.sub(lambda _match: "{%d}" % next(counter), path)
    path = _ANGLE_PARAMETER.sub(_parameter_name, path)
    path = _BRACE_PARAMETER.sub(_parameter_name, path)
    path = _COLON_PARAMETER.sub(r"{\1}", path)
    path = path.removeprefix("^").removesuffix("$")
    if not path.startswith("/"):
        path = "/" + path
    return path


def join_path(prefix: str | None, path: str | None) -> str | None:
    """``/orders`` + ``/{id}`` -> ``/orders/{id}``; an unknown part makes the whole unknown."""
    if path is None:
        return None
    if not prefix:
        return normalize_path(path)
    joined = prefix.rstrip("/") + ("/" + path.lstrip("/") if path else "")
    return normalize_path(joined)
