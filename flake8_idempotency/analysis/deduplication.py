"""Is a retried request recognised as a repeat, by the store or by the payment provider?

The store deduplicates when the handler upserts, creates only when absent, inserts
under a unique constraint and catches the duplicate, keys a lock or a lookup on a
client-supplied request id, or checks existence under a row lock. The provider
deduplicates when every call to it carries an idempotency key that is the same on
a retry: not one made fresh in the handler (``uuid4()``).
"""

from __future__ import annotations

import ast

from ..knowledge import guards
from ..syntax import attribute_chain, final_name, literal_string
from .bindings import Scope
from .criticality import ProviderUse
from .existence import tests_existence
from .handler_body import BodyNode
from .key_flow import KeyReader

# -- by the store -------------------------------------------------------------------


def deduplicates(nodes: list[BodyNode]) -> bool:
    locked = has_existence_check = False
    for body_node in nodes:
        node = body_node.node
        if isinstance(node, ast.Call):
            name = final_name(node) or ""
            if name in guards.DEDUP_METHODS:
                return True
            if any(_true(keyword) for keyword in node.keywords if keyword.arg in guards.DEDUP_KEYWORDS):
                return True
            if name == guards.SET_IF_ABSENT[0] and any(
                keyword.arg == guards.SET_IF_ABSENT[1] and _true(keyword) for keyword in node.keywords
            ):
                return True
            if name == guards.CACHE_ADD_METHOD and isinstance(node.func, ast.Attribute) and _is_cache(node.func.value):
                return True
            if name in guards.ROW_LOCK_METHODS:
                locked = True
            if name in guards.LOOKUP_METHODS and any(
                (keyword.arg or "").partition("__")[0] in guards.DEDUP_KEY_FIELDS for keyword in node.keywords
            ):
                return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and guards.DEDUP_SQL.search(node.value):
            return True
        elif isinstance(node, ast.Compare) and _compares_dedup_field(node):
            return True
        elif isinstance(node, ast.Try) and any(_catches_duplicate(handler) for handler in node.handlers):
            return True
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)) and tests_existence(node.test, guards.EXISTENCE_METHODS):
            has_existence_check = True
    return locked and has_existence_check


def _true(keyword: ast.keyword) -> bool:
    return isinstance(keyword.value, ast.Constant) and keyword.value.value is True


def _is_cache(receiver: ast.expr) -> bool:
    if isinstance(receiver, ast.Subscript):
        receiver = receiver.value
    chain = attribute_chain(receiver)
    return bool(chain) and guards.CACHE_RECEIVER_MARKER in chain[-1].lower()


def _compares_dedup_field(node: ast.Compare) -> bool:
    operands = (node.left, *node.comparators)
    on_key_field = any(isinstance(node, ast.Attribute) and node.attr in guards.DEDUP_KEY_FIELDS for node in operands)
    return on_key_field and all(not isinstance(operand, ast.Constant) for operand in operands)


def _catches_duplicate(handler: ast.ExceptHandler) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(node is not None and attribute_chain(node)[-1] in guards.DUPLICATE_ERRORS for node in caught)


# -- by the payment provider ------------------------------------------------------------


def passes_key(use: ProviderUse, nodes: list[BodyNode], scope: Scope, reader: KeyReader) -> bool:
    """The provider call carries a key that is not made fresh on every request."""
    call = use.call
    for keyword in call.keywords:
        if keyword.arg and reader.vocab.is_key_name(keyword.arg) and not _fresh(keyword.value, scope):
            return True
    if any(_mapping_has_key(value, scope, reader, 3) for value in (*call.args, *(k.value for k in call.keywords))):
        return True
    position = use.known.key_position
    if position is not None and position < len(call.args) and not _fresh(call.args[position], scope):
        return True
    # PayPal request objects: ``request = OrdersCreateRequest(); request.headers["PayPal-Request-Id"] = key``
    parent = use.at.ancestors[-1] if use.at.ancestors else None
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        holder = parent.targets[0].id
        return any(_sets_key_header(body_node.node, holder, scope, reader) for body_node in nodes)
    return False


def _sets_key_header(node: ast.AST, holder: str, scope: Scope, reader: KeyReader) -> bool:
    headers = [holder, guards.REQUEST_OBJECT_HEADERS]
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and attribute_chain(target.value) == headers
                and reader.key_name(target.slice)
                and not _fresh(node.value, scope)
            ):
                return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
        if attribute_chain(node.func.value) == headers:
            return any(_mapping_has_key(argument, scope, reader, 1) for argument in node.args)
    return False


def _mapping_has_key(node: ast.expr, scope: Scope, reader: KeyReader, depth: int) -> bool:
    """A dict (literal, ``dict(...)`` or a name bound to one) with an idempotency-key entry."""
    if depth <= 0:
        return False
    if isinstance(node, ast.Name):
        return any(_mapping_has_key(value, scope, reader, depth - 1) for value in scope.values(node.id))
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            text = literal_string(key)
            if text is not None and reader.vocab.is_key_name(text) and not _fresh(value, scope):
                return True
            if _mapping_has_key(value, scope, reader, depth - 1):
                return True
    if isinstance(node, ast.Call) and (final_name(node) or "") == "dict":
        return any(
            keyword.arg and reader.vocab.is_key_name(keyword.arg) and not _fresh(keyword.value, scope)
            for keyword in node.keywords
        )
    return False


def _fresh(node: ast.expr, scope: Scope, depth: int = 2) -> bool:
    """A key generated here (``uuid4()``) is new on every retry."""
    if isinstance(node, ast.Name) and depth > 0:
        values = scope.values(node.id)
        return bool(values) and all(_fresh(value, scope, depth - 1) for value in values)
    return any(
        isinstance(sub, ast.Call) and (final_name(sub) or "") in guards.FRESH_KEY_CALLS for sub in ast.walk(node)
    )
