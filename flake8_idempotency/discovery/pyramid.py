"""Pyramid: ``@view_config(route_name=..., request_method=...)`` and ``@view_defaults``.

Paths come from ``config.add_route(name, pattern)`` in the same file. A view
with no ``request_method`` serves any method (``ANY``). An exception view
(``context=`` an exception: ``HTTPForbidden``, ``Exception``, ``QuotaError``) is
not an endpoint, nor are ``@exception_view_config``, ``@notfound_view_config`` and
``@forbidden_view_config`` views (only ``view_config`` declares one).
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator

from ..knowledge.frameworks import (
    EXCEPTION_NAME_SUFFIXES,
    PYRAMID_EXCEPTION_MODULE,
    PYRAMID_VIEW_CONFIG,
    PYRAMID_VIEW_DEFAULTS,
)
from ..model.endpoint import ANY_METHOD, Endpoint, join_path
from ..syntax import call_argument, literal_string, package_and_name
from .context import DiscoveryContext, frameworks_imported, methods_from

_ROUTE_CALLS = frozenset({"add_route"})


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    if "pyramid" not in frameworks_imported(context.source):
        return
    patterns = _route_patterns(context)
    for handler, cls in context.source.all_functions:
        for config in _decorators(context, handler.decorator_list, PYRAMID_VIEW_CONFIG):
            defaults = {}
            if cls is not None:
                for class_config in _decorators(context, cls.decorator_list, PYRAMID_VIEW_DEFAULTS):
                    defaults = {keyword.arg: keyword.value for keyword in class_config.keywords}
            settings = {**defaults, **{keyword.arg: keyword.value for keyword in config.keywords}}
            if _is_exception(context, settings.get("context")):
                continue  # an exception view renders errors; no request is routed to it
            methods = methods_from(settings.get("request_method")) or (ANY_METHOD,)
            route_name = literal_string(settings.get("route_name"))
            path = join_path(None, patterns.get(route_name)) if route_name else None
            yield from context.endpoints(handler, cls, methods, path, "pyramid")


def _is_exception(context: DiscoveryContext, node: ast.expr | None) -> bool:
    """``context=HTTPForbidden`` / ``Exception`` / ``errors.QuotaExceededError``."""
    if node is None:
        return False
    dotted = context.source.dotted_name(node) or ""
    name = dotted.rpartition(".")[2]
    return (
        dotted.startswith(PYRAMID_EXCEPTION_MODULE + ".")
        or name.endswith(EXCEPTION_NAME_SUFFIXES)
        or isinstance(getattr(builtins, name, None), type)
        and issubclass(getattr(builtins, name), BaseException)
    )


def _decorators(context: DiscoveryContext, decorators: list[ast.expr], wanted) -> Iterator[ast.Call]:
    for decorator in decorators:
        if isinstance(decorator, ast.Call):
            dotted = context.source.imported_name(decorator.func)
            if dotted and package_and_name(dotted) in wanted:
                yield decorator


def _route_patterns(context: DiscoveryContext) -> dict[str, str]:
    patterns = {}
    for call in context.source.calls_to(_ROUTE_CALLS):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_route":
            name = literal_string(call_argument(call, 0, ("name",)))
            pattern = literal_string(call_argument(call, 1, ("pattern", "path")))
            if name and pattern is not None:
                patterns[name] = pattern
    return patterns
