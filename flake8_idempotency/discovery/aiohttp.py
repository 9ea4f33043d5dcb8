"""aiohttp route tables: ``web.put("/x", handler)``, ``app.router.add_put(...)``, views.

``@routes.put`` (RouteTableDef) and ``web.View`` classes are found by the
shared engines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import AIOHTTP_ROUTE_HELPERS, AIOHTTP_ROUTER_METHODS, REGISTRATION_TRIGGERS
from ..model.endpoint import join_path
from ..syntax import call_argument, literal_string, package_and_name
from .context import DiscoveryContext, Registration, frameworks_imported, methods_from

#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["aiohttp"]
_REGISTERING_NAMES = frozenset(
    {*AIOHTTP_ROUTE_HELPERS, *AIOHTTP_ROUTER_METHODS, "route", "add_route", "view", "add_view"}
)


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    source = context.source
    if "aiohttp" not in frameworks_imported(source):
        return
    for call in source.calls_to(_REGISTERING_NAMES):
        func = call.func
        dotted = source.imported_name(func)
        helper = package_and_name(dotted) if dotted else None
        if helper and helper[0] == "aiohttp":
            name = helper[1]
        elif isinstance(func, ast.Attribute) and func.attr.startswith("add_"):
            name = func.attr
        else:
            continue
        methods: tuple[str, ...] | None
        if name in AIOHTTP_ROUTE_HELPERS or name in AIOHTTP_ROUTER_METHODS:
            methods = AIOHTTP_ROUTE_HELPERS.get(name) or AIOHTTP_ROUTER_METHODS[name]
            path_index, handler_index = 0, 1
        elif name in ("route", "add_route"):
            methods = methods_from(call_argument(call, 0, ("method",)))
            path_index, handler_index = 1, 2
        elif name in ("view", "add_view"):
            methods, path_index, handler_index = None, 0, 1
        else:
            continue
        target = context.target_name(call_argument(call, handler_index, ("handler",)))
        path = literal_string(call_argument(call, path_index, ("path",)))
        if target:
            yield Registration.to(target, join_path(None, path), "aiohttp", methods)
    yield from _class_views(context)


def _class_views(context: DiscoveryContext) -> Iterator[Registration]:
    """``@routes.view("/orders/{id}")`` on a ``web.View`` class."""
    for cls in context.source.classes.values():
        for decorator in cls.decorator_list:
            if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
                if decorator.func.attr == "view":
                    path = literal_string(call_argument(decorator, 0, ("path",)))
                    yield Registration(cls.name, join_path(None, path), "aiohttp")
