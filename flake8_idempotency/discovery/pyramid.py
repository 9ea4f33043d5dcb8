"""Pyramid: ``@view_config(route_name=..., request_method=...)`` and ``@view_defaults``.

Paths come from ``config.add_route(name, pattern)`` in the same file. A view
with no ``request_method`` serves any method (``ANY``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import PYRAMID_VIEW_CONFIG, PYRAMID_VIEW_DEFAULTS
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
            methods = methods_from(settings.get("request_method")) or (ANY_METHOD,)
            route_name = literal_string(settings.get("route_name"))
            path = join_path(None, patterns.get(route_name)) if route_name else None
            yield from context.endpoints(handler, cls, methods, path, "pyramid")


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
