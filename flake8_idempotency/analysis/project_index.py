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
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..knowledge.frameworks import HTTP_VERBS
from .project import find_module_file, module_name_for
from .source import MAX_FILE_BYTES, SourceFile, call_argument, literal_string, package_and_name, parse_text, read_text


@dataclass(frozen=True)
class FactCollector:
    """A project-wide fact: the union over the project's files of ``collect(source)``."""

    name: str
    #: Only files whose text matches are parsed for this fact.
    text: re.Pattern[str]
    collect: object  # Callable[[SourceFile], Iterable[str]]


def fact_collectors(config) -> tuple[FactCollector, ...]:
    """What the rules want to know about the whole project (each rule's ``facts(config)``)."""
    from ..rules import RULES

    return tuple(collector for rule in RULES for collector in getattr(rule, "facts", lambda _config: ())(config))


#: Directories never part of the project's own code.
_SKIPPED_DIRECTORIES = frozenset(
    {"__pycache__", "node_modules", "site-packages", "dist-packages", "build", "dist", "venv", "env"}
)
#: A file is read further only if its text mentions a registration.
_REGISTRATION_TEXT = re.compile(
    r"urlpatterns|\.register\(|add_url_rule|add_api_route|add_routes|add_route|add_resource|add_view"
    r"|\bRoute\(|Application\(|add_handlers|web\.view\("
)
#: Substrings every ``_REGISTRATION_TEXT`` match contains: ``in`` is a C substring
#: search, ~100x faster than the regex on a file with no match (most files).
_REGISTRATION_LITERALS = (
    "urlpatterns", ".register(", "add_url_rule", "add_api_route", "add_route", "add_resource",
    "add_view", "Route(", "Application(", "add_handlers", "web.view(",
)


def _mentions_registration(text: str) -> bool:
    return any(literal in text for literal in _REGISTRATION_LITERALS) and bool(_REGISTRATION_TEXT.search(text))


#: Include chains deeper than this are cut (and cycles with them).
MAX_INCLUDE_DEPTH = 8

_DJANGO_ROUTES = frozenset({("django", "path"), ("django", "re_path"), ("django", "url")})
_DRF_ROUTERS = frozenset({("rest_framework", "DefaultRouter"), ("rest_framework", "SimpleRouter")})


@dataclass(frozen=True)
class Symbol:
    """A top-level name in a project file."""

    filename: str
    name: str


def resolve_symbol(from_file: str, dotted: str) -> Symbol | None:
    """``orders.views.OrderView`` -> (``.../orders/views.py``, ``OrderView``), project files only."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:split]) or "."
        if dotted.startswith(".") and not module.strip("."):
            module = dotted[: len(dotted) - len(dotted.lstrip("."))]
        found = find_module_file(from_file, module)
        if found:
            return Symbol(os.path.abspath(found), parts[split])
    return None


def project_files(root: str, suffixes: tuple[str, ...] = (".py",)) -> Iterator[str]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".")
            and name not in _SKIPPED_DIRECTORIES
            and not os.path.exists(os.path.join(directory, name, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith(suffixes):
                yield os.path.join(directory, name)


def parse_symbol_home(from_file: str, dotted: str) -> tuple[SourceFile | None, str]:
    """The parsed project module a dotted name lives in, and the name there."""
    symbol = resolve_symbol(from_file, dotted)
    if symbol is None:
        return None, ""
    return parse_text(symbol.filename, read_text(symbol.filename)), symbol.name


class ProjectIndex:
    def __init__(self, root: str, config=None) -> None:
        self.root = os.path.abspath(root)
        self.collectors = fact_collectors(config) if config is not None else ()
        self._registrations: dict[str, list] | None = None
        #: fact name -> (scope directory, values found in one file there); None until asked
        self._facts: dict[str, list[tuple[str, frozenset[str]]]] | None = None
        #: OpenAPI (Connexion) registrations alone: no Python file is read for them.
        self._spec_registrations: dict[str, list] | None = None

    def registrations_for(self, filename: str) -> list:
        """Registrations found in other files whose target lives in ``filename``."""
        if self._registrations is None:
            self._build()
        return self._registrations.get(os.path.abspath(filename), [])

    def fact(self, name: str, for_file: str) -> frozenset[str]:
        """A rule's project fact, united over the files whose app covers ``for_file``.

        A fact found in a file counts for the files under the directory that holds
        its top-level package (``config/settings.py`` covers ``orders/views.py``
        beside ``config/``), so one app's handlers never silence another app of
        the same repository.
        """
        if self._facts is None:
            self._build_facts()
        target = os.path.abspath(for_file)
        found: set[str] = set()
        for scope, values in self._facts.get(name, ()):
            if target.startswith(scope + os.sep):
                found |= values
        return frozenset(found)

    def registers(self, filename: str) -> bool:
        """Does another file route requests into ``filename`` (OpenAPI specs, route tables)?"""
        return bool(self.registrations_for(filename))

    def spec_registers(self, filename: str) -> bool:
        """Does an OpenAPI spec (Connexion) route requests into ``filename``?

        The only registration that can reach a module with no framework text at all
        (plain functions named by ``operationId``); it reads spec files, no Python
        file, so asking it for every linted file costs one directory walk per process.
        """
        if self._spec_registrations is None:
            found: dict[str, list] = {}
            for spec in project_files(self.root, OPENAPI_SUFFIXES):
                for symbol, registration in connexion_operations(spec):
                    found.setdefault(symbol.filename, []).append(registration)
            self._spec_registrations = found
        return bool(self._spec_registrations.get(os.path.abspath(filename)))

    def _build_facts(self) -> None:
        """Each rule's project facts, only when a rule first asks for one."""
        facts: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for path in project_files(self.root) if self.collectors else ():
            text = read_text(path)
            wanted = [collector for collector in self.collectors if text and collector.text.search(text)]
            source = parse_text(path, text) if wanted else None
            if source is None:
                continue
            for collector in wanted:
                values = frozenset(collector.collect(source))
                if values:
                    facts.setdefault(collector.name, []).append((module_name_for(path)[1], values))
        self._facts = facts

    def _build(self) -> None:
        from ..discovery import REGISTRATION_MODULES, django
        from ..discovery.context import DiscoveryContext

        found: dict[str, list] = {}
        urlconfs: dict[str, SourceFile] = {}
        for path in project_files(self.root):
            text = read_text(path)
            source = parse_text(path, text) if text and _mentions_registration(text) else None
            if source is None:
                continue
            if "urlpatterns" in source.assignments:
                urlconfs[os.path.abspath(path)] = source
            context = DiscoveryContext(source)
            for module in REGISTRATION_MODULES:
                if module is django:
                    continue  # URLconfs need their include() prefixes: _django_routes
                for registration in module.registrations(context):
                    self._file(found, path, registration)
        for symbol, registration in _django_routes(urlconfs):
            found.setdefault(symbol.filename, []).append(replace(registration, target=symbol.name))
        for spec in project_files(self.root, OPENAPI_SUFFIXES):
            for symbol, registration in connexion_operations(spec):
                found.setdefault(symbol.filename, []).append(registration)
        self._registrations = found

    @staticmethod
    def _file(found: dict[str, list], path: str, registration) -> None:
        reference = registration.reference or ""
        if "." not in reference:
            return  # a handler of that same file: discovery sees it when linting it
        symbol = resolve_symbol(path, reference)
        if symbol is not None and symbol.filename != os.path.abspath(path):
            found.setdefault(symbol.filename, []).append(replace(registration, target=symbol.name))


def _django_routes(urlconfs: dict[str, SourceFile]) -> Iterator[tuple[Symbol, object]]:
    """Django URLconfs from their roots (modules nobody includes), prefixes joined."""
    included = {
        target for source in urlconfs.values() for _, kind, target in _urlconf_entries(source) if kind == "include"
    }
    for path in sorted(urlconfs):
        if path not in included:
            yield from _walk_urlconf(urlconfs, path, "", 0)


def _walk_urlconf(urlconfs, path: str, prefix: str, depth: int):
    from ..discovery.context import Registration
    from ..discovery.model import join_path

    if depth > MAX_INCLUDE_DEPTH or path not in urlconfs:
        return
    source = urlconfs[path]
    for route, kind, target in _urlconf_entries(source):
        full = _join_django(prefix, route)
        if kind == "include":
            yield from _walk_urlconf(urlconfs, target, full, depth + 1)
        elif kind == "router":
            for viewset, collection in _router_registrations(source, target):
                base = _join_django(full, collection)
                yield viewset, Registration(viewset.name, join_path(None, base), "drf", detail=False)
                yield viewset, Registration(viewset.name, join_path(None, base + "{pk}/"), "drf", detail=True)
        elif isinstance(target, Symbol):
            yield target, Registration(target.name, join_path(None, full), "django")


def _join_django(prefix: str, route: str) -> str:
    route = route.removeprefix("^")
    prefix = prefix.removesuffix("$")
    return prefix + route


def _urlconf_entries(source: SourceFile) -> Iterator[tuple[str, str, object]]:
    """(route, kind, target): kind ``include`` (target: module file), ``router``
    (target: router variable name) or ``view`` (target: Symbol)."""
    for values in source.assignments.get("urlpatterns", []):
        elements = values.elts if isinstance(values, (ast.List, ast.Tuple)) else [values]
        if isinstance(values, ast.BinOp):  # [...] + router.urls
            elements = [*getattr(values.left, "elts", [values.left]), values.right]
        for element in elements:
            yield from _urlconf_entry(source, element)
    for node in ast.walk(source.tree):  # urlpatterns += [...] / += router.urls
        if isinstance(node, ast.AugAssign) and getattr(node.target, "id", None) == "urlpatterns":
            for element in getattr(node.value, "elts", [node.value]):
                yield from _urlconf_entry(source, element)


def _urlconf_entry(source: SourceFile, element: ast.expr) -> Iterator[tuple[str, str, object]]:
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
        found = find_module_file(source.filename, module) if module else None
        if found:
            yield route, "include", os.path.abspath(found)
        return
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        view = view.func.value
    reference = source.dotted_name(view)
    if reference is None:
        return
    symbol = resolve_symbol(source.filename, reference) if "." in reference else Symbol(source.filename, reference)
    if symbol is not None:
        yield route, "view", symbol


def _router_registrations(source: SourceFile, router: str) -> Iterator[tuple[Symbol, str]]:
    """``router.register(r"orders", OrderViewSet)`` -> (OrderViewSet's Symbol, ``orders/``)."""
    if not any(
        isinstance(value, ast.Call)
        and (dotted := source.imported_name(value.func))
        and package_and_name(dotted) in _DRF_ROUTERS
        for value in source.assignments.get(router, [])
    ):
        return
    for call in source.calls:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr != "register" or getattr(func.value, "id", None) != router:
            continue
        prefix = literal_string(call_argument(call, 0, ("prefix",)))
        viewset = call_argument(call, 1, ("viewset",))
        reference = source.dotted_name(viewset) if viewset is not None else None
        if prefix is None or reference is None:
            continue
        symbol = resolve_symbol(source.filename, reference) if "." in reference else Symbol(source.filename, reference)
        if symbol is not None:
            yield symbol, prefix.strip("/") + "/" if prefix.strip("/") else ""


OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")


def connexion_operations(spec_path: str) -> Iterator[tuple[Symbol, object]]:
    """Connexion: each OpenAPI operation's ``operationId`` names its handler function.

    ``x-openapi-router-controller`` (on the operation or its path) is the module
    when given; the path prefix comes from ``servers[0].url`` or ``basePath``.
    """
    from ..discovery.context import Registration
    from ..discovery.model import join_path

    spec = _load_spec(spec_path)
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        return
    servers = spec.get("servers") or [{}]
    server_url = servers[0].get("url", "") if isinstance(servers[0], dict) else ""
    prefix = spec.get("basePath") or re.sub(r"^[a-z]+://[^/]+", "", str(server_url))
    anchor = os.path.join(os.path.dirname(os.path.abspath(spec_path)), "__openapi__.py")
    for route, item in spec["paths"].items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method.upper() not in HTTP_VERBS or not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId")
            key = "x-openapi-router-controller"
            controller = operation[key] if key in operation else item.get(key)
            if not isinstance(operation_id, str):
                continue
            dotted = f"{controller}.{operation_id}" if controller else operation_id
            symbol = resolve_symbol(anchor, dotted)
            if symbol is not None:
                path = join_path(prefix, str(route))
                yield symbol, Registration(symbol.name, path, "connexion", (method.upper(),))


def _load_spec(path: str) -> object:
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if "operationId" not in text:
            return None
        if path.endswith(".json"):
            import json

            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except Exception:  # a broken or exotic spec file is not ours to report
        return None
