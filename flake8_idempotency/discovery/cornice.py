"""cornice resources: ``@resource(collection_path="/orders", path="/orders/{id}")``.

A ``collection_<verb>`` method serves the collection path, a ``<verb>`` method the
item path. cornice's ``Service(path=...)`` with ``@svc.put()`` is a router kind
(``ROUTER_KINDS``), found by the ``routers`` engine. A copy of cornice vendored under
the project's own package (``kinto.core.cornice``) counts as cornice.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import CORNICE_COLLECTION_PREFIX, CORNICE_RESOURCE, HTTP_VERBS
from ..model.endpoint import Endpoint, join_path
from ..syntax import call_argument, literal_string
from .context import DiscoveryContext, vendored_key


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    source = context.source
    if "resource" not in source.text:
        return
    for cls in source.classes.values():
        declared = _resource_decorator(context, cls)
        if declared is None:
            continue
        collection = literal_string(call_argument(declared, None, ("collection_path",)))
        item = literal_string(call_argument(declared, None, ("path",)))
        for statement in cls.body:
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            name = statement.name
            is_collection = name.startswith(CORNICE_COLLECTION_PREFIX)
            verb = name.removeprefix(CORNICE_COLLECTION_PREFIX).upper()
            if verb not in HTTP_VERBS:
                continue
            path = join_path(None, collection if is_collection else item)
            yield from context.endpoints(statement, cls, (verb,), path, "cornice")


def _resource_decorator(context: DiscoveryContext, cls: ast.ClassDef) -> ast.Call | None:
    for decorator in cls.decorator_list:
        if isinstance(decorator, ast.Call):
            dotted = context.source.imported_name(decorator.func)
            if dotted and vendored_key(dotted) in CORNICE_RESOURCE:
                return decorator
    return None
