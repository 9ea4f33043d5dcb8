"""Connexion: an OpenAPI spec's ``operationId`` routes requests into a project function.

Such a handler module may mention no framework and declare nothing, so every file
the text pre-filter rejects asks ``SpecRoutes.routes`` whether a spec names it. What
each spec says is cached on disk by mtime and size (a spec is read and parsed only
when it changed), so the question costs the project's file listing and a few stats.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..knowledge.frameworks import HTTP_VERBS
from .files import ProjectTree, cache_path, file_key, load_cache, save_cache

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.project_modules import ProjectResolver

#: Spec files larger than this are not read (data dumps).
MAX_SPEC_BYTES = 2_000_000


class SpecRoutes:
    """What the project's OpenAPI specs route, read at most once per run."""

    def __init__(self, tree: ProjectTree, resolver: Callable[[], ProjectResolver]) -> None:
        self._tree = tree
        self._resolver = resolver
        self._operations: dict[str, list[list[str]]] | None = None

    def routes(self, filename: str) -> bool:
        """Does a spec name a function of ``filename``?"""
        return os.path.abspath(filename) in self.operations()

    def operations(self) -> dict[str, list[list[str]]]:
        """Every operation of the project's specs, by the file of its handler function."""
        if self._operations is None:
            self._operations = self._collect()
        return self._operations

    def _collect(self) -> dict[str, list[list[str]]]:
        path = cache_path("openapi", self._tree.root)
        cached = load_cache(path)
        specs: dict[str, list] = {}
        for spec in self._tree.spec_files():
            key = file_key(spec)
            if key is None:
                continue
            entry = cached.get(spec)
            if not (entry and tuple(entry[:2]) == key):
                entry = [*key, list(_operations_of(spec, self._resolver()))]
            specs[spec] = entry
        if specs != cached:
            save_cache(path, specs)
        found: dict[str, list[list[str]]] = {}
        for _, _, operations in specs.values():
            for filename, *operation in operations:
                found.setdefault(filename, []).append(operation)
        return found


def _operations_of(spec_path: str, resolver: ProjectResolver) -> Iterator[list[str]]:
    """``[handler file, function, path, METHOD]`` per operation whose ``operationId``
    resolves to a project function. ``x-openapi-router-controller`` (on the operation
    or its path) is the module when given; the path prefix comes from
    ``servers[0].url`` or ``basePath``."""
    spec = _load_spec(spec_path)
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        return
    from ..model.endpoint import join_path  # only when a spec changed: off the pre-filter's path

    servers = spec.get("servers") or [{}]
    server_url = servers[0].get("url", "") if isinstance(servers[0], dict) else ""
    prefix = spec.get("basePath") or re.sub(r"^[a-z]+://[^/]+", "", str(server_url))
    anchor = os.path.join(os.path.dirname(os.path.abspath(spec_path)), "__openapi__.py")
    for route, item in spec["paths"].items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if str(method).upper() not in HTTP_VERBS or not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId")
            key = "x-openapi-router-controller"
            controller = operation[key] if key in operation else item.get(key)
            if not isinstance(operation_id, str):
                continue
            dotted = f"{controller}.{operation_id}" if controller else operation_id
            symbol = resolver.resolve_symbol(anchor, dotted)
            path = join_path(prefix, str(route))
            if symbol is not None and path is not None:
                yield [symbol.filename, symbol.name, path, method.upper()]


def _load_spec(path: str) -> object:
    try:
        if os.path.getsize(path) > MAX_SPEC_BYTES:
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
