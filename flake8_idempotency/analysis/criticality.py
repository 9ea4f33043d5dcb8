"""Why a POST is critical: what a retried request would do twice.

Effect first, words second. In order of evidence: a payment-provider call in the
handler's body (money moves), the creation of a record of a model named by a
critical word (an order is made; a log row is not), or a critical word in the path
or handler name together with a duplicating effect (a record created, a message
sent, a task enqueued, an outbound POST) or a call into the project's own code
whose effect cannot be seen; a word only in the view class name needs a visible
duplicating effect. A body that only reads, validates, renders or changes records
in place is never critical. The reason also says what the message names (the
call, the model or the word and where it is) and which effects make it critical.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from ..knowledge import critical
from ..knowledge.writes import DJANGO_MANAGER
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint
from ..model.source import SourceFile
from ..syntax import attribute_chain, final_name, source_text
from .bindings import Scope
from .handler_body import BodyNode
from .inserts import is_log_name
from .names import words_of
from .sql import executed_sql, plain_insert_table
from .vocabulary import Vocabulary

#: ``{order_id}``: a path parameter names a value, not what the endpoint does.
_PATH_PARAMETER = LazyPattern(r"\{[^{}]*\}")


class Effect(NamedTuple):
    """Something a retried request would do again, or a call whose effect cannot be seen."""

    #: "creates", "sends", "enqueues", "posts" (outbound HTTP POST) or "unresolved".
    kind: str
    at: BodyNode
    #: The created model (``TeamInvite``, ``invites``) or the call's name.
    subject: str


class Reason(NamedTuple):
    """Why an endpoint is critical, and what its message says."""

    kind: str  # "provider", "model" or "word"
    #: provider: the call as described ("creates a stripe.PaymentIntent"); model: the class; word: the word.
    subject: str
    #: provider: the consequence; word: where the word is ("path", "handler name", "class name").
    detail: str = ""
    at: BodyNode | None = None
    provider: critical.ProviderCall | None = None
    #: What makes it critical: the effects a protection must cover (word and model reasons).
    effects: tuple[Effect, ...] = ()


class ProviderUse(NamedTuple):
    """A payment-provider call the handler makes."""

    at: BodyNode
    call: ast.Call
    known: critical.ProviderCall


#: Tells whether a dotted import (``.services.charge``, ``shop.billing.pay``) is the project's own code.
ProjectTest = Callable[[SourceFile, str], bool]


def critical_reason(
    endpoint: Endpoint,
    nodes: list[BodyNode],
    scope: Scope,
    source: SourceFile,
    vocab: Vocabulary,
    providers: tuple[critical.ProviderCall, ...],
    is_project: ProjectTest | None = None,
) -> tuple[Reason | None, list[ProviderUse]]:
    """The first reason the endpoint is critical, and every provider call it makes."""
    provider_calls: list[ProviderUse] = []
    for body_node in nodes:
        if isinstance(body_node.node, ast.Call):
            known = provider_call(body_node.node, source, scope, providers, vocab)
            if known is not None:
                provider_calls.append(ProviderUse(body_node, body_node.node, known))
    if provider_calls:
        first = provider_calls[0]
        described = describe_call(first.call, first.known, source, scope)
        return Reason("provider", described, first.known.effect, first.at, first.known), provider_calls
    effects = body_effects(nodes, source, scope, vocab, is_project or _relative_only)
    model = model_reason(nodes, source, vocab, scope)
    if model is not None:
        return model._replace(effects=tuple(effects)), provider_calls
    word = word_reason(endpoint, vocab)
    if word is None:
        return None, provider_calls
    visible = [effect for effect in effects if effect.kind != "unresolved"]
    if visible or (effects and word.detail != "class name"):
        return word._replace(at=(visible or effects)[0].at, effects=tuple(effects)), provider_calls
    return None, provider_calls  # only reads, validates, renders, or changes records in place


def word_reason(endpoint: Endpoint, vocab: Vocabulary) -> Reason | None:
    first = words_of(endpoint.handler.name)[:1]
    if first and first[0] in critical.UPDATE_VERBS:
        return None  # ``update_order``: an update of something; repeated, it sets the same again
    places = (
        ("path", _PATH_PARAMETER.sub("/", endpoint.path or "")),
        ("handler name", endpoint.handler.name),
        ("class name", endpoint.class_name or ""),
    )
    for place, text in places:
        for word in words_of(text):
            if vocab.is_critical_word(word):
                return Reason("word", word, place)
    return None


# -- what a retried request does again (v2) -------------------------------------------


def _relative_only(_source: SourceFile, dotted: str) -> bool:
    return dotted.startswith(".")


def body_effects(
    nodes: list[BodyNode], source: SourceFile, scope: Scope, vocab: Vocabulary, is_project: ProjectTest
) -> list[Effect]:
    """The duplicating effects of the body, and its calls into project code the walk could not follow."""
    followed = {id(step.call) for body_node in nodes for step in body_node.via}
    local_imports = _local_imports(nodes)
    found: list[Effect] = []
    for body_node in nodes:
        call = body_node.node
        if not isinstance(call, ast.Call) or id(call) in followed:
            continue
        if any(isinstance(node, ast.Raise) for node in body_node.ancestors):
            continue
        home = body_node.source or source
        kind, subject = _call_effect(call, body_node, home, scope, vocab, is_project, local_imports)
        if kind:
            found.append(Effect(kind, body_node, subject))
    return found


def _local_imports(nodes: list[BodyNode]) -> dict[str, str]:
    """Names a handler or helper imports inside its body (``from .invitations import create``)."""
    found: dict[str, str] = {}
    for body_node in nodes:
        node = body_node.node
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                joined = f"{base}.{alias.name}" if not base.endswith(".") else base + alias.name
                found[alias.asname or alias.name] = joined
        elif isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.partition(".")[0]
                found[alias.asname or root] = alias.name if alias.asname else root
    return found


def _call_effect(
    call: ast.Call,
    body_node: BodyNode,
    source: SourceFile,
    scope: Scope,
    vocab: Vocabulary,
    is_project: ProjectTest,
    local_imports: dict[str, str],
) -> tuple[str, str]:
    name = final_name(call) or ""
    words = words_of(name)
    first = words[0] if words else ""
    created = created_record(call, body_node, scope, source)
    if created:
        return "creates", created
    if name in critical.MESSAGE_CALLS or (first in critical.MESSAGE_VERBS and name not in critical.NOT_MESSAGE_CALLS):
        return "sends", name
    if name in critical.TASK_CALLS:
        return "enqueues", name
    func = call.func
    if name in critical.HTTP_POST_METHODS and isinstance(func, ast.Attribute) and _outbound(func.value, source, scope):
        return "posts", name
    if first in critical.READING_VERBS or name in _RECORD_METHODS:
        return "", ""  # a read, an in-place change, or a creation already judged (a log row, a set-like add)
    if isinstance(func, ast.Name):
        if func.id in source.functions:
            return "unresolved", name  # the project's function, past the depth followed
        origin = source.imports.get(func.id) or local_imports.get(func.id)
        if origin and func.id[:1].islower() and is_project(source, origin):
            return "unresolved", name
        return "", ""
    if not isinstance(func, ast.Attribute):
        return "", ""
    root = attribute_chain(func.value)[:1]
    origin = source.imports.get(root[0]) or local_imports.get(root[0]) if root else None
    if origin is not None and isinstance(func.value, ast.Name) and not root[0][:1].isupper():
        return ("unresolved", name) if is_project(source, origin) else ("", "")
    if first in critical.ACTION_VERBS or vocab.is_critical_word(first):
        return "unresolved", name  # ``order.pay()``: a method of the project's model, not followed
    return "", ""


_RECORD_METHODS = critical.RECORD_CREATE_METHODS | critical.SESSION_ADD_METHODS | critical.INSTANCE_SAVE_METHODS


def _outbound(receiver: ast.expr, source: SourceFile, scope: Scope) -> bool:
    """``requests``, ``httpx.AsyncClient()``, a name bound to one: an HTTP client, not an app or a view."""
    chain = attribute_chain(receiver)
    if not chain or chain[0] in ("self", "cls", "super()", "?"):
        return False
    root = chain[0].removesuffix("()")
    names = [source.imports.get(root, "")]
    for value in scope.values(root):
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            names.append(call_name(value, source))
    return any(name.partition(".")[0] in critical.HTTP_CLIENT_PACKAGES for name in names)


def created_record(call: ast.Call, body_node: BodyNode, scope: Scope, source: SourceFile) -> str:
    """The model a call creates a new record of (any model; a log row or a set-like add is none)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    for sql in executed_sql(call, source):
        table = plain_insert_table(sql)
        if table and not _log_model(table):
            return table
    method = func.attr
    chain = [part.removesuffix("()") for part in attribute_chain(func)]
    model = ""
    if method in critical.RECORD_CREATE_METHODS and chain[:1] != ["super"] and chain[:1] != ["self"]:
        receiver = chain[:-1]
        if DJANGO_MANAGER in receiver:
            index = receiver.index(DJANGO_MANAGER)
            model = receiver[index - 1] if index else ""
        elif receiver and receiver[-1] not in ("?", ""):
            model = receiver[-1]
    elif method in critical.SESSION_ADD_METHODS:
        for argument in call.args:
            elements = argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]
            model = next((found for found in (_new_instance(e, scope) for e in elements) if found), "")
    elif method in critical.INSTANCE_SAVE_METHODS and method not in critical.RECORD_CREATE_METHODS:
        model = _new_instance(func.value, scope)
    if not model or _log_model(model) or _in_difference_loop(body_node):
        return ""
    return model


def _new_instance(node: ast.expr, scope: Scope) -> str:
    """``Order(...)``, a name bound to one, or ``OrderForm(data)`` (no ``instance=``): a record not saved before."""
    for value in _built_values(node, scope):
        name = final_name(value) or ""
        if not name[:1].isupper():
            continue
        if any(keyword.arg in critical.EXISTING_RECORD_KEYWORDS for keyword in value.keywords):
            return ""
        model, wrapper = _unwrapped(name)
        if wrapper == "Serializer" and value.args:
            return ""  # ``OrderSerializer(order, data=...)``: the first argument is the instance
        return model
    return ""


def _built_values(node: ast.expr, scope: Scope) -> Iterator[ast.Call]:
    """The calls ``node`` is, or a local name it stands for was bound to."""
    values: Iterable[ast.expr] = scope.local.get(node.id, ()) if isinstance(node, ast.Name) else [node]
    return (value for value in values if isinstance(value, ast.Call))


def _unwrapped(name: str) -> tuple[str, str]:
    """``OrderSerializer`` -> (``Order``, ``Serializer``); a plain class name -> (name, "")."""
    for suffix in critical.RECORD_WRAPPER_SUFFIXES:
        if name.endswith(suffix) and name != suffix:
            return name.removesuffix(suffix), suffix
    return name, ""


def _log_model(name: str) -> bool:
    words = words_of(name)
    return bool(words) and words[-1] in critical.LOG_MODEL_WORDS or is_log_name(name)


def _in_difference_loop(body_node: BodyNode) -> bool:
    """A row written per difference (``for change in changes: AuditEntry.objects.create(...)``)."""
    for node in body_node.ancestors:
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            names = [part for sub in ast.walk(node.iter) for part in _names_in(sub)]
            if any(word in critical.DIFFERENCE_WORDS for name in names for word in words_of(name)):
                return True
    return False


def _names_in(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return []


# -- payment-provider calls ---------------------------------------------------------


def imported_providers(source: SourceFile) -> tuple[critical.ProviderCall, ...]:
    """The provider calls of the SDKs the file imports (the others cannot be called)."""
    roots = frozenset(origin.lstrip(".").partition(".")[0] for origin in source.imports.values())
    return tuple(call for call in critical.PROVIDER_CALLS if call.package in roots)


def call_name(call: ast.Call, source: SourceFile, scope: Scope | None = None) -> str:
    """The dotted name a call resolves to through imports and one local assignment.

    ``client.payment_intents.create`` with ``client = stripe.StripeClient(k)`` ->
    ``stripe.StripeClient.payment_intents.create``.
    """
    parts = [part.removesuffix("()") for part in attribute_chain(call.func)]
    while parts and parts[0] in ("?", ""):
        parts.pop(0)
    if not parts:
        return ""
    root = parts[0]
    if root in source.imports:
        parts = source.imports[root].lstrip(".").split(".") + parts[1:]
    elif scope is not None:
        for value in scope.values(root):
            if isinstance(value, ast.Await):
                value = value.value
            if isinstance(value, ast.Call):
                inner = call_name(value, source)
                if inner:
                    parts = inner.split(".") + parts[1:]
                break
    return ".".join(parts)


def provider_call(
    call: ast.Call,
    source: SourceFile,
    scope: Scope,
    providers: tuple[critical.ProviderCall, ...],
    vocab: Vocabulary,
) -> critical.ProviderCall | None:
    name = call_name(call, source, scope)
    if not name:
        return None
    matches = [
        known
        for known in providers
        if name == known.pattern
        or (known.pattern.startswith(".") and (name.endswith(known.pattern) or name == known.pattern[1:]))
    ]
    if matches:  # ``.payments.create`` is Square's, Mollie's and GoCardless': the client's origin decides
        return next((known for known in matches if name.startswith(known.package + ".")), matches[0])
    for configured in vocab.critical_calls:
        if name == configured or name.endswith("." + configured):
            return critical.ProviderCall(configured, "", "", critical.CONFIGURED_CALL_EFFECT)
    return None


def describe_call(call: ast.Call, known: critical.ProviderCall, source: SourceFile, scope: Scope) -> str:
    """``creates a stripe.PaymentIntent``; ``calls Stripe client.v1.payment_intents.create``."""
    written = source_text(call.func)
    root = written.partition(".")[0]
    if not known.provider:  # a configured call
        return f"calls {call_name(call, source, scope)}"
    if root in source.imports:
        name = call_name(call, source)
        head, _, verb = name.rpartition(".")
        return f"creates a {head}" if verb in critical.PROVIDER_CREATE_VERBS and head else f"calls {name}"
    if len(written) > 60:
        written = call_name(call, source, scope)
    return f"calls {known.provider} {written}" if known.provider else f"calls {written}"


# -- creating a record of a critical model ------------------------------------------


def model_reason(nodes: list[BodyNode], source: SourceFile, vocab: Vocabulary, scope: Scope) -> Reason | None:
    for body_node in nodes:
        node = body_node.node
        if isinstance(node, ast.Call):
            model = _created_model(node, source, vocab, scope)
            if model and not _in_difference_loop(body_node):
                return Reason("model", model, at=body_node)
    return None


def _created_model(call: ast.Call, source: SourceFile, vocab: Vocabulary, scope: Scope) -> str | None:
    """The critical model a call creates a record of, if any."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    chain = [part.removesuffix("()") for part in attribute_chain(func)]
    method = func.attr
    candidates: list[str] = []
    if method in critical.MODEL_CREATE_METHODS:
        if DJANGO_MANAGER in chain[:-1]:
            candidates.append(chain[chain.index(DJANGO_MANAGER) - 1] if chain.index(DJANGO_MANAGER) else "")
        elif len(chain) == 2:
            candidates.append(chain[0])
    if method in critical.SESSION_ADD_METHODS:
        for argument in call.args:
            elements = argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]
            candidates.extend(_instance_class(element, scope) for element in elements)
    if method in critical.INSTANCE_SAVE_METHODS and isinstance(func.value, ast.Name):
        candidates.append(_instance_class(func.value, scope))
    if method in critical.INSTANCE_SAVE_METHODS and isinstance(func.value, ast.Call):
        candidates.append(_instance_class(func.value, scope))
    for candidate in candidates:
        if candidate and is_critical_model(candidate, source, vocab):
            return candidate
    return None


def _instance_class(node: ast.expr, scope: Scope) -> str:
    """``Order(...)`` or a local name bound to one -> ``Order``; wrappers give their model (``OrderSerializer``)."""
    for value in _built_values(node, scope):
        return _unwrapped(final_name(value) or "")[0]
    return ""


def is_critical_model(name: str, source: SourceFile, vocab: Vocabulary) -> bool:
    """``Order``, ``CustomerOrder``: the last word of the class name is critical (``OrderItem`` is not)."""
    if not name[:1].isupper() or _from_provider(name, source):
        return False
    words = words_of(name)
    return bool(words) and vocab.is_critical_word(words[-1]) and words[-1] not in critical.LOG_MODEL_WORDS


def _from_provider(name: str, source: SourceFile) -> bool:
    """``from stripe import Charge``: an SDK class, not a model of the project."""
    origin = source.imports.get(name, "")
    return origin.partition(".")[0] in {call.package for call in critical.PROVIDER_CALLS}
