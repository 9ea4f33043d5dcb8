"""Connexion: an OpenAPI spec's ``operationId`` routes requests into a project function.

Such a handler module may mention no framework and declare nothing, so every file
the text pre-filter rejects asks ``routed_by_spec`` whether a spec names it. What
each spec says is cached on disk by mtime and size (a spec is read and parsed only
when it changed), so the question costs the project's file listing and a few stats.
"""

from __future__ import annotations

import os
import re

from ..knowledge.frameworks import HTTP_VERBS
from .project_files import cache_path, file_key, load_cache, save_cache, spec_files

#: Spec files larger than this are not read (data dumps).
MAX_SPEC_BYTES = 2_000_000

#: root -> handler file -> [[function name, path, method], ...], once per run.
_OPERATIONS: dict[str, dict[str, list[list[str]]]] = {}


def routed_by_spec(root: str, filename: str) -> bool:
    return os.path.abspath(filename) in spec_operations(root)


def spec_operations(root: str) -> dict[str, list[list[str]]]:
    """Every operation of the project's specs, by the file of its handler function."""
    if root not in _OPERATIONS:
        _OPERATIONS[root] = _collect(root)
    return _OPERATIONS[root]


def forget_operations() -> None:
    _OPERATIONS.clear()


def _collect(root: str) -> dict[str, list[list[str]]]:
    path = cache_path("openapi", root)
    cached = load_cache(path)
    specs: dict[str, list] = {}
    for spec in spec_files(root):
        key = file_key(spec)
        if key is None:
            continue
        entry = cached.get(spec)
        if not (entry and tuple(entry[:2]) == key):
            entry = [*key, list(_operations_of(spec))]
        specs[spec] = entry
    if specs != cached:
        save_cache(path, specs)
    found: dict[str, list[list[str]]] = {}
    for _, _, operations in specs.values():
        for filename, *operation in operations:
            found.setdefault(filename, []).append(operation)
    return found


def _operations_of(spec_path: str):
    """``[handler file, function, path, METHOD]`` per operation whose ``operationId``
    resolves to a project function. ``x-openapi-router-controller`` (on the operation
    or its path) is the module when given; the path prefix comes from
    ``servers[0].url`` or ``basePath``."""
    spec = _load_spec(spec_path)
    if not isinstance(spec, dict) or not isinstance(spec.get("paths"), dict):
        return
    from ..discovery.model import join_path
    from .project_index import resolve_symbol

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
            symbol = resolve_symbol(anchor, dotted)
            if symbol is not None:
                yield [symbol.filename, symbol.name, join_path(prefix, str(route)), method.upper()]


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
