"""What other files of the project say about a handler.

Real projects split what a rule must see: the route table in ``urls.py``, the
view in ``views.py``, the middleware in ``settings.py``, the exception handler in
``main.py``. The index reads the project once per process (root: the directory
flake8 was pointed at), keeps only files whose text mentions something it
collects, and gathers:

- routes: registrations (Django URLconfs with ``include()``, DRF routers, an app
  factory's ``add_url_rule``, Starlette ``routes=[...]``, Tornado tables, OpenAPI
  specs for Connexion), filed under the handler's home file;
- project-wide facts for the rules (each rule's ``facts(config)``): e.g. the
  exceptions an app-level handler answers with 404 (IDM003) or the idempotency
  middleware an app registers (IDM002), each from the same per-file function the
  rule applies to the linted file.

Every worker builds the same index from the same files, so ``-j1`` and ``-j2`` agree.
What each file says is kept as plain data in a cache keyed by the file's mtime and
size, so a later run (an editor lints once per keystroke) reads only what changed.
"""

from __future__ import annotations

import ast
import os
import zlib
from collections.abc import Iterator

from ..analysis.project_modules import ProjectResolver, Symbol
from ..discovery import DiscoveryContext, elsewhere_registrations
from ..knowledge.frameworks import FRAMEWORK_PACKAGES, MOUNT_CALLS, REGISTRATION_TEXT
from ..lazy_pattern import LazyPattern
from ..model.endpoint import join_path
from ..model.project import FactCollector
from ..model.registration import Registration
from ..model.source import SourceFile, parse_text, read_text
from ..syntax import call_argument, literal_string, package_and_name
from .files import ProjectTree, cache_path, file_key, load_cache, save_cache
from .openapi import SpecRoutes

#: A file is looked at further only if it names a web framework or a Django setting
#: the rules read (plain substring tests: most of a project's files stop here).
_WEB_WORDS = (*FRAMEWORK_PACKAGES, "MIDDLEWARE", "REST_FRAMEWORK", "urlpatterns")
_REGISTRATION_TEXT = LazyPattern("|".join(REGISTRATION_TEXT))
#: Include chains deeper than this are cut (and cycles with them).
MAX_INCLUDE_DEPTH = 8

_DJANGO_ROUTES = frozenset({("django", "path"), ("django", "re_path"), ("django", "url")})
_DRF_ROUTERS = frozenset({("rest_framework", "DefaultRouter"), ("rest_framework", "SimpleRouter")})


class ProjectIndex:
    """What the project's other files say, answered for one run.

    ``collectors`` are the rules' project facts (each rule's ``facts(config)``), handed
    in by the engine: the index knows how to gather a fact, not which rules want it.
    """

    def __init__(
        self,
        tree: ProjectTree,
        specs: SpecRoutes,
        resolver: ProjectResolver,
        collectors: tuple[FactCollector, ...] = (),
        cache_key: str = "",
    ) -> None:
        self.root = tree.root
        self._tree = tree
        self._specs = specs
        self._resolver = resolver
        self._collectors = collectors
        self._cache_file = cache_path("index", self.root, cache_key)
        self._combined_file = cache_path("combined", self.root, cache_key)
        self._registrations: dict[str, list] | None = None
        #: (router's file, router's name) -> (prefix it is mounted under, replaces its own)
        self._mounts: dict[tuple[str, str], list[tuple[str, bool]]] = {}
        #: fact name -> (scope directory, values found in one file there)
        self._facts: dict[str, list[tuple[str, frozenset[str]]]] = {}

    def registrations_for(self, filename: str) -> list[Registration]:
        """Registrations found in other files whose target lives in ``filename``."""
        found = self._built_registrations().get(os.path.abspath(filename), ())
        return [_registration(fields) for fields in found]

    def mounts_for(self, filename: str, name: str) -> list[tuple[str, bool]]:
        """Where a router object (``name`` in ``filename``) is mounted: (prefix, whether
        it replaces the router's own prefix), from anywhere in the project."""
        self._built_registrations()
        return self._mounts.get((os.path.abspath(filename), name), [])

    def fact(self, name: str, for_file: str) -> frozenset[str]:
        """A rule's project fact, united over the files whose app covers ``for_file``.

        A fact found in a file counts for the files under the directory that holds
        its top-level package (``config/settings.py`` covers ``orders/views.py``
        beside ``config/``), so one app's handlers never silence another app of
        the same repository.
        """
        self._built_registrations()
        target = os.path.abspath(for_file)
        found: set[str] = set()
        for scope, values in self._facts.get(name, ()):
            if target.startswith(scope + os.sep):
                found |= values
        return frozenset(found)

    def _built_registrations(self) -> dict[str, list]:
        """Registrations by target file; the first question builds the whole index."""
        if self._registrations is None:
            with self._resolver.file_scope():  # the modules read for it stay parsed until it is built
                self._registrations = self._build()
        return self._registrations

    def _build(self) -> dict[str, list]:
        """Every file's extract (from the cache when the file is unchanged), combined.
        The combination is cached too, under the files' (path, mtime, size): while no
        file changes, a run reads only that."""
        keys = {path: key for path in self._tree.listing.python if (key := file_key(path)) is not None}
        listing = "\0".join(f"{path}\0{key[0]}\0{key[1]}" for path, key in keys.items()).encode()
        fingerprint = f"{zlib.crc32(listing):08x}{zlib.adler32(listing):08x}"
        combined = load_cache(self._combined_file)
        if combined.get("fingerprint") != fingerprint:
            cached = load_cache(self._cache_file)
            extracts: dict[str, list] = {}
            for path, key in keys.items():
                entry = cached.get(path)
                if not (entry and tuple(entry[:2]) == key):
                    entry = [*key, self._extract(path)]
                extracts[path] = entry
            if extracts != cached:
                save_cache(self._cache_file, extracts)
            combined = {"fingerprint": fingerprint, **_combine(extracts)}
            save_cache(self._combined_file, combined)
        self._facts = {}
        for name, scope, values in combined["facts"]:
            self._facts.setdefault(name, []).append((scope, frozenset(values)))
        self._mounts = {}
        for router_file, router_name, prefix, replaces in combined["mounts"]:
            self._mounts.setdefault((router_file, router_name), []).append((prefix, replaces))
        found = combined["registrations"]
        for filename, operations in self._specs.operations().items():
            for name, path, method in operations:
                found.setdefault(filename, []).append([name, path, "connexion", [method], None, None])
        return found

    def _extract(self, path: str) -> dict:
        """What one file says, as plain data (JSON: it is cached between runs)."""
        text = read_text(path)
        if not text or not any(word in text for word in _WEB_WORDS):
            return {}
        wanted = [collector for collector in self._collectors if collector.text.search(text)]
        registers = bool(_REGISTRATION_TEXT.search(text))
        source = parse_text(path, text) if (wanted or registers) else None
        if source is None:
            return {}
        extract: dict = {}
        scope = self._resolver.module_name_for(path)[1]
        for collector in wanted:
            values = sorted(collector.collect(source, self._resolver))
            if values:
                extract.setdefault("facts", []).append([collector.name, scope, values])
        if not registers:
            return extract
        if "urlpatterns" in source.assignments:
            extract["urlconf"] = [
                [route, kind, [target.filename, target.name] if isinstance(target, Symbol) else target]
                for route, kind, target in _urlconf_entries(self._resolver, source)
            ]
            extract["routers"] = _routers(self._resolver, source)
        mounts = _mounts(self._resolver, source)
        if mounts:
            extract["mounts"] = mounts
        for registration in elsewhere_registrations(DiscoveryContext(source)):
            symbol = _elsewhere(self._resolver, path, registration.reference or "")
            if symbol is not None:
                extract.setdefault("registrations", []).append(
                    [symbol.filename, symbol.name, *_registration_fields(registration)[1:]]
                )
        return extract


def _combine(extracts: dict[str, list]) -> dict:
    """The files' extracts as one index, plain data: registrations by target file
    (Django URLconfs joined through their include() chains), facts, mounts."""
    registrations: dict[str, list] = {}
    facts, mounts = [], []
    for extract in (entry[2] for entry in extracts.values()):
        for target_file, *fields in extract.get("registrations", ()):
            registrations.setdefault(target_file, []).append(fields)
        facts += extract.get("facts", ())
        mounts += extract.get("mounts", ())
    urlconfs = {path: entry[2] for path, entry in extracts.items() if "urlconf" in entry[2]}
    for symbol, registration in _django_routes(urlconfs):
        fields = _registration_fields(registration._replace(target=symbol.name))
        registrations.setdefault(symbol.filename, []).append(fields)
    return {"registrations": registrations, "facts": facts, "mounts": mounts}


def _elsewhere(resolver: ProjectResolver, path: str, reference: str) -> Symbol | None:
    """The handler a registration names, when it lives in another project file."""
    if "." not in reference:
        return None  # a handler of that same file: discovery sees it when linting it
    symbol = resolver.resolve_symbol(path, reference)
    return symbol if symbol is not None and symbol.filename != os.path.abspath(path) else None


def _registration_fields(registration: Registration) -> list:
    return [
        registration.target,
        registration.path,
        registration.framework,
        list(registration.methods) if registration.methods is not None else None,
        registration.reference,
        registration.detail,
    ]


def _registration(fields: list) -> Registration:
    target, path, framework, methods, reference, detail = fields
    return Registration(target, path, framework, tuple(methods) if methods is not None else None, reference, detail)


def _django_routes(urlconfs: dict[str, dict]) -> Iterator[tuple[Symbol, Registration]]:
    """Django URLconfs from their roots (modules nobody includes), prefixes joined."""
    included = {target for extract in urlconfs.values() for _, kind, target in extract["urlconf"] if kind == "include"}
    for path in sorted(urlconfs):
        if path not in included:
            yield from _walk_urlconf(urlconfs, path, "", 0)


def _walk_urlconf(
    urlconfs: dict[str, dict], path: str, prefix: str, depth: int
) -> Iterator[tuple[Symbol, Registration]]:
    if depth > MAX_INCLUDE_DEPTH or path not in urlconfs:
        return
    extract = urlconfs[path]
    for route, kind, target in extract["urlconf"]:
        full = _join_django(prefix, route)
        if kind == "include":
            yield from _walk_urlconf(urlconfs, target, full, depth + 1)
        elif kind == "router":
            for filename, name, collection in extract["routers"].get(target, ()):
                viewset = Symbol(filename, name)
                base = _join_django(full, collection)
                yield viewset, Registration(viewset.name, join_path(None, base), "drf", detail=False)
                yield viewset, Registration(viewset.name, join_path(None, base + "{pk}/"), "drf", detail=True)
        else:
            view = Symbol(*target)
            yield view, Registration(view.name, join_path(None, full), "django")


def _join_django(prefix: str, route: str) -> str:
    route = route.removeprefix("^")
    prefix = prefix.removesuffix("$")
    return prefix + route


def _urlconf_entries(resolver: ProjectResolver, source: SourceFile) -> Iterator[tuple[str, str, object]]:
    """(route, kind, target): kind ``include`` (target: module file), ``router``
    (target: router variable name) or ``view`` (target: Symbol)."""
    for values in source.assignments.get("urlpatterns", []):
        elements = values.elts if isinstance(values, (ast.List, ast.Tuple)) else [values]
        if isinstance(values, ast.BinOp):  # [...] + router.urls
            elements = [*getattr(values.left, "elts", [values.left]), values.right]
        for element in elements:
            yield from _urlconf_entry(resolver, source, element)
    for node in ast.walk(source.tree):  # urlpatterns += [...] / += router.urls
        if isinstance(node, ast.AugAssign) and getattr(node.target, "id", None) == "urlpatterns":
            for element in getattr(node.value, "elts", [node.value]):
                yield from _urlconf_entry(resolver, source, element)


def _urlconf_entry(
    resolver: ProjectResolver, source: SourceFile, element: ast.expr
) -> Iterator[tuple[str, str, object]]:
    if isinstance(element, ast.Attribute) and element.attr == "urls" and isinstance(element.value, ast.Name):
        yield "", "router", element.value.id
        return
    if not isinstance(element, ast.Call):
        return
    dotted = source.imported_name(element.func)
    if not dotted or package_and_name(dotted) not in _DJANGO_ROUTES:
        return
    route = literal_string(call_argument(element, 0, ("route", "regex")))
    view = call_argument(element, 1, ("view",))
    if route is None or view is None:
        return
    if isinstance(view, ast.Call) and (source.dotted_name(view.func) or "").endswith("include"):
        included = view.args[0] if view.args else None
        if isinstance(included, ast.Tuple) and included.elts:
            included = included.elts[0]
        if isinstance(included, ast.Attribute) and included.attr == "urls" and isinstance(included.value, ast.Name):
            yield route, "router", included.value.id
            return
        module = literal_string(included) or (source.dotted_name(included) if included is not None else None)
        found = resolver.find_module_file(source.filename, module) if module else None
        if found:
            yield route, "include", os.path.abspath(found)
        return
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        view = view.func.value
    reference = source.dotted_name(view)
    if reference is None:
        return
    symbol = (
        resolver.resolve_symbol(source.filename, reference) if "." in reference else Symbol(source.filename, reference)
    )
    if symbol is not None:
        yield route, "view", Symbol(os.path.abspath(symbol.filename), symbol.name)


def _mounts(resolver: ProjectResolver, source: SourceFile) -> list[list[object]]:
    """``app.include_router(orders.router, prefix="/api")`` -> ``[[orders file, "router", "/api", False]]``."""
    found: list[tuple[str, str, str, bool]] = []
    for call in source.calls_to(frozenset(MOUNT_CALLS)):
        attribute = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        keyword, replaces = MOUNT_CALLS.get(attribute, (None, False))
        prefix = literal_string(call_argument(call, None, (keyword,))) if keyword else None
        mounted = call_argument(call, 0, ("router", "blueprint"))
        reference = source.dotted_name(mounted) if prefix and mounted is not None else None
        if reference is None:
            continue
        symbol = (
            resolver.resolve_symbol(source.filename, reference)
            if "." in reference
            else Symbol(source.filename, reference)
        )
        if symbol is not None and prefix:
            found.append((os.path.abspath(symbol.filename), symbol.name, prefix, replaces))
    return [list(mount) for mount in sorted(found)]


def _routers(resolver: ProjectResolver, source: SourceFile) -> dict[str, list[list[str]]]:
    """DRF routers by variable: ``router.register(r"orders", OrderViewSet)`` gives
    ``{"router": [[file, "OrderViewSet", "orders/"]]}``."""
    routers = {
        name
        for name, values in source.assignments.items()
        if any(
            isinstance(value, ast.Call)
            and (dotted := source.imported_name(value.func))
            and package_and_name(dotted) in _DRF_ROUTERS
            for value in values
        )
    }
    found: dict[str, list[list[str]]] = {}
    for call in source.calls_to(frozenset({"register"})):
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "register"):
            continue
        router = getattr(func.value, "id", None)
        if router not in routers:
            continue
        prefix = literal_string(call_argument(call, 0, ("prefix",)))
        viewset = call_argument(call, 1, ("viewset",))
        reference = source.dotted_name(viewset) if viewset is not None else None
        if prefix is None or reference is None:
            continue
        symbol = (
            resolver.resolve_symbol(source.filename, reference)
            if "." in reference
            else Symbol(source.filename, reference)
        )
        if symbol is not None:
            collection = prefix.strip("/") + "/" if prefix.strip("/") else ""
            found.setdefault(router, []).append([os.path.abspath(symbol.filename), symbol.name, collection])
    return found
