"""Is a retried request recognised as a repeat, by the store, by the handler or by the provider?

The store deduplicates when the handler upserts, creates only when absent, inserts
under a unique constraint and catches the duplicate, or keys a lock or a lookup on a
client-supplied request id. The handler refuses a repeat when, before the effect,
it tests a state field of the record the request names and leaves (or acts only in
one state), when it looks up the same kind of record it creates, keyed on the
request, and creates only when there is none (a lock or an ``is None`` test
elsewhere is no such lookup), or when it consumes a one-time token (the invitation
deleted, the token marked used). The provider deduplicates when every call to it
carries an idempotency key that is the same on a retry: not one made fresh in the
handler (``uuid4()``).
"""

from __future__ import annotations

import ast

from ..knowledge import guards
from ..knowledge.critical import DIFFERENCE_WORDS
from ..syntax import attribute_chain, final_name, literal_string
from .bindings import Scope
from .criticality import ProviderUse
from .handler_body import BodyNode
from .key_flow import KeyReader
from .names import singular, words_of

# -- by the store -------------------------------------------------------------------


def deduplicates(nodes: list[BodyNode]) -> bool:
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
    return False


# -- by the handler: refusal by state, a lookup of what it creates (v2) ---------------------


def refuses_repeat(effects: list[BodyNode], created: list[str], nodes: list[BodyNode], scope: Scope) -> bool:
    """Every effect comes after a test that leaves on a repeat, or runs only on the branch a repeat skips.

    The tests: a state field of a record (``if order.status == PAID: return 409``), or a
    lookup of the same kind of record the handler creates, keyed on the request
    (``if team.invites.filter(email=email).exists(): raise ...``), with the creation only
    on the "absent" branch.
    """
    if not effects:
        return False
    kinds = {_kind(model) for model in created} - {""}
    guards_found: list[tuple[int, ast.If, str]] = []
    position = {id(body_node.node): index for index, body_node in enumerate(nodes)}
    for index, body_node in enumerate(nodes):
        node = body_node.node
        if not isinstance(node, ast.If):
            continue
        if kinds and _looks_up(node.test, kinds, scope):
            guards_found.append((index, node, "lookup"))
        elif _tests_state(node.test) or _tests_change(node.test):
            guards_found.append((index, node, "state"))
    return bool(guards_found) and all(
        any(_covers(guard, kind, effect, position) for _, guard, kind in guards_found) for effect in effects
    )


def _covers(guard: ast.If, kind: str, effect: BodyNode, position: dict[int, int]) -> bool:
    ancestors = effect.ancestors
    if guard in ancestors:
        branch = ancestors[ancestors.index(guard) + 1] if ancestors[-1] is not guard else effect.node
        in_body = any(branch is statement for statement in guard.body)
        if kind == "state":
            return True  # acts only in one state: a repeat finds the record in the other
        return in_body == _negated(guard.test)  # created only when the lookup found nothing
    exits = any(isinstance(statement, (ast.Return, ast.Raise)) for statement in guard.body)
    before = position.get(id(guard), -1) < position.get(id(effect.node), -1)
    return exits and before and (kind == "state" or not _negated(guard.test))


def _negated(test: ast.expr) -> bool:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    return isinstance(test, ast.Compare) and any(
        isinstance(side, ast.Constant) and side.value in (None, 0) for side in test.comparators
    )


def _kind(model: str) -> str:
    words = words_of(model)
    return singular(words[-1]) if words else ""


def _looks_up(test: ast.expr, kinds: set[str], scope: Scope, depth: int = 2) -> bool:
    """The test looks up a record of one of ``kinds``, keyed on something other than constants."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and depth > 0:
            for value in scope.local.get(node.id, ()):
                if _looks_up(value, kinds, scope, depth - 1):
                    return True
        if not isinstance(node, ast.Call):
            continue
        name = final_name(node) or ""
        arguments = (*node.args, *(keyword.value for keyword in node.keywords))
        keyed = any(not isinstance(argument, ast.Constant) for argument in arguments)
        if name in guards.HAND_LOOKUP_METHODS:
            parts = [part.removesuffix("()") for part in attribute_chain(node.func)[:-1]]
            parts += [argument.id for argument in node.args if isinstance(argument, ast.Name)]
            if any(_kind(part) in kinds for part in parts) and (keyed or _keyed_chain(node)):
                return True
        words = words_of(name)
        if words and words[0] in guards.LOOKUP_FUNCTION_VERBS and keyed:
            if any(singular(word) in kinds for word in words[1:]):
                return True
    return False


def _keyed_chain(call: ast.Call) -> bool:
    """``team.invites.filter(email=email).exists()``: the key is in a call further down the chain."""
    inner = call.func.value if isinstance(call.func, ast.Attribute) else None
    while isinstance(inner, (ast.Call, ast.Attribute)):
        if isinstance(inner, ast.Call):
            arguments = (*inner.args, *(k.value for k in inner.keywords))
            if any(not isinstance(argument, ast.Constant) for argument in arguments):
                return True
            inner = inner.func
        else:
            inner = inner.value
    return False


def _tests_state(test: ast.expr) -> bool:
    """``order.status == Order.PAID``, ``not order.require_approval``, ``invoice.is_paid``: a record's state."""
    calls = {id(node.func) for node in ast.walk(test) if isinstance(node, ast.Call)}
    for node in ast.walk(test):
        if not isinstance(node, ast.Attribute) or id(node) in calls or not isinstance(node.ctx, ast.Load):
            continue
        chain = attribute_chain(node)
        if not chain or chain[0] in ("?", "") or any(part in guards.NOT_RECORD_ROOTS for part in chain[:-1]):
            continue
        if len(chain) >= 2 and set(words_of(node.attr)) & guards.STATE_FIELD_WORDS:
            return True
    return False


def _tests_change(test: ast.expr) -> bool:
    """``if changes:``, ``if form.has_changed():``: a repeat changes nothing, so the write is skipped."""
    for node in ast.walk(test):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if name and set(words_of(name)) & DIFFERENCE_WORDS:
            return True
    return False


# -- a one-time token (v2) ----------------------------------------------------------------


def consumes_token(nodes: list[BodyNode], scope: Scope) -> bool:
    """The token or invitation the request carries is deleted or marked used: a retry finds none."""
    for body_node in nodes:
        node = body_node.node
        receiver: ast.expr | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in guards.TOKEN_DELETE_METHODS:
                receiver = node.func.value
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in guards.TOKEN_USED_FIELDS:
                    receiver = target.value
        if receiver is not None and _is_token(receiver, scope):
            return True
    return False


def _is_token(receiver: ast.expr, scope: Scope, depth: int = 2) -> bool:
    chain = attribute_chain(receiver)
    if not chain or any(part.endswith("()") or part == "?" for part in chain):
        return False
    if set(words_of(chain[-1])) & guards.TOKEN_OBJECT_WORDS:
        return True
    if isinstance(receiver, ast.Name) and depth > 0:
        for value in scope.local.get(receiver.id, ()):
            if isinstance(value, (ast.Attribute, ast.Name)) and _is_token(value, scope, depth - 1):
                return True
            for call in (sub for sub in ast.walk(value) if isinstance(sub, ast.Call)):
                for keyword in call.keywords:
                    field = (keyword.arg or "").partition("__")[0]
                    if set(words_of(field)) & guards.TOKEN_FIELD_WORDS and not isinstance(keyword.value, ast.Constant):
                        return True
    return False


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
