"""FastAPI and Starlette registrations: ``add_api_route`` and ``Route(...)`` tables.

``@router.put`` decorators and ``HTTPEndpoint`` classes are found by the shared
engines; these calls declare function endpoints or give classes their paths.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import REGISTRATION_TRIGGERS, ROUTE_CONSTRUCTORS
from ..model.endpoint import join_path
from ..syntax import call_argument, literal_string, package_and_name
from .context import DiscoveryContext, Registration, methods_from

#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["asgi"]
_REGISTERING_NAMES = frozenset({"add_api_route", *(name for _, name in ROUTE_CONSTRUCTORS)})


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    source = context.source
    for call in source.calls_to(_REGISTERING_NAMES):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "add_api_route":
            target = context.target_name(call_argument(call, 1, ("endpoint",)))
            route = literal_string(call_argument(call, 0, ("path",)))
            verbs = methods_from(call_argument(call, None, ("methods",))) or ("GET",)
            if target is None:
                continue
            for match in context.registering_routers(func.value, ("fastapi",)):
                for path in context.full_paths(match, route):
                    yield Registration.to(target, path, "fastapi", verbs)
            continue
        dotted = source.imported_name(func)
        if dotted is None:
            continue
        known = ROUTE_CONSTRUCTORS.get(package_and_name(dotted))
        if known is None:
            continue
        framework, path_index, handler_index = known
        target = context.target_name(call_argument(call, handler_index, ("endpoint",)))
        if target is None:
            continue
        path = literal_string(call_argument(call, path_index, ("path",)))
        methods = methods_from(call_argument(call, None, ("methods",)))
        if target.name in source.functions:
            methods = methods or ("GET",)
        yield Registration.to(target, join_path(None, path), framework, methods)
