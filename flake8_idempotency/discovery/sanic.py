"""Sanic's ``app.add_route(handler, "/uri", methods=[...])`` (handler first).

``@app.put`` / ``@bp.route`` and ``HTTPMethodView`` classes are found by the
shared engines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import REGISTRATION_TRIGGERS
from ..model.endpoint import join_path
from ..syntax import call_argument, literal_string
from .context import DiscoveryContext, Registration, methods_from

_REGISTERING_NAMES = frozenset({"add_route"})

#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["sanic"]


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    for call in context.source.calls_to(_REGISTERING_NAMES):
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "add_route"):
            continue
        match = context.registering_router(func.value, ("sanic",))
        if match is None:
            continue
        target = context.target_name(call_argument(call, 0, ("handler",)))
        uri = literal_string(call_argument(call, 1, ("uri",)))
        methods = methods_from(call_argument(call, None, ("methods",)))
        if target:
            if target.name in context.source.functions:
                methods = methods or ("GET",)
            yield Registration.to(target, join_path(match.prefix, uri), "sanic", methods)
