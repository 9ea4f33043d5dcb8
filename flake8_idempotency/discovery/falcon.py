"""Falcon responders: ``on_put`` / ``on_delete_<suffix>`` on a resource class.

Falcon resources have no base class: the responder naming is the declaration, but
only on a class the framework reaches. A class is a Falcon resource when it has a
responder (``def on_<verb>[_<suffix>](self, req, resp, ...)``, or ``on_<verb> = method``
in its body) and:

1. its module imports falcon, or imports a project module that does (an app's own
   helpers: ``from mailman.rest.helpers import child``, where ``helpers`` imports
   falcon); or
2. a falcon app routes it: ``app.add_route(path, Resource(...))`` in this file or,
   through the project index, in any other file that imports falcon; or
3. a resolver method of a reached resource in the same file returns an instance of it
   (object routing: ``@child() def orders(self, context, segments): return
   Orders()``).

A class with ``on_get`` in a module that neither imports falcon (nor a module that
does) nor is routed or returned by a resolver is not a resource (a GUI callback, an
event handler). ``add_route(..., suffix=...)`` gives the path per suffix in the same
file; from another file only the unsuffixed route's path is known.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import FALCON_RESPONDER_PREFIX, HTTP_VERBS, REGISTRATION_TRIGGERS
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint, join_path
from ..model.source import FunctionNode, read_text
from ..syntax import call_argument, literal_string
from .context import DiscoveryContext, Registration, class_line_handler, frameworks_imported

_ROUTE_CALLS = frozenset({"add_route"})
_FALCON_IMPORT = LazyPattern(r"(?m)^[ \t]*(?:import|from)[ \t]+falcon\b")

#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["falcon"]

Responder = tuple[str, str, FunctionNode]  # verb, suffix, the function that runs


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    candidates = _responder_classes(context)
    if not candidates:
        return
    falcon_module = _falcon_module(context)
    routes = _routes(context) if falcon_module else {}
    elsewhere = _routes_elsewhere(context)
    reached = {name for name in candidates if falcon_module or name in elsewhere or any(k[0] == name for k in routes)}
    reached |= _returned_by_resolvers(context, reached, candidates)
    for name, (cls, responders) in candidates.items():
        if name not in reached:
            continue
        for verb, suffix, handler in responders:
            paths = routes.get((name, suffix)) or (elsewhere.get(name) if not suffix else None) or [None]
            for path in sorted(set(paths), key=str):
                yield from context.endpoints(handler, cls, (verb,), path, "falcon")


def _responder_classes(context: DiscoveryContext) -> dict[str, tuple[ast.ClassDef, list[Responder]]]:
    """Classes with responders, each responder with the function that runs for it.

    A responder a base class defines (in this file or another project module) is
    served by the subclass too: its endpoint sits at the subclass's ``class`` line.
    """
    found: dict[str, tuple[ast.ClassDef, list[Responder]]] = {}
    own = {cls.name: _own_responders(cls) for cls in context.source.classes.values()}
    for cls in context.source.classes.values():
        responders = list(own[cls.name])
        if cls.bases and any(_may_have_responders(context, base) for base in cls.bases):
            defined = {(verb, suffix) for verb, suffix, _ in responders}
            for verb, suffix, inherited in _inherited_responders(context, cls, own):
                if (verb, suffix) not in defined:
                    defined.add((verb, suffix))
                    call = f"self.{inherited.name}(req, resp, *args, **kwargs)"
                    stand_in = class_line_handler(cls, inherited.name, "self, req, resp, *args, **kwargs", call)
                    responders.append((verb, suffix, stand_in))
        if responders:
            found.setdefault(cls.name, (cls, responders))
    return found


def _own_responders(cls: ast.ClassDef) -> list[Responder]:
    methods = {
        statement.name: statement
        for statement in cls.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    responders: list[Responder] = []
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            named = _responder_name(statement.name)
            if named and _takes_request_and_response(statement):
                responders.append((*named, statement))
        elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Name):
            aliased = methods.get(statement.value.id)  # on_post = _oops
            for target in statement.targets:
                named = _responder_name(target.id) if isinstance(target, ast.Name) else None
                if named and aliased is not None and _takes_request_and_response(aliased):
                    responders.append((*named, aliased))
    return responders


def _may_have_responders(context: DiscoveryContext, base: ast.expr) -> bool:
    """A base of the project (this file or an imported project module), not ``object``."""
    dotted = context.source.dotted_name(base)
    return dotted is not None and (dotted in context.source.classes or not context.is_external(dotted))


def _inherited_responders(
    context: DiscoveryContext, cls: ast.ClassDef, own: dict[str, list[Responder]]
) -> Iterator[Responder]:
    """Responders of the class's project ancestors, nearest first."""
    resolver = context.resolver
    for dotted in context.ancestors(cls):
        if dotted in context.source.classes:
            yield from own.get(dotted, ())
        elif resolver is not None and not context.is_external(dotted):
            home, name = resolver.parse_symbol_home(context.source.filename, dotted)
            base = home.classes.get(name) if home is not None else None
            if base is not None:
                yield from _own_responders(base)


def _responder_name(name: str) -> tuple[str, str] | None:
    if not name.startswith(FALCON_RESPONDER_PREFIX):
        return None
    verb, _, suffix = name.removeprefix(FALCON_RESPONDER_PREFIX).partition("_")
    return (verb.upper(), suffix) if verb.upper() in HTTP_VERBS else None


def _takes_request_and_response(function: FunctionNode) -> bool:
    """``(self, req, resp, ...)``: a GUI's ``on_delete(self, event)`` is no responder."""
    arguments = function.args
    return len(arguments.posonlyargs) + len(arguments.args) >= 3 or arguments.vararg is not None


def _falcon_module(context: DiscoveryContext) -> bool:
    """The module imports falcon, or a project module that imports falcon."""
    source = context.source
    if "falcon" in frameworks_imported(source):
        return True
    resolver = context.resolver
    if resolver is None:
        return False
    modules = {module for origin in source.imports.values() for module in (origin, origin.rpartition(".")[0])}
    for module in sorted(modules):
        if not module.strip(".") or context.is_external(module):
            continue
        path = resolver.find_module_file(source.filename, module)
        text = read_text(path) if path else None
        if text and "falcon" in text and _FALCON_IMPORT.search(text):
            return True
    return False


def _routes(context: DiscoveryContext) -> dict[tuple[str, str], list[str | None]]:
    routes: dict[tuple[str, str], list[str | None]] = {}
    for call in context.source.calls_to(_ROUTE_CALLS):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_route":
            target = context.target_name(call_argument(call, 1, ("resource",)))
            if target is None:
                continue
            suffix = literal_string(call_argument(call, None, ("suffix",))) or ""
            path = join_path(None, literal_string(call_argument(call, 0, ("uri_template",))))
            routes.setdefault((target.name, suffix), []).append(path)
    return routes


def _routes_elsewhere(context: DiscoveryContext) -> dict[str, list[str | None]]:
    """Classes of this file that other files route (their unsuffixed paths)."""
    if context.index is None:
        return {}
    routed: dict[str, list[str | None]] = {}
    for registration in context.registrations:
        if registration.framework == "falcon" and registration.methods is None:
            routed.setdefault(registration.target, []).append(registration.path)
    return {name: [path for path in paths if path is not None] or [None] for name, paths in routed.items()}


def _returned_by_resolvers(
    context: DiscoveryContext, reached: set[str], candidates: dict[str, tuple[ast.ClassDef, list[Responder]]]
) -> set[str]:
    """Classes a reached resource's decorated resolver methods return, to a fixpoint."""
    classes = context.source.classes
    found: set[str] = set()
    pending = [name for name in reached if name in classes]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for returned in _resolved_classes(classes[name]):
            if returned in classes and returned not in seen:
                if returned in candidates:
                    found.add(returned)
                pending.append(returned)
    return found - reached


def _resolved_classes(cls: ast.ClassDef) -> Iterator[str]:
    """``return Child(...)`` / ``return Child(...), segments`` in decorated methods."""
    for statement in cls.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) or not statement.decorator_list:
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Return) and node.value is not None:
                value = node.value
                if isinstance(value, ast.Tuple) and value.elts:
                    value = value.elts[0]
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                    yield value.func.id


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    """``app.add_route(path, resources.Orders())`` in a falcon file, for the project index.

    A suffixed route only tells that the class is routed (its path is for the suffixed
    responders, which a registration cannot name).
    """
    if "falcon" not in frameworks_imported(context.source):
        return
    for call in context.source.calls_to(_ROUTE_CALLS):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_route":
            target = context.target_name(call_argument(call, 1, ("resource",)))
            if target is None:
                continue
            suffix = literal_string(call_argument(call, None, ("suffix",)))
            path = join_path(None, literal_string(call_argument(call, 0, ("uri_template",))))
            yield Registration.to(target, None if suffix else path, "falcon")
