"""Flask and Quart registrations, Flask-RESTful/RESTX resources, Smorest blueprints.

Decorator routes (``@app.put``) and MethodView/Resource classes are found by the
shared engines (``routers``, ``views``); this module adds the registrations
that give them paths or declare function views: ``add_url_rule``,
``api.add_resource``, ``@ns.route`` / ``@blp.route`` on a class.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import REGISTRATION_TRIGGERS
from ..model.endpoint import join_path
from ..syntax import call_argument, literal_string
from .context import DiscoveryContext, Registration, frameworks_imported, methods_from

_FRAMEWORKS = ("flask", "quart")
_REGISTERING_NAMES = frozenset({"add_url_rule", "add_resource"})


#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["flask"]


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    source = context.source
    for call in source.calls_to(_REGISTERING_NAMES):
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr == "add_url_rule":
            target = context.target_name(call_argument(call, 2, ("view_func",)))
            rule = literal_string(call_argument(call, 0, ("rule",)))
            methods = methods_from(call_argument(call, None, ("methods",))) or ("GET",)
            if target is None:
                continue
            for match in context.registering_routers(func.value, _FRAMEWORKS):
                for path in context.full_paths(match, rule):
                    yield Registration.to(target, path, match.kind.framework, methods)
        elif func.attr == "add_resource" and "flask" in frameworks_imported(context.source):
            target = context.target_name(call_argument(call, 0, ("resource",)))
            for url in call.args[1:]:
                if target and literal_string(url) is not None:
                    yield Registration.to(target, join_path(None, literal_string(url)), "flask")
    yield from _class_routes(context)


def _class_routes(context: DiscoveryContext) -> Iterator[Registration]:
    """``@ns.route("/orders/<int:id>")`` (RESTX) or ``@blp.route(...)`` (Smorest) on a view class."""
    if "flask" not in frameworks_imported(context.source):
        return
    for cls in context.source.classes.values():
        for decorator in cls.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            if decorator.func.attr != "route":
                continue
            rule = literal_string(call_argument(decorator, 0, ("rule",)))
            if rule is not None:
                prefix = _namespace_prefix(context, decorator.func.value)
                yield Registration(cls.name, join_path(prefix, rule), "flask")


def _namespace_prefix(context: DiscoveryContext, receiver: ast.expr) -> str | None:
    """RESTX ``Namespace("orders", path="/orders")`` or Smorest ``Blueprint(url_prefix=...)``."""
    if not isinstance(receiver, ast.Name):
        return None
    for value in context.source.assignments.get(receiver.id, ()):
        if not isinstance(value, ast.Call):
            continue
        explicit = literal_string(call_argument(value, None, ("path", "url_prefix")))
        if explicit is not None:
            return explicit
        callee = context.source.dotted_name(value.func) or ""
        if callee.rpartition(".")[2] in ("Namespace", "namespace"):
            name = literal_string(call_argument(value, 0, ("name",)))
            return "/" + name if name else None
    return None
