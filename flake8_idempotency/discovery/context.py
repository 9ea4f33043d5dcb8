"""Shared questions every framework module asks about a file.

"Is this receiver a Flask app?", "is this class a DRF viewset?", "what path did
this file register for that handler?" are answered here once, from the file's
own names first and from the project's other modules only when the
name is imported from there.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple

from ..analysis.project_modules import MAX_HOPS, ProjectResolver
from ..knowledge.frameworks import (
    FRAMEWORK_PACKAGES,
    HTTP_VERBS,
    ROUTER_KINDS,
    VENDORED_PACKAGES,
    VIEW_FAMILIES,
    RouterKind,
    ViewFamily,
)
from ..model.endpoint import Endpoint, join_path
from ..model.project import ProjectFacts
from ..model.registration import Registration, Target
from ..model.source import FunctionNode, SourceFile
from ..syntax import call_argument, final_name, literal_string, literal_strings, package_and_name


class RouterMatch(NamedTuple):
    kind: RouterKind
    prefix: str | None = None
    #: Where the router object is defined: (absolute file, name), to find where it is mounted.
    home: tuple[str, str] | None = None


def vendored_key(dotted: str) -> tuple[str, str]:
    """``(package, name)`` of a dotted name, a vendored framework's package counting as
    that framework's (``kinto.core.cornice.Service`` -> ``("cornice", "Service")``)."""
    parts = dotted.split(".")
    for part in parts[1:-1]:
        if part in VENDORED_PACKAGES:
            return part, parts[-1]
    return package_and_name(dotted)


def constructor_kind(dotted: str) -> RouterKind | None:
    """The router kind a constructor builds, vendored copies included."""
    return _CONSTRUCTOR_INDEX.get(package_and_name(dotted)) or _CONSTRUCTOR_INDEX.get(vendored_key(dotted))


def frameworks_imported(source: SourceFile) -> frozenset[str]:
    """Frameworks the file imports from (``flask``, ``drf``, ...)."""
    return frozenset(
        FRAMEWORK_PACKAGES[package] for package in source.imported_packages if package in FRAMEWORK_PACKAGES
    )


_CONSTRUCTOR_INDEX = {ctor: kind for kind in ROUTER_KINDS for ctor in kind.constructors}
#: (package, class name) -> the view families it is a base of, in table order.
_VIEW_BASE_INDEX: dict[tuple[str, str], list[ViewFamily]] = {
    base: [family for family in VIEW_FAMILIES if base in family.bases] for each in VIEW_FAMILIES for base in each.bases
}

#: A router whose origin cannot be traced is still accepted when the file imports
#: that framework and the first argument looks like a route (``"/..."`` or ``""``).
_UNKNOWN = object()


class DiscoveryContext:
    """What discovery knows of one file while it runs."""

    def __init__(
        self,
        source: SourceFile,
        resolver: ProjectResolver | None = None,
        index: ProjectFacts | Callable[[], ProjectFacts] | None = None,
    ) -> None:
        self.source = source
        self.resolver = resolver
        #: What this file registers (each registration module adds its own).
        self.local_registrations: list[Registration] = []
        #: The project index (routes and mounts in other files), or a function that builds
        #: it: built only once a declaration needs its path or another file may route here.
        self.index = index
        #: id(class) -> its ancestors' dotted names (asked by several modules).
        self._ancestors: dict[int, list[str]] = {}

    @cached_property
    def project_index(self) -> ProjectFacts | None:
        return self.index() if callable(self.index) else self.index

    @cached_property
    def registrations(self) -> list[Registration]:
        """This file's registrations and other files' registrations of its handlers."""
        if self.project_index is None:
            return self.local_registrations
        return self.local_registrations + self.project_index.registrations_for(self.source.filename)

    # -- routers -------------------------------------------------------------
    def router_for(self, receiver: ast.expr) -> RouterMatch | object | None:
        """The router kind of ``receiver`` in ``@receiver.put(...)``; _UNKNOWN if untraceable."""
        if isinstance(receiver, ast.Name):
            return self._router_for_name(receiver.id)
        return _UNKNOWN

    def _router_for_name(self, name: str) -> RouterMatch | object | None:
        source = self.source
        values = source.assignments.get(name)
        if values:
            verdict: RouterMatch | object | None = None
            for value in values:
                match = self._router_from_value(value)
                if isinstance(match, RouterMatch):
                    return match._replace(home=(os.path.abspath(source.filename), name))
                verdict = verdict or match
            return verdict
        origin = source.imports.get(name)
        if origin is None:
            return _UNKNOWN
        if self.is_external(origin):
            return None
        return self._router_from_project(origin)

    def _router_from_value(self, value: ast.expr) -> RouterMatch | object | None:
        if not isinstance(value, ast.Call):
            return _UNKNOWN
        here = self.source.filename
        func = value.func
        if isinstance(func, ast.Name) and func.id not in self.source.imports:
            aliases = self.source.assignments.get(func.id, [])  # Blueprint = flask.Blueprint
            if len(aliases) == 1 and isinstance(aliases[0], (ast.Name, ast.Attribute)):
                func = aliases[0]
        dotted = self.source.imported_name(func)
        if dotted is None:
            local = value.func.id if isinstance(value.func, ast.Name) else None
            if local not in self.source.classes:
                return _UNKNOWN
            kind = self.router_class_kind(local, here)  # class MyRouter(APIRouter) in this file
            dotted = local
        else:
            kind = constructor_kind(dotted)
            if kind is None and self.is_external(dotted):
                return None  # built by some other library: a cache, a mock, a client
            if kind is None:
                kind = self.router_class_kind(dotted, here)
        if kind is not None:
            prefix = literal_string(call_argument(value, None, (kind.prefix_keyword,))) if kind.prefix_keyword else None
            return RouterMatch(kind, prefix)
        return _UNKNOWN

    def _router_from_project(self, origin: str) -> RouterMatch | object | None:
        if self.resolver is None:
            return _UNKNOWN
        definition = self.resolver.lookup(self.source.filename, origin)
        if definition is None:
            return _UNKNOWN
        if definition.kind != "call":
            return None
        callee = definition.dotted[0]
        kind = constructor_kind(callee)
        if kind is None and not self.is_external(callee, definition.path):
            kind = self.router_class_kind(callee, definition.path)
        if kind is None:
            return None
        prefix = dict(definition.keywords).get(kind.prefix_keyword or "")
        return RouterMatch(kind, prefix, (os.path.abspath(definition.path), definition.name))

    def router_class_kind(self, dotted: str, home: str) -> RouterKind | None:
        """The router kind a project class inherits (``class PrefectRouter(APIRouter)``),
        through its bases in this file and the project's modules; None for any other class."""
        here = self.source.filename
        pending = [(dotted, home)]
        seen: set[tuple[str, str]] = set()
        while pending and len(seen) < MAX_HOPS * 4:
            name, where = pending.pop()
            if (name, where) in seen:
                continue
            seen.add((name, where))
            kind = constructor_kind(name)
            if kind is not None:
                return kind
            local = self.source.classes.get(name) if where == here else None
            if local is not None:
                pending.extend((base, here) for base in map(self.source.dotted_name, local.bases) if base)
            elif "." in name and not self.is_external(name, where):
                pending.extend(self._project_bases(name, where) or self._reexported(name, where))
        return None

    def _reexported(self, dotted: str, home: str) -> list[tuple[str, str]]:
        """``from fastapi import APIRouter`` in the project module ``dotted`` names: the origin."""
        module, _, name = dotted.rpartition(".")
        path = self.resolver.find_module_file(home, module or ".") if self.resolver else None
        source = self.resolver.source_file(path) if self.resolver and path else None
        origin = source.imports.get(name) if source is not None else None
        return [(origin, path)] if origin and path else []

    def router_matches(self, receiver: ast.expr) -> list[RouterMatch] | object | None:
        """Every router ``receiver`` may hold: one router object, or each router of a
        loop over a literal list (``for bp in (orders, refunds):``), or each router this
        file passes to the enclosing function's parameter (``def add_rules(bp): ...``
        called as ``add_rules(orders)``). _UNKNOWN when none can be traced."""
        if isinstance(receiver, ast.Name) and receiver.id not in self.source.assignments:
            if receiver.id not in self.source.imports:
                found = self._bound_routers(receiver.id, receiver.lineno, 0)
                if found:
                    return found
        match = self.router_for(receiver)
        return [match] if isinstance(match, RouterMatch) else match

    def _bound_routers(self, name: str, line: int, depth: int) -> list[RouterMatch]:
        """The routers a loop variable or a parameter ``name`` used on ``line`` is bound to."""
        if depth > 2:
            return []
        found: list[RouterMatch] = []
        for element in self.loop_elements(name, line):
            match = self.router_of_expression(element)
            if isinstance(match, RouterMatch):
                found.append(match)
        if found:
            return found
        function, position = self._parameter_of(name, line)
        if function is None:
            return []
        for call in self.source.calls_to(frozenset({function.name})):
            if not isinstance(call.func, ast.Name):
                continue
            argument = call_argument(call, position, (name,))
            if isinstance(argument, ast.Name) and argument.id not in self.source.assignments:
                found += self._bound_routers(argument.id, call.lineno, depth + 1)
            elif argument is not None:
                match = self.router_of_expression(argument)
                if isinstance(match, RouterMatch):
                    found.append(match)
        return found

    def loop_elements(self, name: str, line: int) -> list[ast.expr]:
        """``for name in (a, b):`` (or over a name bound to a literal list) around ``line``."""
        for statement in self.source.statements:
            if not isinstance(statement, (ast.For, ast.AsyncFor)) or getattr(statement.target, "id", None) != name:
                continue
            if not statement.lineno <= line <= (statement.end_lineno or statement.lineno):
                continue
            iterable = statement.iter
            if isinstance(iterable, ast.Name):
                values = self.source.assignments.get(iterable.id, [])
                iterable = values[0] if len(values) == 1 else iterable
            if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
                return [element for element in iterable.elts if not isinstance(element, ast.Starred)]
        return []

    def _parameter_of(self, name: str, line: int) -> tuple[FunctionNode | None, int | None]:
        """The module-level function around ``line`` that takes ``name``, and its position."""
        for function in self.source.functions.values():
            if function.lineno < line <= (function.end_lineno or function.lineno):
                arguments = [*function.args.posonlyargs, *function.args.args]
                positions = [index for index, argument in enumerate(arguments) if argument.arg == name]
                if positions:
                    return function, positions[0]
                if any(argument.arg == name for argument in function.args.kwonlyargs):
                    return function, None
        return None, None

    def router_of_expression(self, node: ast.expr) -> RouterMatch | object | None:
        """A router named by a name, a dotted name (``api.orders.router``) or built by a call."""
        if isinstance(node, ast.Name):
            return self._router_for_name(node.id)
        if isinstance(node, ast.Call):
            return self._router_from_value(node)
        dotted = self.source.dotted_name(node)
        if dotted is None:
            return _UNKNOWN
        if self.source.imported_name(node) and self.is_external(dotted):
            return None
        return self._router_from_project(dotted)

    def mounts(self, match: RouterMatch) -> list[tuple[str | None, bool]]:
        """Where the project mounts this router: (prefix, replaces the router's own), the
        prefix None where a mount's prefix is not a literal (the path is unknown)."""
        if self.project_index is None or match.home is None:
            return []
        return self.project_index.mounts_for(*match.home)

    def full_paths(self, match: RouterMatch, route: str | None) -> list[str | None]:
        """The paths a client calls for ``route`` on this router: its own prefix and every
        chain of mounts above it (None: a part of the path is unknown)."""
        paths: list[str | None] = []
        for mount, replaces in self.mounts(match) or [("", False)]:
            path = None if mount is None else join_path(mount, route if replaces else join_path(match.prefix, route))
            if path not in paths:
                paths.append(path)
        return paths

    def resolve_routers(self, receiver: ast.expr, attribute: str, call: ast.Call) -> list[RouterMatch]:
        """Every traced router ``receiver`` may hold, or a plausible one in a file that
        imports its framework."""
        matches = self.router_matches(receiver)
        if isinstance(matches, list):
            return matches
        if matches is None:
            return []
        first = literal_string(call.args[0]) if call.args else None
        if first is None or not (first == "" or first.startswith("/")):
            return []
        for kind in ROUTER_KINDS:
            if kind.framework in frameworks_imported(self.source) and (
                attribute in kind.verb_decorators or attribute in kind.route_decorators
            ):
                return [RouterMatch(kind)]
        return []

    def registering_router(self, receiver: ast.expr, frameworks: tuple[str, ...]) -> RouterMatch | None:
        """The router of a registration call (``app.add_url_rule``), by framework."""
        matches = self.registering_routers(receiver, frameworks)
        return matches[0] if matches else None

    def registering_routers(self, receiver: ast.expr, frameworks: tuple[str, ...]) -> list[RouterMatch]:
        """Every router a registration call (``app.add_url_rule``) may register on.

        An untraceable receiver counts when the file imports one of ``frameworks``.
        """
        matches = self.router_matches(receiver)
        if isinstance(matches, list):
            return [match for match in matches if match.kind.framework in frameworks]
        if matches is None:
            return []
        for kind in ROUTER_KINDS:
            if kind.framework in frameworks and kind.framework in frameworks_imported(self.source):
                return [RouterMatch(kind)]
        return []

    def is_external(self, origin: str, from_file: str | None = None) -> bool:
        """An import from a package outside the project (a framework or any library)."""
        if origin.startswith("."):
            return False
        root = origin.partition(".")[0]
        if root in FRAMEWORK_PACKAGES:
            return True
        if self.resolver is None:
            return True
        return self.resolver.find_module_file(from_file or self.source.filename, root) is None

    # -- class-based views ---------------------------------------------------
    def view_families(self, cls: ast.ClassDef) -> list[ViewFamily]:
        """Every view family among the class's ancestors (same file, then project)."""
        ancestors = self.ancestors(cls)
        return [family for dotted in ancestors for family in _VIEW_BASE_INDEX.get(package_and_name(dotted), ())]

    def ancestors(self, cls: ast.ClassDef) -> list[str]:
        """The dotted names of the class's ancestors, nearest first (same file, then project)."""
        cached = self._ancestors.get(id(cls))
        if cached is not None:
            return cached
        here = self.source.filename
        found: list[str] = []
        pending = [(self.source.dotted_name(base), here) for base in reversed(cls.bases)]
        seen: set[tuple[str | None, str]] = set()
        while pending and len(seen) < MAX_HOPS * 4:
            dotted, home = pending.pop()
            if not dotted or (dotted, home) in seen:
                continue
            seen.add((dotted, home))
            found.append(dotted)
            local = self.source.classes.get(dotted) if home == here else None
            if local is not None and local is not cls:
                pending.extend((self.source.dotted_name(base), here) for base in reversed(local.bases))
            elif "." in dotted and not self.is_external(dotted, home):
                pending.extend(reversed(self._project_bases(dotted, home)))
        self._ancestors[id(cls)] = found
        return found

    def _project_bases(self, dotted: str, home: str) -> list[tuple[str, str]]:
        definition = self.resolver.lookup(home, dotted) if self.resolver else None
        if definition is None or definition.kind != "class":
            return []
        return [(base, definition.path) for base in definition.dotted]

    # -- registrations -------------------------------------------------------
    @cached_property
    def paths_by_target(self) -> dict[str, list[Registration]]:
        index: dict[str, list[Registration]] = {}
        for registration in self.registrations:
            index.setdefault(registration.target, []).append(registration)
        return index

    def endpoints(
        self,
        handler: FunctionNode,
        cls: ast.ClassDef | None,
        methods: tuple[str, ...],
        path: str | None,
        framework: str,
        body: tuple[ast.stmt, ...] | None = None,
    ) -> list[Endpoint]:
        return [
            Endpoint(
                method=method,
                path=path,
                framework=framework,
                handler=handler,
                class_name=cls.name if cls else None,
                filename=self.source.filename,
                body=tuple(handler.body) if body is None else body,
            )
            for method in methods
        ]

    def target_name(self, node: ast.expr | None) -> Target | None:
        """What a registration points at, seeing through ``orders = Resource(store)``."""
        node = _unwrap(node)
        if isinstance(node, ast.Name) and node.id not in self.source.functions and node.id not in self.source.classes:
            for value in self.source.assignments.get(node.id, ()):
                if isinstance(value, ast.Call):
                    node = _unwrap(value)
                    break
        if not isinstance(node, (ast.Name, ast.Attribute)):
            return None
        name = node.id if isinstance(node, ast.Name) else node.attr
        return Target(name, self.source.dotted_name(node) or name)


def class_line_handler(cls: ast.ClassDef, name: str, arguments: str, statement: str) -> ast.FunctionDef:
    """A stand-in ``def name(arguments): statement`` at the ``class`` line: the handler of
    an endpoint a base class provides, running what the base runs."""
    handler = ast.parse(f"def {name}({arguments}):\n    {statement}\n").body[0]
    assert isinstance(handler, ast.FunctionDef)
    for node in ast.walk(handler):
        if hasattr(node, "lineno"):
            node.lineno = node.end_lineno = cls.lineno  # type: ignore[attr-defined]
            node.col_offset = node.end_col_offset = cls.col_offset  # type: ignore[attr-defined]
    return handler


def _unwrap(node: ast.expr | None) -> ast.expr | None:
    """``View.as_view()`` -> ``View``; ``Resource(store)`` -> ``Resource``.

    A call to anything else (``wrap(handler, hooks)``) returns some other callable,
    not the function called: it is no target (None).
    """
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("as_view", "as_view_func"):
            return func.value
        name = final_name(func) or ""
        return func if name[:1].isupper() else None
    return node


def methods_from(node: ast.expr | None) -> tuple[str, ...] | None:
    """``["put", "PATCH"]`` / ``"PUT"`` / ``[HttpMethod.PUT]`` -> ``("PUT", "PATCH")``."""
    elements = node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else [node]
    methods = []
    for element in elements:
        if isinstance(element, ast.Attribute) and element.attr.upper() in HTTP_VERBS:
            methods.append(element.attr.upper())  # an enum member: HttpMethod.PUT
        else:
            values = literal_strings(element)
            if not values:
                return None
            methods.extend(value.upper() for value in values)
    return tuple(methods) or None


__all__ = [
    "DiscoveryContext",
    "Registration",
    "RouterMatch",
    "Target",
    "class_line_handler",
    "join_path",
    "methods_from",
]
