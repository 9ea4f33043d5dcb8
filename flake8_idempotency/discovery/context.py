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
_VIEW_BASE_INDEX: dict[tuple[str, str], list[ViewFamily]] = {}
for _family in VIEW_FAMILIES:
    for _base in _family.bases:
        _VIEW_BASE_INDEX.setdefault(_base, []).append(_family)

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
        dotted = self.source.imported_name(value.func)
        if dotted is None:
            return _UNKNOWN
        kind = constructor_kind(dotted)
        if kind is None and not self.is_external(dotted):
            kind = self._project_router_class(dotted)
        if kind is not None:
            prefix = literal_string(call_argument(value, None, (kind.prefix_keyword,))) if kind.prefix_keyword else None
            return RouterMatch(kind, prefix)
        if self.is_external(dotted):
            return None  # built by some other library: a cache, a mock, a client
        return _UNKNOWN

    def _project_router_class(self, dotted: str) -> RouterKind | None:
        """A project class whose ancestors include a router class (``class Service(
        cornice.Service)``, or a vendored copy of one)."""
        if self.resolver is None:
            return None
        pending, home = [dotted], self.source.filename
        seen: set[str] = set()
        while pending and len(seen) < MAX_HOPS * 2:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            kind = constructor_kind(name)
            if kind is not None:
                return kind
            definition = self.resolver.lookup(home, name) if not self.is_external(name, home) else None
            if definition is not None and definition.kind == "class":
                home = definition.path
                pending.extend(definition.dotted)
        return None

    def _router_from_project(self, origin: str) -> RouterMatch | object | None:
        if self.resolver is None:
            return _UNKNOWN
        definition = self.resolver.lookup(self.source.filename, origin)
        if definition is None:
            return _UNKNOWN
        if definition.kind != "call":
            return None
        kind = _CONSTRUCTOR_INDEX.get(package_and_name(definition.dotted[0]))
        if kind is None:
            return None
        prefix = dict(definition.keywords).get(kind.prefix_keyword or "")
        return RouterMatch(kind, prefix, (os.path.abspath(definition.path), definition.name))

    def mounts(self, match: RouterMatch) -> list[tuple[str, bool]]:
        """Where the project mounts this router: (prefix, replaces the router's own)."""
        if self.project_index is None or match.home is None:
            return []
        return self.project_index.mounts_for(*match.home)

    def resolve_router(self, receiver: ast.expr, attribute: str, call: ast.Call) -> RouterMatch | None:
        """A traced router, or a plausible one in a file that imports its framework."""
        match = self.router_for(receiver)
        if isinstance(match, RouterMatch):
            return match
        if match is None:
            return None
        first = literal_string(call.args[0]) if call.args else None
        if first is None or not (first == "" or first.startswith("/")):
            return None
        for kind in ROUTER_KINDS:
            if kind.framework in frameworks_imported(self.source) and (
                attribute in kind.verb_decorators or attribute in kind.route_decorators
            ):
                return RouterMatch(kind)
        return None

    def registering_router(self, receiver: ast.expr, frameworks: tuple[str, ...]) -> RouterMatch | None:
        """The router of a registration call (``app.add_url_rule``), by framework.

        An untraceable receiver counts when the file imports one of ``frameworks``.
        """
        match = self.router_for(receiver)
        if isinstance(match, RouterMatch):
            return match if match.kind.framework in frameworks else None
        if match is None:
            return None
        for kind in ROUTER_KINDS:
            if kind.framework in frameworks and kind.framework in frameworks_imported(self.source):
                return RouterMatch(kind)
        return None

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
