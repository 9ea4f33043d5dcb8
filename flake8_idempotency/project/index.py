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
from ..discovery.context import RouterMatch
from ..knowledge.frameworks import FRAMEWORK_PACKAGES, MOUNT_CALLS, REGISTRATION_TEXT, ROUTER_KINDS
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
        self._mounts: dict[tuple[str, str], list[tuple[str | None, bool]]] = {}
        #: fact name -> (scope directory, values found in one file there)
        self._facts: dict[str, list[tuple[str, frozenset[str]]]] = {}

    def registrations_for(self, filename: str) -> list[Registration]:
        """Registrations found in other files whose target lives in ``filename``."""
        found = self._built_registrations().get(os.path.abspath(filename), ())
        return [_registration(fields) for fields in found]

    def mounts_for(self, filename: str, name: str) -> list[tuple[str | None, bool]]:
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
            extract["urlconf"] = list(_urlconf_entries(self._resolver, source))
        routers = _routers(self._resolver, source)
        if routers:
            extract["routers"] = routers
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
    urlconfs = {path: entry[2]["urlconf"] for path, entry in extracts.items() if "urlconf" in entry[2]}
    routers = {
        (os.path.abspath(path), name): viewsets
        for path, entry in extracts.items()
        for name, viewsets in entry[2].get("routers", {}).items()
    }
    for symbol, registration in _django_routes(urlconfs, routers):
        fields = _registration_fields(registration._replace(target=symbol.name))
        registrations.setdefault(symbol.filename, []).append(fields)
    return {"registrations": registrations, "facts": facts, "mounts": _mount_prefixes(mounts)}


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


#: How many entries one URLconf's nested include() lists may hold in all.
MAX_URLCONF_ENTRIES = 5000

_Routers = dict[tuple[str, str], list[list[str]]]


def _django_routes(urlconfs: dict[str, list], routers: _Routers) -> Iterator[tuple[Symbol, Registration]]:
    """Django URLconfs from their roots (modules nobody includes), prefixes joined."""
    included = {target for entries in urlconfs.values() for target in _included_files(entries)}
    for path in sorted(urlconfs):
        if path not in included:
            yield from _walk_urlconf(urlconfs, routers, urlconfs[path], "", 0, frozenset({path}))


def _included_files(entries: list) -> Iterator[str]:
    for _, kind, target in entries:
        if kind == "include":
            yield target
        elif kind == "patterns":
            yield from _included_files(target)


def _walk_urlconf(
    urlconfs: dict[str, list], routers: _Routers, entries: list, prefix: str, depth: int, seen: frozenset[str]
) -> Iterator[tuple[Symbol, Registration]]:
    if depth > MAX_INCLUDE_DEPTH:
        return
    for route, kind, target in entries:
        full = _join_django(prefix, route)
        if kind == "include":
            if target in urlconfs and target not in seen:  # a cycle is cut
                yield from _walk_urlconf(urlconfs, routers, urlconfs[target], full, depth + 1, seen | {target})
        elif kind == "patterns":
            yield from _walk_urlconf(urlconfs, routers, target, full, depth + 1, seen)
        elif kind == "router":
            for filename, name, collection in routers.get((target[0], target[1]), ()):
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


def _urlconf_entries(resolver: ProjectResolver, source: SourceFile) -> Iterator[list]:
    """``[route, kind, target]``: kind ``include`` (target: module file), ``router``
    (target: the router's [file, name]), ``view`` (target: [file, name]) or ``patterns``
    (target: the entries of a list included in place: ``include([...])``)."""
    budget = [MAX_URLCONF_ENTRIES]
    for values in source.assignments.get("urlpatterns", []):
        yield from _pattern_list(resolver, source, values, 0, budget)
    for node in ast.walk(source.tree):  # urlpatterns += [...] / += router.urls
        if isinstance(node, ast.AugAssign) and getattr(node.target, "id", None) == "urlpatterns":
            yield from _pattern_list(resolver, source, node.value, 0, budget)


def _pattern_list(
    resolver: ProjectResolver, source: SourceFile, node: ast.expr, depth: int, budget: list[int]
) -> Iterator[list]:
    """The entries of a list of URL patterns: a literal, ``a + b``, a name of this file
    bound to one, ``router.urls``."""
    if depth > MAX_INCLUDE_DEPTH:
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _pattern_list(resolver, source, node.left, depth + 1, budget)
        yield from _pattern_list(resolver, source, node.right, depth + 1, budget)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            budget[0] -= 1
            if budget[0] < 0:
                return
            if isinstance(element, ast.Starred):
                yield from _pattern_list(resolver, source, element.value, depth + 1, budget)
            else:
                yield from _urlconf_entry(resolver, source, element, depth, budget)
    elif isinstance(node, ast.Name) and node.id != "urlpatterns":
        values = source.assignments.get(node.id, [])
        if len(values) == 1:
            yield from _pattern_list(resolver, source, values[0], depth + 1, budget)
    else:
        router = _router_home(resolver, source, node)
        if router is not None:
            yield ["", "router", router]


def _router_home(resolver: ProjectResolver, source: SourceFile, node: ast.expr) -> list[str] | None:
    """``router.urls`` -> the router's [file, name], in this file or imported."""
    if not (isinstance(node, ast.Attribute) and node.attr == "urls" and isinstance(node.value, ast.Name)):
        return None
    name = node.value.id
    if name in source.imports:
        definition = resolver.lookup(source.filename, source.imports[name])
        return [os.path.abspath(definition.path), definition.name] if definition is not None else None
    return [os.path.abspath(source.filename), name]


def _urlconf_entry(
    resolver: ProjectResolver, source: SourceFile, element: ast.expr, depth: int, budget: list[int]
) -> Iterator[list]:
    router = _router_home(resolver, source, element)
    if router is not None:
        yield ["", "router", router]
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
        included = call_argument(view, 0, ("arg",))
        if isinstance(included, ast.Tuple) and included.elts:
            included = included.elts[0]  # include((patterns, app_name))
        if included is None:
            return
        module = literal_string(included)
        if module is None and isinstance(included, (ast.Name, ast.Attribute)) and (
            isinstance(included, ast.Attribute) or included.id in source.imports
        ):
            module = source.dotted_name(included)  # include(orders.urls)
        found = resolver.find_module_file(source.filename, module) if module else None
        if found:
            yield [route, "include", os.path.abspath(found)]
            return
        router = _router_home(resolver, source, included)
        if router is not None:
            yield [route, "router", router]
            return
        entries = list(_pattern_list(resolver, source, included, depth + 1, budget))
        if entries:
            yield [route, "patterns", entries]
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
        yield [route, "view", [os.path.abspath(symbol.filename), symbol.name]]


def _mounts(resolver: ProjectResolver, source: SourceFile) -> list[list[object]]:
    """The file's mounts as edges ``[child file, child, parent file, parent, prefix,
    replaces, alias, parent's own prefix]``: ``app.include_router(orders.router,
    prefix="/api")`` serves ``orders.router`` under ``app`` at ``/api``. A prefix that is
    not a literal is None (unknown). Alias edges say that a name holds another node's
    object: ``api = create_api()`` holds what ``create_api`` returns (``create_api()``),
    which is the ``api_app`` it built."""
    context = DiscoveryContext(source, resolver)
    here = os.path.abspath(source.filename)
    found: list[list[object]] = []
    mounted_names: set[str] = set()
    for call in source.calls_to(frozenset(MOUNT_CALLS)):
        if not isinstance(call.func, ast.Attribute):
            continue
        mount = MOUNT_CALLS[call.func.attr]
        child = call_argument(call, mount.child_position, mount.child_keywords)
        parents = context.router_matches(call.func.value)
        if child is None or parents is None:
            continue  # not a router: ``session.mount("https://", adapter)``
        if not isinstance(parents, list) or not parents:  # untraceable: a name of this file, no own prefix
            if not isinstance(call.func.value, ast.Name):
                continue
            parents = [RouterMatch(ROUTER_KINDS[0], None, (here, call.func.value.id))]
        prefix_node = call_argument(call, mount.prefix_position, (mount.prefix_keyword,))
        prefix = "" if prefix_node is None else _constant(source, prefix_node)
        for home in _child_homes(context, child, call.lineno):
            for parent in parents:
                if parent.home is not None and parent.home != home:
                    replaces = mount.replaces and prefix_node is not None  # Flask: only a prefix given here
                    found.append([*home, *parent.home, prefix, replaces, False, parent.prefix or ""])
        if isinstance(child, ast.Name):
            mounted_names.add(child.id)
    if found:  # a file that mounts nothing builds no app that others mount
        found += _aliases(context, here, mounted_names)
    unique = {json_key(edge): edge for edge in found}
    return [unique[key] for key in sorted(unique)]


def json_key(edge: list[object]) -> str:
    return "\0".join(map(str, edge))


def _constant(source: SourceFile, node: ast.expr) -> str | None:
    """A prefix: a string literal, or a name this file binds once to one (``API = "/v1"``)."""
    if isinstance(node, ast.Name):
        values = source.assignments.get(node.id, [])
        node = values[0] if len(values) == 1 else node
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _child_homes(context: DiscoveryContext, node: ast.expr, line: int) -> list[tuple[str, str]]:
    """Where the mounted object(s) are defined: a router, each router of a loop over a
    literal list (``for router in ROUTERS: app.include_router(router)``), or a name."""
    if isinstance(node, ast.Name) and node.id not in context.source.assignments:
        elements = context.loop_elements(node.id, line)
        if elements:
            return [home for element in elements for home in _child_homes(context, element, line)]
    match = context.router_of_expression(node)
    if isinstance(match, RouterMatch) and match.home is not None:
        return [match.home]
    if isinstance(node, ast.Name) and node.id in context.source.assignments:
        return [(os.path.abspath(context.source.filename), node.id)]
    dotted = context.source.dotted_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    if dotted is None or context.resolver is None or context.is_external(dotted):
        return []
    definition = context.resolver.lookup(context.source.filename, dotted)
    if definition is not None:
        return [(os.path.abspath(definition.path), definition.name)]
    symbol = context.resolver.resolve_symbol(context.source.filename, dotted)
    return [(symbol.filename, symbol.name)] if symbol is not None else []


def _aliases(context: DiscoveryContext, here: str, mounted_names: set[str]) -> list[list[object]]:
    """``return app`` in a factory ``create_api`` (an app or router it built) and
    ``api = create_api()`` for a name this file mounts: alias edges, no prefix."""
    source = context.source
    found: list[list[object]] = []
    for function in source.functions.values():
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
                match = context.router_for(node.value)
                if isinstance(match, RouterMatch) and match.home is not None:
                    found.append([*match.home, here, function.name + "()", "", False, True, ""])
    for name in sorted(mounted_names):
        for value in source.assignments.get(name, ()):
            if not (isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute))):
                continue
            dotted = source.dotted_name(value.func)
            if not dotted:
                continue
            if isinstance(value.func, ast.Name) and value.func.id in source.functions:
                found.append([here, dotted + "()", here, name, "", False, True, ""])
            elif context.resolver is not None and not context.is_external(dotted):
                definition = context.resolver.lookup(source.filename, dotted)
                if definition is not None and definition.kind == "function":
                    factory = [os.path.abspath(definition.path), definition.name + "()"]
                    found.append([*factory, here, name, "", False, True, ""])
    return found


#: At most this many mount chains are kept per router (every app that serves it).
MAX_MOUNT_PATHS = 16


def _mount_prefixes(edges: list[list]) -> list[list]:
    """Each router's mounts, chains resolved: ``[file, name, prefix above its own, replaces]``.

    A prefix is everything above the router's own, through every mount to an app that
    nothing mounts (bounded, cycles cut); None where a part is not a literal. A chain
    that ends in an alias nobody mounts (a factory's result used as is) adds nothing."""
    upward: dict[tuple[str, str], list[tuple[tuple[str, str], str | None, bool, bool, str]]] = {}
    own: dict[tuple[str, str], str] = {}
    for child_file, child, parent_file, parent, prefix, replaces, alias, parent_own in edges:
        upward.setdefault((child_file, child), []).append(((parent_file, parent), prefix, replaces, alias, parent_own))
        own.setdefault((parent_file, parent), parent_own)

    def above(node: tuple[str, str], via_alias: bool, seen: frozenset) -> list[str | None]:
        """The full prefix of ``node``'s routes (its own included), per chain."""
        found: list[str | None] = []
        if len(seen) <= MAX_INCLUDE_DEPTH:
            for parent, prefix, replaces, alias, _ in upward.get(node, ()):
                if parent in seen:
                    continue
                for outer in above(parent, alias, seen | {node}):
                    full = _join_prefix(outer, prefix if replaces else _join_prefix(prefix, own.get(node, "")))
                    if full not in found and len(found) < MAX_MOUNT_PATHS:
                        found.append(full)
        if found:
            return found
        return [] if via_alias else [own.get(node, "")]

    result = []
    for node in sorted(upward):
        chains: list[tuple[str | None, bool]] = []
        for parent, prefix, replaces, alias, _ in upward[node]:
            if parent == node:
                continue
            for outer in above(parent, alias, frozenset({node})):
                entry = (_join_prefix(outer, prefix), replaces)
                if entry not in chains and len(chains) < MAX_MOUNT_PATHS:
                    chains.append(entry)
        result += [[*node, prefix, replaces] for prefix, replaces in chains]
    return result


def _join_prefix(outer: str | None, inner: str | None) -> str | None:
    if outer is None or inner is None:
        return None
    if not inner:
        return outer
    if not outer:
        return inner
    return outer.rstrip("/") + "/" + inner.lstrip("/")


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
