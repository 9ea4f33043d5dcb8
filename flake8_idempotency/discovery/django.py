"""Django and DRF function views, DRF extra actions, same-file URLconfs.

Class-based views (``View``, ``APIView``, ViewSets, generics) are found by the
``views`` engine from ``VIEW_FAMILIES``. Here: ``@require_http_methods``,
``@require_POST``, ``@api_view``, function views that branch on
``request.method``, ``@action(methods=[...])`` and ``@<action>.mapping.delete``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import (
    DJANGO_METHOD_DECORATORS,
    DRF_ACTION,
    DRF_API_VIEW,
    REGISTRATION_TRIGGERS,
    VERB_METHODS,
)
from ..model.endpoint import ANY_METHOD, Endpoint, join_path
from ..model.source import FunctionNode
from ..syntax import call_argument, literal_string, package_and_name
from .branches import branched_methods
from .context import DiscoveryContext, Registration, frameworks_imported, methods_from

_URLCONF_CALLS = frozenset({("django", "path"), ("django", "re_path"), ("django", "url")})
_URLCONF_NAMES = frozenset(name for _, name in _URLCONF_CALLS)


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    source = context.source
    if not frameworks_imported(source) & {"django", "drf"}:
        return
    for handler, cls in source.all_functions:
        declared = _declared_methods(context, handler, cls)
        if declared is not None:
            framework, methods = declared
            for path in _action_paths(context, handler, cls):
                yield from context.endpoints(handler, cls, methods, path, framework)
        elif cls is None and handler.args.args and not _takes_response(handler):
            request = handler.args.args[0].arg
            methods = branched_methods(handler, frozenset({request}))
            if methods:
                yield from context.endpoints(handler, cls, methods, None, "django")


#: A function given the response already made is post-processing (middleware, test
#: client, decorator helpers), never a view, even when it branches on the method.
_RESPONSE_PARAMETERS = frozenset({"response", "resp"})


def _takes_response(handler) -> bool:
    return any(argument.arg in _RESPONSE_PARAMETERS for argument in handler.args.args)


def _declared_methods(context: DiscoveryContext, handler, cls) -> tuple[str, tuple[str, ...]] | None:
    source = context.source
    for decorator in handler.decorator_list:
        if isinstance(decorator, ast.Attribute) and isinstance(decorator.value, ast.Attribute):
            # @refund.mapping.delete: another method for an existing action
            if decorator.value.attr == "mapping" and decorator.attr in VERB_METHODS and cls is not None:
                return "drf", VERB_METHODS[decorator.attr]
        call = decorator if isinstance(decorator, ast.Call) else None
        dotted = source.imported_name(call.func if call else decorator)
        if not dotted:
            continue
        key = package_and_name(dotted)
        if key in DJANGO_METHOD_DECORATORS:
            methods = DJANGO_METHOD_DECORATORS[key]
            if methods is None and call is not None:
                methods = methods_from(call_argument(call, 0, ("request_method_list",)))
            if methods:
                return "django", methods
        elif key == DRF_API_VIEW:
            methods = methods_from(call_argument(call, 0, ("http_method_names",))) if call else None
            return "drf", methods or ("GET",)
        elif key == DRF_ACTION and cls is not None:
            # action(methods=None, detail=None, url_path=None, ...): positional or keyword
            methods = methods_from(call_argument(call, 0, ("methods",))) if call else None
            return "drf", methods or ("GET",)
    return None


def _action_paths(context: DiscoveryContext, handler, cls) -> list[str | None]:
    """A DRF extra action's routes: the router's detail or collection route + url_path."""
    found = _action_decorator(context, handler, cls)
    if found is None:
        return [None]
    action, owner = found
    detail = call_argument(action, 1, ("detail",))
    is_detail = isinstance(detail, ast.Constant) and detail.value is True
    url_path = literal_string(call_argument(action, None, ("url_path",)))
    segment = (url_path if url_path is not None else owner.name) + "/"
    paths = [
        join_path(registration.path, segment)
        for registration in context.paths_by_target.get(cls.name, ())
        if registration.detail is is_detail
    ]
    return paths or [None]


def _action_decorator(
    context: DiscoveryContext, handler: FunctionNode, cls: ast.ClassDef | None
) -> tuple[ast.Call, FunctionNode] | None:
    """The ``@action(...)`` call of ``handler``, or of the action ``@x.mapping.delete`` extends."""
    if cls is None:
        return None
    for decorator in handler.decorator_list:
        if isinstance(decorator, ast.Attribute) and isinstance(decorator.value, ast.Attribute):
            if decorator.value.attr == "mapping" and isinstance(decorator.value.value, ast.Name):
                mapped = decorator.value.value.id
                for statement in cls.body:
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == mapped:
                        return _action_decorator(context, statement, cls)
        if isinstance(decorator, ast.Call):
            dotted = context.source.imported_name(decorator.func)
            if dotted and package_and_name(dotted) == DRF_ACTION:
                return decorator, handler
    return None


#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["django"]


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    """``path("orders/<int:pk>/", views.order, ...)`` in a URLconf in the same file."""
    source = context.source
    if "django" not in frameworks_imported(source):
        return
    for call in source.calls_to(_URLCONF_NAMES):
        dotted = source.imported_name(call.func)
        if not dotted or package_and_name(dotted) not in _URLCONF_CALLS:
            continue
        route = literal_string(call_argument(call, 0, ("route",)))
        target = context.target_name(call_argument(call, 1, ("view",)))
        if target and route is not None:
            methods = (ANY_METHOD,) if target.name in source.functions else None
            yield Registration.to(target, join_path(None, route), "django", methods)
