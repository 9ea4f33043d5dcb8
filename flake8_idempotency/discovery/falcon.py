"""Falcon responders: ``on_put`` / ``on_delete_<suffix>`` on a resource class.

Falcon resources have no base class, so the responder naming is the declaration,
trusted only in files that import falcon. ``app.add_route(path, Resource(),
suffix=...)`` gives the path per suffix.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import FALCON_RESPONDER_PREFIX, HTTP_VERBS
from ..model.endpoint import Endpoint, join_path
from ..syntax import call_argument, literal_string
from .context import DiscoveryContext, frameworks_imported

_ROUTE_CALLS = frozenset({"add_route"})


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    if "falcon" not in frameworks_imported(context.source):
        return
    routes = _routes(context)
    for handler, cls in context.source.all_functions:
        if cls is None or not handler.name.startswith(FALCON_RESPONDER_PREFIX):
            continue
        verb, _, suffix = handler.name.removeprefix(FALCON_RESPONDER_PREFIX).partition("_")
        if verb.upper() not in HTTP_VERBS:
            continue
        paths = routes.get((cls.name, suffix)) or [None]
        for path in paths:
            yield from context.endpoints(handler, cls, (verb.upper(),), path, "falcon")


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
