"""IDM002: a critical POST endpoint has no idempotency protection.

A POST is critical by effect first, words second: a payment-provider call in its
body, the creation of a record of a model whose name is a critical word, or a
critical word of its path or handler name together with a duplicating effect (a
record created, a message sent, a task enqueued, an outbound POST) or a call into
project code the rule cannot see; a word only in the view class name needs a
visible duplicating effect (``knowledge/critical.py``). It is protected by any guard
of ``knowledge/guards.py``: an idempotency key read from the request *and used*, a
known idempotency decorator or mixin, an app-level middleware, a key passed on to
every provider call, deduplication by the store, a refusal by state or a lookup of
what it creates before the effect, or a one-time token consumed. One finding per
handler, at its ``def`` line, naming why the endpoint is critical.

The rule composes shared detectors: ``analysis/criticality.py`` (why it is critical),
``analysis/app_guards.py`` (guards around the handler: app-level, decorators, mixins),
``analysis/deduplication.py`` (by the store or the provider) and ``analysis/key_flow.py``
(a key read and used). App-level guards are found per file, so a project-wide pass
adds the guards registered in other files (``facts``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ..analysis import request_scope
from ..analysis.app_guards import MAY_REGISTER_GUARD, AppGuard, app_guards, decorated_guard
from ..analysis.bindings import Scope, module_bindings
from ..analysis.criticality import ProviderUse, Reason, critical_reason, imported_providers
from ..analysis.deduplication import consumes_token, deduplicates, passes_key, refuses_repeat
from ..analysis.handler_body import BodyNode
from ..analysis.key_flow import KeyReader, key_flow, key_parameters
from ..analysis.vocabulary import vocabulary
from ..config import Config
from ..knowledge.critical import ProviderCall
from ..model.endpoint import Endpoint
from ..model.finding import Finding, fit_message
from ..model.project import FactCollector, ModuleLookup
from ..model.source import SourceFile
from .base import CRITICAL_POST_CHECK, RuleContext

CODE = "IDM002"
CHECK = CRITICAL_POST_CHECK
SUMMARY = "has no idempotency protection"
#: How often a report is a real problem (SARIF ``precision``: very-high, high, medium, low).
PRECISION = "medium"

FIX = "Require an Idempotency-Key header and replay the stored response."
UNUSED_KEY_FIX = "Look the key up before acting and replay the stored response."
#: For long endpoint labels: a shorter fix keeps the message within the length limit.
SHORT_FIX = "Require an Idempotency-Key header."
PROVIDER_MESSAGE = "IDM002 {endpoint} {call}{where} {problem}; a retried request {effect}. {fix}"
MODEL_MESSAGE = (
    "IDM002 {endpoint} creates {article} {model} record{where} {problem}; a retried request creates a second one. {fix}"
)
WORD_MESSAGE = (
    'IDM002 {endpoint} is critical ("{word}" in the {place}) {problem}; a retried request runs it twice. {fix}'
)
NO_KEY = "without an idempotency key"
WORD_NO_KEY = "and has no idempotency key"
UNUSED_KEY = "and never uses the idempotency key it reads"

# -- what the rule works out once per file -------------------------------------------


class _Assessment(NamedTuple):
    """One handler's walked body, its scope, why it is critical and its provider calls."""

    nodes: list[BodyNode]
    scope: Scope
    reason: Reason | None
    provider_calls: list[ProviderUse]


class _FileAnalysis(NamedTuple):
    """Shared by every POST endpoint of a file."""

    reader: KeyReader
    providers: tuple[ProviderCall, ...]
    app_guards: frozenset[AppGuard]
    #: handler -> its assessment (walked once).
    assessed: dict[int, _Assessment]


def _file_analysis(context: RuleContext) -> _FileAnalysis:
    """Built on the first POST endpoint of the file."""
    analysis = context.memo.get(_FileAnalysis)
    if analysis is None:
        source, depth = context.source, context.config.call_depth
        vocab = vocabulary(context.config)
        providers = imported_providers(source)
        reader = KeyReader(source, vocab, depth, module_bindings(source.tree))
        app_level = app_guards(source, vocab, depth, reader)
        analysis = context.memo[_FileAnalysis] = _FileAnalysis(reader, providers, app_level, {})
    return analysis  # type: ignore[return-value]


def _assess(endpoint: Endpoint, context: RuleContext) -> _Assessment:
    """The handler's body, scope, critical reason and provider calls, walked once per handler."""
    analysis = _file_analysis(context)
    assessed = analysis.assessed.get(id(endpoint.handler))
    if assessed is None:
        nodes = list(context.body(endpoint))
        reader = analysis.reader
        scope = Scope.of(nodes, reader.module)
        reason, provider_calls = critical_reason(
            endpoint, nodes, scope, reader.source, reader.vocab, analysis.providers, _project_test(context)
        )
        assessed = analysis.assessed[id(endpoint.handler)] = _Assessment(nodes, scope, reason, provider_calls)
    return assessed


def _project_test(context: RuleContext):
    """Whether an import names the project's own code (a relative import, or a module of the project)."""
    resolver = context.resolver

    def is_project(source: SourceFile, dotted: str) -> bool:
        if dotted.startswith("."):
            return True
        if resolver is None:
            return False
        module = dotted
        while module:
            if resolver.find_module_file(source.filename, module):
                return True
            module = module.rpartition(".")[0]
        return False

    return is_project


def _refused(reason: Reason, provider_calls: list[ProviderUse], nodes: list[BodyNode], scope: Scope) -> bool:
    """The handler itself recognises a repeat: by state, by a lookup of what it creates, or a one-time token."""
    if consumes_token(nodes, scope):
        return True
    created = [effect.subject for effect in reason.effects if effect.kind == "creates"]
    if reason.kind == "provider":
        covered = [use.at for use in provider_calls]
    elif reason.kind == "model":
        covered = [reason.at] if reason.at is not None else []
        created.append(reason.subject)
    else:
        visible = [effect.at for effect in reason.effects if effect.kind != "unresolved"]
        covered = visible or [effect.at for effect in reason.effects]
    return refuses_repeat(covered, created, nodes, scope)


# -- the rule ---------------------------------------------------------------------

#: App-level guards registered anywhere in the project (middleware in settings.py, an
#: app factory adding an idempotency middleware, a Flask extension in extensions.py).
GUARD_FACT = "idempotency_guards"


def facts(config: Config) -> tuple[FactCollector, ...]:
    vocab = vocabulary(config)

    def guard_names(source: SourceFile, modules: ModuleLookup) -> set[str]:
        found = app_guards(source, vocab, config.call_depth, modules=modules)
        return {request_scope.encode(guard.name, guard.skips) for guard in found}

    return (FactCollector(GUARD_FACT, MAY_REGISTER_GUARD, guard_names),)


def _guarded_elsewhere(endpoint: Endpoint, context: RuleContext) -> bool:
    """A guard registered anywhere in the endpoint's app runs for it (``Name|skips`` facts)."""
    if not context.index:
        return False
    return any(
        request_scope.covers(request_scope.decode(fact)[1], endpoint)
        for fact in context.index.fact(GUARD_FACT, endpoint.filename)
    )


def applies(endpoint: Endpoint, context: RuleContext) -> bool:
    """A critical POST: the summary counts it, protected or not."""
    return endpoint.method == "POST" and _assess(endpoint, context).reason is not None


def check(endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
    analysis = _file_analysis(context)
    reader = analysis.reader
    nodes, scope, reason, provider_calls = _assess(endpoint, context)
    if reason is None:
        return
    if any(guard.covers(endpoint) for guard in analysis.app_guards) or _guarded_elsewhere(endpoint, context):
        return
    if decorated_guard(endpoint, nodes, reader) or deduplicates(nodes):
        return
    if _refused(reason, provider_calls, nodes, scope):
        return
    if provider_calls and all(passes_key(use, nodes, scope, reader) for use in provider_calls):
        return
    parameters, dependency_guard = key_parameters(endpoint, reader)
    if dependency_guard:
        return
    flow = key_flow(nodes, reader, parameters)
    if flow.used:
        return
    yield Finding(endpoint.line, endpoint.handler.col_offset, CODE, message(endpoint, reason, flow.read))


def message(endpoint: Endpoint, reason: Reason, key_read: bool) -> str:
    fix = UNUSED_KEY_FIX if key_read else FIX
    where = reason.at.where() if reason.at is not None else ""
    problem = UNUSED_KEY if key_read else (WORD_NO_KEY if reason.kind == "word" else NO_KEY)
    template = {"provider": PROVIDER_MESSAGE, "model": MODEL_MESSAGE, "word": WORD_MESSAGE}[reason.kind]
    fields = {
        "endpoint": endpoint.label,
        "call": reason.subject,
        "effect": reason.detail,
        "article": "an" if reason.subject[:1] in "AEIOU" else "a",
        "model": reason.subject,
        "word": reason.subject,
        "place": reason.detail,
        "problem": problem,
    }
    variants = ((where, fix), (where, SHORT_FIX), ("", fix), ("", SHORT_FIX))
    return fit_message(template.format(where=w, fix=f, **fields) for w, f in variants)
