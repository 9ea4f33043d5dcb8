"""Tornado's ``Application([(r"/orders/([0-9]+)", OrderHandler), ...])`` table.

``RequestHandler`` subclasses are found by the ``views`` engine; the table gives
them their paths.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import REGISTRATION_TRIGGERS
from ..model.endpoint import join_path
from ..syntax import final_name, literal_string
from .context import DiscoveryContext, Registration, frameworks_imported

_TABLE_CALLS = ("Application", "add_handlers")
_RULE_CALLS = ("url", "URLSpec", "Rule")


#: ``registrations`` finds nothing in a file without one of these (its calls are not walked).
TRIGGERS = REGISTRATION_TRIGGERS["tornado"]


def registrations(context: DiscoveryContext) -> Iterator[Registration]:
    if "tornado" not in frameworks_imported(context.source):
        return
    for call in context.source.calls_to(frozenset(_TABLE_CALLS)):
        name = final_name(call)
        if name not in _TABLE_CALLS:
            continue
        for argument in call.args:
            if isinstance(argument, (ast.List, ast.Tuple)):
                for rule in argument.elts:
                    registration = _rule(context, rule)
                    if registration:
                        yield registration


def _rule(context: DiscoveryContext, node: ast.expr) -> Registration | None:
    if isinstance(node, ast.Tuple):
        elements = node.elts
    elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in _RULE_CALLS:
        elements = node.args
    else:
        return None
    if len(elements) < 2:
        return None
    path, target = literal_string(elements[0]), context.target_name(elements[1])
    if path is None or target is None:
        return None
    return Registration.to(target, join_path(None, path), "tornado")
