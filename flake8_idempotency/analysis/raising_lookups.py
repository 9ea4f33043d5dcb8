"""Lookups and removals that raise when the resource is already gone.

``Order.objects.get(pk=pk)``, ``.one()``, ``Order[id]``, ``del store[key]``,
``store.pop(key)``, ``os.remove(path)``, ``path.unlink()``,
``table.get_item(...)["Item"]``: on a missing resource each raises, and a retried
DELETE answers 500. Each store's raising calls and exceptions are data in
``knowledge.lookups``; the receiver's shape decides whether a call is one of them
(``receivers``). Whether a ``try``, an existence check or an app exception handler
takes care of the error is ``error_paths``' answer.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from ..knowledge import lookups as known
from ..syntax import attribute_chain, final_name, literal_string, source_text
from .handler_body import BodyNode
from .lookup_results import LookupResults
from .names import is_class_name
from .receivers import Receivers, dotted_base, is_model_name, model_in, orm_filter_args, resource_noun, unawait


class Raising(NamedTuple):
    """A raising lookup or removal found in the body."""

    raiser: known.Raiser
    #: How the message names the exception (``Order.DoesNotExist``).
    label: str
    noun: str
    #: Source texts whose existence check guards it.
    subjects: frozenset[str] = frozenset()


class RaisingLookups:
    """The raising lookups and removals of one handler's body, node by node."""

    def __init__(self, receivers: Receivers, results: LookupResults) -> None:
        self.receivers = receivers
        #: Names holding a DynamoDB get_item response (their ``["Item"]`` raises).
        self.results = results

    def of(self, at: BodyNode) -> Raising | None:
        node = at.node
        if isinstance(node, ast.Call):
            return self._call(node, at)
        if isinstance(node, ast.Delete):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and not isinstance(target.slice, ast.Constant)
                    and self.receivers.persistent_container(target.value, at)
                ):
                    return _raising(known.DEL_SUBSCRIPT, _texts(target.value))
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and not _in_annotation(at):
            return self._subscript(node, at)
        return None

    def _call(self, call: ast.Call, at: BodyNode) -> Raising | None:
        receivers = self.receivers
        dotted = receivers.source.dotted_name(call.func) or ""
        if dotted in known.FILE_REMOVAL_FUNCTIONS:
            return _raising(known.FILE_REMOVAL_FUNCTIONS[dotted], _texts(_path_argument(call)))
        if dotted in known.RMTREE_FUNCTIONS:
            if _rmtree_ignores_errors(call):
                return None
            return _raising(known.RMTREE, _texts(_path_argument(call)))
        if not isinstance(call.func, ast.Attribute):
            return None
        method, receiver = call.func.attr, call.func.value
        chain = attribute_chain(receiver)
        if method in known.MANAGER_GET_METHODS and receivers.is_manager(receiver, chain, call):
            model = chain[0] if chain and is_class_name(chain[0]) else None
            label = f"{model}.DoesNotExist" if model else "DoesNotExist"
            return _raising(known.DJANGO_GET, _texts(dotted_base(receiver)), label, resource_noun(model))
        class_get = method in known.MODEL_CLASS_GET_METHODS and not receivers.uses_pony and orm_filter_args(call)
        if receivers.is_model_class(receiver) and (method in known.MODEL_GET_BY_ID_METHODS or class_get):
            model = receiver.id  # type: ignore[attr-defined]
            label = f"{model}.DoesNotExist" if receivers.model_exceptions else "DoesNotExist"
            return _raising(known.MODEL_CLASS_GET, frozenset({model}), label, resource_noun(model))
        if method in known.SQLALCHEMY_ONE_METHODS and not call.args and not call.keywords:
            if method in known.SPECIFIC_ONE_METHODS or receivers.is_query(receiver, chain):
                noun = resource_noun(model_in(receiver))
                return _raising(known.SQLALCHEMY_ONE, _texts(dotted_base(receiver)), noun=noun)
        if method in known.SQLALCHEMY_GET_ONE_METHODS and call.args and is_model_name(call.args[0]):
            noun = resource_noun(final_name(call.args[0]))
            return _raising(known.SQLALCHEMY_ONE, _texts(dotted_base(receiver)), noun=noun)
        if method in known.PRISMA_OR_RAISE_METHODS:
            noun = resource_noun(chain[-1] if chain and chain[-1].isidentifier() else None)
            return _raising(known.PRISMA_OR_RAISE, _texts(dotted_base(receiver)), noun=noun)
        return self._removal(call, method, receiver, at)

    def _removal(self, call: ast.Call, method: str, receiver: ast.expr, at: BodyNode) -> Raising | None:
        receivers = self.receivers
        single = len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred)
        if (
            method == known.CONTAINER_POP
            and single
            and not isinstance(call.args[0], ast.Constant)
            and receivers.persistent_container(receiver, at)
        ):
            return _raising(known.POP_WITHOUT_DEFAULT, _texts(receiver))
        if method == known.COLLECTION_REMOVE and single and receivers.owned_collection(receiver, at):
            return _raising(known.SET_REMOVE if receivers.holds_set(receiver) else known.LIST_REMOVE, _texts(receiver))
        if method in known.PATH_REMOVAL_METHODS and receivers.path_like(receiver):
            if method in known.MISSING_OK_METHODS and _missing_ok(call):
                return None
            return _raising(known.PATH_REMOVAL_METHODS[method], _texts(receiver))
        if method == known.DYNAMODB_DELETE_ITEM and _conditioned_on_existence(call):
            return _raising(known.DYNAMODB_CONDITIONAL_DELETE)
        return None

    def _subscript(self, node: ast.Subscript, at: BodyNode) -> Raising | None:
        if literal_string(node.slice) == known.DYNAMODB_ITEM_KEY:
            value = unawait(node.value)
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr == known.DYNAMODB_GET_ITEM_METHOD
            ):
                return _raising(known.DYNAMODB_GET_ITEM)
            if isinstance(value, ast.Name) and self.results.holds_response(at, value.id):
                return _raising(known.DYNAMODB_GET_ITEM, frozenset({value.id}))
            return None
        value = node.value
        receivers = self.receivers
        if isinstance(value, ast.Name) and receivers.is_model_class(value) and receivers.model_declared(value.id):
            noun = resource_noun(value.id)
            if receivers.uses_pony:
                return _raising(known.PONY_SUBSCRIPT, frozenset({value.id}), noun=noun)
            return _raising(known.MODEL_SUBSCRIPT, frozenset({value.id}), f"{value.id}.DoesNotExist", noun)
        return None


def _raising(
    raiser: known.Raiser, subjects: frozenset[str] = frozenset(), label: str | None = None, noun: str | None = None
) -> Raising:
    """The exception and noun default to the raiser's (``KeyError``, ``entry``)."""
    return Raising(
        raiser, raiser.exception if label is None else label, raiser.noun if noun is None else noun, subjects
    )


def _texts(node: ast.AST | None) -> frozenset[str]:
    text = source_text(node) if node is not None else ""
    return frozenset({text}) if text else frozenset()


def _path_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == known.PATH_KEYWORD:
            return keyword.value
    return call.args[0] if call.args else None


def _missing_ok(call: ast.Call) -> bool:
    """``unlink(missing_ok=True)`` (any value but a false constant)."""
    missing_ok = next((kw.value for kw in call.keywords if kw.arg == known.MISSING_OK_KEYWORD), None)
    return missing_ok is not None and not (isinstance(missing_ok, ast.Constant) and not missing_ok.value)


def _rmtree_ignores_errors(call: ast.Call) -> bool:
    """``ignore_errors=True`` (keyword or second positional) or an error callback: not raising."""
    values = [kw.value for kw in call.keywords if kw.arg == known.RMTREE_IGNORE_ERRORS]
    if len(call.args) > 1:
        values.append(call.args[1])
    if any(kw.arg in known.RMTREE_ERROR_CALLBACKS for kw in call.keywords):
        return True
    return any(not (isinstance(value, ast.Constant) and not value.value) for value in values)


def _conditioned_on_existence(call: ast.Call) -> bool:
    """``ConditionExpression="attribute_exists(pk)"`` or ``Attr("pk").exists()``."""
    for keyword in call.keywords:
        if keyword.arg == known.DYNAMODB_CONDITION_KEYWORD:
            text = literal_string(keyword.value) or ""
            if known.DYNAMODB_EXISTS_CONDITION in text:
                return True
            return any(
                isinstance(inner, ast.Call) and final_name(inner.func) == known.DYNAMODB_EXISTS_METHOD
                for inner in ast.walk(keyword.value)
            )
    return False


def _in_annotation(at: BodyNode) -> bool:
    chain = (*at.ancestors, at.node)
    return any(
        isinstance(parent, ast.AnnAssign) and parent.annotation is child for parent, child in zip(chain, chain[1:])
    )
