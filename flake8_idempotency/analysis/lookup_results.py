"""Lookups that answer None when the resource is missing, and the names holding their result.

``session.get(Order, id)``, ``qs.first()``, ``coll.find_one(...)``,
``Model.get_or_none(...)`` are fine until the result is used unchecked:
``obj.attr``, ``obj[...]`` or ``session.delete(obj)`` where obj may be None raises,
and a retried DELETE answers 500. The body is read in source order and ``track``
remembers what each name holds, per function (the handler and each followed call
have their own names); a DynamoDB ``get_item`` response held in a name is
remembered too (its ``["Item"]`` raises, see ``raising_lookups``). Method names are
data in ``knowledge.lookups``; receiver shapes are ``receivers``' answers.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from ..knowledge.lookups import (
    DYNAMODB_GET_ITEM_METHOD,
    MODEL_QUERY_PROPERTY,
    NONE_ATTRIBUTE_ERROR,
    NONE_LOOKUPS,
    NONE_SUBSCRIPT_ERROR,
    NOT_COLLECTIONS,
    QUERY_NONE_LOOKUPS,
    SESSION_DELETE,
    SESSION_GET,
    SESSION_SCALAR,
    SPECIFIC_NONE_LOOKUPS,
    NoneLookup,
)
from ..syntax import attribute_chain, final_name
from .handler_body import BodyNode
from .receivers import Receivers, is_model_name, model_in, orm_filter_args, resource_noun, unawait

#: A name in one function: the calls followed to reach it, and the name.
ScopedName = tuple[tuple[int, ...], str]


class Held(NamedTuple):
    """What a name holds: a None-returning lookup's result."""

    lookup: NoneLookup
    #: What is looked up, for messages (``order``).
    noun: str


class UncheckedUse(NamedTuple):
    """A lookup's result used as if the resource were there."""

    #: The name holding the result; None when the lookup call itself is used (``q.first().id``).
    name: ScopedName | None
    held: Held
    #: What the use raises when the result is None.
    exception: str

    @property
    def subjects(self) -> frozenset[str]:
        """Source texts whose existence check guards the use."""
        return frozenset({self.name[1]}) if self.name else frozenset()


class LookupResults:
    """The None-returning lookups of one handler's body, and the names holding their results."""

    def __init__(self, receivers: Receivers, safe_helpers: frozenset[str]) -> None:
        self.receivers = receivers
        #: Lookups that answer 404 themselves (``get_object_or_404``, ``--idm-safe-lookups``).
        self.safe_helpers = safe_helpers
        self._held: dict[ScopedName, Held] = {}
        self._responses: set[ScopedName] = set()

    def none_lookup(self, node: ast.expr | None) -> NoneLookup | None:
        """``session.get(Order, id)``, ``qs.first()``, ``coll.find_one(...)``, ``Model.get_or_none(...)``..."""
        call = unawait(node) if node is not None else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        method, receiver = call.func.attr, call.func.value
        lookup = NONE_LOOKUPS.get(method)
        if lookup is None or method in self.safe_helpers:
            return None
        if method in SPECIFIC_NONE_LOOKUPS:
            return lookup
        chain = attribute_chain(receiver)
        if method in QUERY_NONE_LOOKUPS and not call.args and not call.keywords:
            return lookup if self.receivers.is_query(receiver, chain) else None
        if method == SESSION_SCALAR and len(call.args) == 1:  # session.scalar(select(...))
            return lookup if "session" in (chain[-1] if chain else "").lower() or chain[-1:] == ["db"] else None
        if method == SESSION_GET:
            if len(call.args) >= 2 and is_model_name(call.args[0]):  # session.get(Order, id)
                return lookup
            if chain and chain[-1] in MODEL_QUERY_PROPERTY and len(call.args) == 1:  # Order.query.get(id)
                return lookup
            if (  # Pony Order.get(id=x)
                self.receivers.uses_pony and self.receivers.is_model_class(receiver) and orm_filter_args(call)
            ):
                return lookup
        return None

    def noun(self, node: ast.expr) -> str:
        """What a lookup looks up: its model, or its collection (``db.orders.find_one`` -> ``order``)."""
        call = unawait(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            if call.args and is_model_name(call.args[0]):
                return resource_noun(final_name(call.args[0]))
            model = model_in(call.func.value)
            if model:
                return resource_noun(model)
            collection = attribute_chain(call.func.value)[-1:]
            if collection and collection[0].isidentifier() and collection[0] not in NOT_COLLECTIONS:
                return collection[0].removesuffix("s")
        return resource_noun(None)

    def track(self, at: BodyNode) -> None:
        """Remember names bound to a None-returning lookup or a DynamoDB get_item response."""
        node = at.node
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
            target, value = node.target, node.value  # type: ignore[assignment]
        else:
            return
        if not isinstance(target, ast.Name) or value is None:
            return
        key = (_scope(at), target.id)
        self._held.pop(key, None)
        self._responses.discard(key)
        lookup = self.none_lookup(value)
        if lookup is not None:
            self._held[key] = Held(lookup, self.noun(value))
        inner = unawait(value)
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == DYNAMODB_GET_ITEM_METHOD
        ):
            self._responses.add(key)

    def holds_response(self, at: BodyNode, name: str) -> bool:
        """``name`` holds a DynamoDB get_item response where ``at`` runs."""
        return (_scope(at), name) in self._responses

    def noun_held_by(self, name: str) -> str | None:
        """What a name holds the lookup of, in whichever function binds it."""
        for (_scope_key, held_name), held in self._held.items():
            if held_name == name:
                return held.noun
        return None

    def unchecked_use(self, at: BodyNode) -> UncheckedUse | None:
        """``obj.attr``, ``obj[...]`` or ``session.delete(obj)`` where obj may be None."""
        node = at.node
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            exception = NONE_ATTRIBUTE_ERROR if isinstance(node, ast.Attribute) else NONE_SUBSCRIPT_ERROR
            held = self._held_lookup(node.value, at)
            if held is not None:
                return UncheckedUse(held[0], held[1], exception)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == SESSION_DELETE
            and len(node.args) == 1
        ):
            held = self._held_lookup(node.args[0], at)
            if held is not None and held[1].lookup.delete_raises:
                return UncheckedUse(held[0], held[1], held[1].lookup.delete_raises)
        return None

    def forget(self, use: UncheckedUse) -> None:
        """The use is reported: later uses of the same name are not."""
        if use.name:
            del self._held[use.name]

    def _held_lookup(self, node: ast.expr, at: BodyNode) -> tuple[ScopedName | None, Held] | None:
        if isinstance(node, ast.Name):
            key = (_scope(at), node.id)
            held = self._held.get(key)
            return (key, held) if held is not None else None
        lookup = self.none_lookup(node)
        if lookup is not None:
            return None, Held(lookup, self.noun(node))
        return None


def _scope(at: BodyNode) -> tuple[int, ...]:
    """Names are per function: the handler and each followed call have their own."""
    return tuple(id(step.call) for step in at.via)
