"""Why a POST is critical: what a retried request would do twice.

In order of evidence: a payment-provider call in the handler's body (money moves),
the creation of a record of a model named by a critical word (an order is made),
or a critical word in the path, handler name or view class name. The reason also
says what the message names: the call, the model or the word and where it is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import NamedTuple

from ..knowledge import critical
from ..knowledge.writes import DJANGO_MANAGER
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint
from ..model.source import SourceFile
from ..syntax import attribute_chain, final_name, source_text
from .bindings import Scope
from .handler_body import BodyNode
from .names import words_of
from .vocabulary import Vocabulary

#: ``{order_id}``: a path parameter names a value, not what the endpoint does.
_PATH_PARAMETER = LazyPattern(r"\{[^{}]*\}")


class Reason(NamedTuple):
    """Why an endpoint is critical, and what its message says."""

    kind: str  # "provider", "model" or "word"
    #: provider: the call as described ("creates a stripe.PaymentIntent"); model: the class; word: the word.
    subject: str
    #: provider: the consequence; word: where the word is ("path", "handler name", "class name").
    detail: str = ""
    at: BodyNode | None = None
    provider: critical.ProviderCall | None = None


class ProviderUse(NamedTuple):
    """A payment-provider call the handler makes."""

    at: BodyNode
    call: ast.Call
    known: critical.ProviderCall


def critical_reason(
    endpoint: Endpoint,
    nodes: list[BodyNode],
    scope: Scope,
    source: SourceFile,
    vocab: Vocabulary,
    providers: tuple[critical.ProviderCall, ...],
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
    return model_reason(nodes, source, vocab, scope) or word_reason(endpoint, vocab), provider_calls


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
            if model:
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
    values: Iterable[ast.expr] = [node]
    if isinstance(node, ast.Name):
        values = scope.local.get(node.id, ())
    for value in values:
        if isinstance(value, ast.Call):
            name = final_name(value) or ""
            for suffix in critical.RECORD_WRAPPER_SUFFIXES:
                if name.endswith(suffix) and name != suffix:
                    return name.removesuffix(suffix)
            return name
    return ""


def is_critical_model(name: str, source: SourceFile, vocab: Vocabulary) -> bool:
    """``Order``, ``CustomerOrder``: the last word of the class name is critical (``OrderItem`` is not)."""
    if not name[:1].isupper() or _from_provider(name, source):
        return False
    words = words_of(name)
    return bool(words) and vocab.is_critical_word(words[-1])


def _from_provider(name: str, source: SourceFile) -> bool:
    """``from stripe import Charge``: an SDK class, not a model of the project."""
    origin = source.imports.get(name, "")
    return origin.partition(".")[0] in {call.package for call in critical.PROVIDER_CALLS}
