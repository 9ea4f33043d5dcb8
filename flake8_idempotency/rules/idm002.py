"""IDM002: a critical POST endpoint has no idempotency protection.

A POST is critical by a word of its path, handler name or view class name, by a
payment-provider call in its body, or by creating a record of a model whose name
is a critical word (``knowledge/critical.py``). It is protected by any guard of
``knowledge/guards.py``: an idempotency key read from the request *and used*, a
known idempotency decorator or mixin, an app-level middleware, a key passed on
to every provider call, or deduplication. One finding per handler, at its
``def`` line, naming why the endpoint is critical.

App-level guards are found per file by ``app_guards(source, vocabulary)``, so a
project-wide pass can add the guards registered in other files to the same set.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..analysis.existence import tests_existence
from ..analysis.handler_body import BodyNode, walk_handler
from ..analysis.names import camel_words
from ..config import Config
from ..knowledge import critical, guards
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint
from ..model.finding import Finding, fit_message
from ..model.project import FactCollector, ModuleLookup
from ..model.source import FunctionNode, SourceFile
from ..syntax import attribute_chain, final_name, literal_string, source_text
from .base import CRITICAL_POST_CHECK, RuleContext

CODE = "IDM002"
CHECK = CRITICAL_POST_CHECK
SUMMARY = "has no idempotency protection"

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

# -- vocabulary: the knowledge tables merged with the options --------------------


class Vocabulary(NamedTuple):
    """Words, header names and extra names in force for one run."""

    words: frozenset[str]
    header_names: frozenset[str]
    critical_calls: tuple[str, ...]
    guard_names: tuple[str, ...]

    def is_critical_word(self, token: str) -> bool:
        return singular(token) in self.words

    def is_key_name(self, name: str) -> bool:
        normalized = normalize_header(name)
        return normalized in self.header_names or bool(guards.IDEMPOTENCY_KEY_PATTERN.search(normalized))


def vocabulary(config: Config) -> Vocabulary:
    """Built per file with a POST endpoint (microseconds: a few dozen words)."""
    words = config.critical_words or tuple(critical.CRITICAL_WORDS)
    return Vocabulary(
        words=frozenset(singular(word) for word in (*words, *config.extend_critical_words)),
        header_names=frozenset(
            normalize_header(name) for name in (*guards.IDEMPOTENCY_HEADERS, *config.idempotency_headers)
        ),
        critical_calls=config.critical_calls,
        guard_names=config.guard_decorators,
    )


def singular(word: str) -> str:
    """``payments`` -> ``payment``, ``batches`` -> ``batch``, ``entries`` -> ``entry``."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def normalize_header(name: str) -> str:
    """``HTTP_X_IDEMPOTENCY_KEY`` and ``X-Idempotency-Key`` -> ``idempotency-key``."""
    text = name.strip().lower().replace("_", "-").replace(" ", "-").strip("-")
    text = text.removeprefix("http-")
    return text.removeprefix("x-")


_SEPARATORS = LazyPattern(r"[/_.\-\s]+")
#: ``{order_id}``: a path parameter names a value, not what the endpoint does.
_PATH_PARAMETER = LazyPattern(r"\{[^{}]*\}")


def words_of(text: str) -> list[str]:
    """Whole words of a path or name: split on ``/ _ - .`` and camelCase, lower-cased."""
    for joined in critical.JOINED_NAMES:
        text = text.replace(joined, joined.lower())
    return [word for part in _SEPARATORS.split(text) for word in camel_words(part)]


# -- why the endpoint is critical ------------------------------------------------


class Reason(NamedTuple):
    """Why an endpoint is critical, and what its message says."""

    kind: str  # "provider", "model" or "word"
    #: provider: the call as described ("creates a stripe.PaymentIntent"); model: the class; word: the word.
    subject: str
    #: provider: the consequence; word: where the word is ("path", "handler name", "class name").
    detail: str = ""
    at: BodyNode | None = None
    provider: critical.ProviderCall | None = None


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


def _imported_roots(source: SourceFile) -> frozenset[str]:
    return frozenset(origin.lstrip(".").partition(".")[0] for origin in source.imports.values())


def provider_call(call: ast.Call, state: FileState, scope: Scope) -> critical.ProviderCall | None:
    name = call_name(call, state.source, scope)
    if not name:
        return None
    matches = [
        known
        for known in state.providers
        if name == known.pattern
        or (known.pattern.startswith(".") and (name.endswith(known.pattern) or name == known.pattern[1:]))
    ]
    if matches:  # ``.payments.create`` is Square's, Mollie's and GoCardless': the client's origin decides
        return next((known for known in matches if name.startswith(known.package + ".")), matches[0])
    for configured in state.vocab.critical_calls:
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
        return f"creates a {head}" if verb in ("create", "create_async") and head else f"calls {name}"
    if len(written) > 60:
        written = call_name(call, source, scope)
    return f"calls {known.provider} {written}" if known.provider else f"calls {written}"


def model_reason(nodes: list[BodyNode], state: FileState, scope: Scope) -> Reason | None:
    for body_node in nodes:
        node = body_node.node
        if isinstance(node, ast.Call):
            model = _created_model(node, state, scope)
            if model:
                return Reason("model", model, at=body_node)
    return None


def _created_model(call: ast.Call, state: FileState, scope: Scope) -> str | None:
    """The critical model a call creates a record of, if any."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    chain = [part.removesuffix("()") for part in attribute_chain(func)]
    method = func.attr
    candidates: list[str] = []
    if method in critical.MODEL_CREATE_METHODS:
        if "objects" in chain[:-1]:
            candidates.append(chain[chain.index("objects") - 1] if chain.index("objects") else "")
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
        if candidate and state.is_critical_model(candidate):
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


# -- the idempotency key: read from the request, and used ------------------------


class KeyFlow:
    def __init__(self, read: bool = False) -> None:
        self.read = read
        self.used = False
        #: Read and returned from the function analysed (a dependency or a getter).
        self.returned = False


def key_flow(nodes: list[BodyNode], state: FileState, key_parameters: Iterable[str] = ()) -> KeyFlow:
    """Whether the nodes read an idempotency key and then use it (pass, look up, store)."""
    reads: set[int] = set()
    flow = KeyFlow(read=bool(key_parameters))
    for body_node in nodes:
        if not state.is_key_read(body_node.node):
            continue
        flow.read = True
        reads.add(id(body_node.node))
        if _returned(body_node):
            if body_node.via:
                reads.add(id(body_node.via[-1].call))
            else:
                flow.returned = True
    if not flow.read:
        return flow
    tainted = set(key_parameters)
    for _ in range(2):  # assignments in loops
        for body_node in nodes:
            for target, value in _bindings(body_node.node):
                if _mentions(value, reads, tainted):
                    tainted.add(target)
    for body_node in nodes:
        node = body_node.node
        if id(node) in reads or (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in tainted):
            if _is_use(node, body_node.ancestors):
                flow.used = True
                break
    return flow


def _returned(body_node: BodyNode) -> bool:
    """The node is part of a ``return`` of the function it is in (not of a caller)."""
    ancestors = body_node.ancestors
    start = 0
    if body_node.via:
        call = body_node.via[-1].call
        start = max((index for index, node in enumerate(ancestors) if node is call), default=-1) + 1
    return any(isinstance(node, ast.Return) for node in ancestors[start:])


def _bindings(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    yield name.id, node.value
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        if isinstance(node.target, ast.Name):
            yield node.target.id, node.value


def _mentions(value: ast.expr, reads: set[int], tainted: set[str]) -> bool:
    return any(id(node) in reads or (isinstance(node, ast.Name) and node.id in tainted) for node in ast.walk(value))


#: Expressions a key flows through unchanged on its way to a use (``f"idem:{key}"``, ``key or ""``).
_CLIMB = (
    ast.JoinedStr,
    ast.FormattedValue,
    ast.BinOp,
    ast.BoolOp,
    ast.IfExp,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Starred,
    ast.Await,
    ast.keyword,
)


def _is_use(node: ast.AST, ancestors: tuple[ast.AST, ...]) -> bool:
    """Passed to a call, put in a mapping, compared with another value, used as a key, or stored."""
    child = node
    for depth in range(len(ancestors) - 1, -1, -1):
        parent = ancestors[depth]
        if isinstance(parent, _CLIMB) or (isinstance(parent, ast.Attribute) and parent.value is child):
            child = parent
            continue
        if isinstance(parent, ast.Call):
            if parent.func is child or (final_name(parent) or "") in guards.KEY_CONVERSIONS:
                child = parent
                continue
            return not _inert(parent, ancestors[:depth])
        if isinstance(parent, ast.Dict):
            return True
        if isinstance(parent, ast.Compare):
            others = [operand for operand in (parent.left, *parent.comparators) if operand is not child]
            return any(not isinstance(operand, ast.Constant) for operand in others)
        if isinstance(parent, ast.Subscript):
            return parent.slice is child
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return any(not isinstance(target, ast.Name) for target in targets)
        return False
    return False


def _inert(call: ast.Call, ancestors: tuple[ast.AST, ...]) -> bool:
    """A call that only looks at its arguments: ``len``, logging, building an error to raise."""
    name = final_name(call) or ""
    if name in guards.INERT_CALLS or any(isinstance(node, ast.Raise) for node in ancestors):
        return True
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    receiver_name = attribute_chain(receiver)[-1] if receiver is not None else ""
    return name in guards.LOG_METHODS and "log" in receiver_name.lower()


# -- what each file knows: vocabulary, providers, app-level guards ----------------


class Scope:
    """What a name holds for one endpoint: its own bindings first, then the module's."""

    def __init__(self, module: dict[str, list[ast.expr]], local: dict[str, list[ast.expr]]) -> None:
        self.module = module
        self.local = local

    @classmethod
    def of(cls, nodes: list[BodyNode], module: dict[str, list[ast.expr]]) -> Scope:
        local: dict[str, list[ast.expr]] = {}
        for body_node in nodes:
            for name, value in _bindings(body_node.node):
                local.setdefault(name, []).append(value)
        return cls(module, local)

    def values(self, name: str) -> list[ast.expr]:
        return self.local.get(name) or self.module.get(name, [])


def module_bindings(tree: ast.Module) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for statement in tree.body:
        for name, value in _bindings(statement):
            found.setdefault(name, []).append(value)
    return found


class AppGuard(NamedTuple):
    """An app-level guard registered in a file: middleware, extension or request hook."""

    name: str
    filename: str
    line: int


class FileState:
    """Per-file facts shared by every POST endpoint of the file."""

    def __init__(
        self,
        source: SourceFile,
        config: Config,
        vocab: Vocabulary,
        providers: tuple[critical.ProviderCall, ...] = (),
        module: dict[str, list[ast.expr]] | None = None,
    ) -> None:
        self.source = source
        self.config = config
        self.vocab = vocab
        self.providers = providers
        self.module = module if module is not None else {}
        self.app_guards: frozenset[AppGuard] = frozenset()
        self.own_guards: dict[int, KeyFlow] = {}
        #: handler -> its body nodes, scope, critical reason and provider calls (walked once).
        self.assessed: dict[int, tuple] = {}

    def is_critical_model(self, name: str) -> bool:
        """``Order``, ``CustomerOrder``: the last word of the class name is critical (``OrderItem`` is not)."""
        if not name[:1].isupper() or self._from_provider(name):
            return False
        words = words_of(name)
        return bool(words) and self.vocab.is_critical_word(words[-1])

    def _from_provider(self, name: str) -> bool:
        """``from stripe import Charge``: an SDK class, not a model of the project."""
        origin = self.source.imports.get(name, "")
        return origin.partition(".")[0] in {call.package for call in critical.PROVIDER_CALLS}

    def key_name(self, node: ast.expr | None) -> str | None:
        """A literal header/field name, or a module constant holding one."""
        text = literal_string(node)
        if text is None and isinstance(node, ast.Name):
            texts = {literal_string(value) for value in self.module.get(node.id, ())}
            text = texts.pop() if len(texts) == 1 else None
        return text if text is not None and self.vocab.is_key_name(text) else None

    def is_key_read(self, node: ast.AST) -> bool:
        """``request.headers.get("Idempotency-Key")``, ``request.META["HTTP_IDEMPOTENCY_KEY"]``, ``body.key``.

        A model's column (``Order.idempotency_key``) is not a read of the request.
        """
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            return method in guards.KEY_READ_METHODS and bool(node.args) and self.key_name(node.args[0]) is not None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            return self.key_name(node.slice) is not None
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and self.vocab.is_key_name(node.attr):
            root = attribute_chain(node.value)[:1]
            return bool(root) and root[0] not in self.source.classes and root[0] not in ("?", "self", "cls")
        return False

    def matches_guard(self, dotted: str | None, kinds: tuple[str, ...]) -> str | None:
        """The library (or "configured") whose guard of one of ``kinds`` ``dotted`` names."""
        if not dotted:
            return None
        dotted = dotted.lstrip(".")
        final = dotted.rpartition(".")[2]
        for library in guards.GUARD_LIBRARIES:
            if dotted.startswith(library.package + ".") and any(final in getattr(library, kind) for kind in kinds):
                return library.distribution
        for configured in self.vocab.guard_names:
            if dotted == configured or dotted.endswith("." + configured):
                return "configured"
        return None


def file_state(context: RuleContext) -> FileState:
    """The file's shared facts, built on the first POST endpoint of the file."""
    state = context.memo.get(FileState)
    if state is None:
        vocab = vocabulary(context.config)
        roots = _imported_roots(context.source)
        providers = tuple(call for call in critical.PROVIDER_CALLS if call.package in roots)
        state = FileState(context.source, context.config, vocab, providers, module_bindings(context.source.tree))
        state.app_guards = app_guards(context.source, vocab, context.config.call_depth, state)
        context.memo[FileState] = state
    return state  # type: ignore[return-value]


def app_guards(
    source: SourceFile, vocab: Vocabulary, depth: int = 2, state: FileState | None = None
) -> frozenset[AppGuard]:
    """Guards the file registers for its whole app.

    Library middleware and extensions, a ``settings.MIDDLEWARE`` entry, and the
    project's own middleware or request hook that reads an idempotency key and
    uses it. A project-wide pass unions this over files.
    """
    state = state or FileState(source, Config(call_depth=depth), vocab)
    found = set()
    for expr, line in _registrations(source):
        name = _guard_name(expr, state)
        if name:
            found.add(AppGuard(name, source.filename, line))
    extensions = {name for library in guards.GUARD_LIBRARIES for name in library.extensions}
    extensions |= {name.rpartition(".")[2] for name in vocab.guard_names}
    for call in source.calls_to(extensions):
        dotted = source.imported_name(call.func)
        if state.matches_guard(dotted, ("extensions",)):
            found.add(AppGuard(dotted or "", source.filename, call.lineno))
    return frozenset(found)


#: The calls ``_registrations`` looks at all name one of these on their lines.
_REGISTRATION_WORDS = guards.ADD_MIDDLEWARE_METHODS | guards.MIDDLEWARE_WRAPPERS | guards.REQUEST_HOOKS
_REGISTRATION_WORDS |= guards.MIDDLEWARE_KEYWORDS


def _registrations(source: SourceFile) -> Iterator[tuple[ast.expr, int]]:
    """Everything the file registers as middleware or as a hook run before handlers."""
    for call in source.calls_near(_REGISTRATION_WORDS):
        func = call.func
        name = final_name(call) or ""
        if isinstance(func, ast.Attribute) and name in guards.ADD_MIDDLEWARE_METHODS and call.args:
            yield call.args[0], call.lineno
        if name in guards.MIDDLEWARE_WRAPPERS and call.args:
            yield call.args[0], call.lineno
        if isinstance(func, ast.Call) and (final_name(func) or "") in guards.REQUEST_HOOKS and call.args:
            yield call.args[0], call.lineno  # app.middleware("http")(handler)
        if isinstance(func, ast.Attribute) and name in guards.REQUEST_HOOKS and call.args:
            yield call.args[0], call.lineno  # app.before_request(handler)
        for keyword in call.keywords:
            if keyword.arg in guards.MIDDLEWARE_KEYWORDS and isinstance(keyword.value, (ast.List, ast.Tuple)):
                for element in keyword.value.elts:
                    if not (
                        isinstance(element, ast.Call) and (final_name(element) or "") in guards.MIDDLEWARE_WRAPPERS
                    ):
                        yield element, call.lineno
    for function, _ in source.all_functions:
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            hook = final_name(target) or ""
            if hook in guards.REQUEST_HOOKS:
                yield ast.Name(id=function.name), function.lineno
    for statement in source.statements:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Attribute) and target.attr in guards.APP_WRAPPER_ATTRIBUTES:
                    yield statement.value, statement.lineno
                if isinstance(target, ast.Name) and target.id in guards.DJANGO_MIDDLEWARE_SETTINGS:
                    if isinstance(statement.value, (ast.List, ast.Tuple)):
                        for element in statement.value.elts:
                            yield element, statement.lineno


def _guard_name(expr: ast.expr, state: FileState) -> str | None:
    """The registered thing's name when it is an idempotency guard."""
    source = state.source
    if isinstance(expr, ast.Call):
        expr = expr.func
    text = literal_string(expr)
    dotted = text if text is not None else source.dotted_name(expr)
    if state.matches_guard(dotted, ("middleware", "extensions")):
        return dotted
    if isinstance(expr, ast.Name) and (expr.id in source.classes or expr.id in source.functions):
        if own_guard(expr.id, state):
            return expr.id
    return None


def own_guard(name: str, state: FileState) -> bool:
    """A same-file class, decorator or function that reads an idempotency key and uses it."""
    source = state.source
    cls = source.classes.get(name)
    function = source.functions.get(name)
    functions: list[tuple[FunctionNode, ast.ClassDef | None]] = []
    if cls is not None:
        functions = [(node, cls) for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    elif function is not None:  # a decorator's wrapper is nested in it
        functions = [
            (node, None) for node in ast.walk(function) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
    return any(_function_flow(node, owner, state).used for node, owner in functions)


def _function_flow(function: FunctionNode, owner: ast.ClassDef | None, state: FileState) -> KeyFlow:
    cached = state.own_guards.get(id(function))
    if cached is None:
        state.own_guards[id(function)] = KeyFlow()  # cut recursion
        owner_name = owner.name if owner else None
        pseudo = Endpoint("", None, "", function, owner_name, state.source.filename, tuple(function.body))
        nodes = list(walk_handler(pseudo, state.source, state.config.call_depth))
        cached = state.own_guards[id(function)] = key_flow(nodes, state)
    return cached


# -- the guards around one endpoint ---------------------------------------------


def _key_parameters(endpoint: Endpoint, state: FileState) -> tuple[list[str], bool]:
    """Handler parameters that carry the key, and whether a dependency already guards it."""
    arguments = endpoint.handler.args
    names: list[str] = []
    guarded = False
    for argument, default in _parameters(arguments):
        if state.vocab.is_key_name(argument.arg):
            names.append(argument.arg)
        for node in (argument.annotation, default):
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)) if node is not None else ():
                called = final_name(call) or ""
                if called in guards.HEADER_PARAMETER_CALLS and any(
                    keyword.arg in guards.HEADER_PARAMETER_KEYWORDS and state.key_name(keyword.value)
                    for keyword in call.keywords
                ):
                    names.append(argument.arg)
                if called in guards.DEPENDENCY_CALLS and call.args and isinstance(call.args[0], ast.Name):
                    dependency = state.source.functions.get(call.args[0].id)
                    if dependency is not None:
                        flow = _function_flow(dependency, None, state)
                        guarded = guarded or flow.used
                        if flow.returned:
                            names.append(argument.arg)
    return names, guarded


def _parameters(arguments: ast.arguments) -> Iterator[tuple[ast.arg, ast.expr | None]]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    yield from zip(positional, defaults)
    yield from zip(arguments.kwonlyargs, arguments.kw_defaults)


def _decorator_targets(decorators: Iterable[ast.expr]) -> Iterator[ast.expr]:
    """What each decorator applies: ``@x``, ``@x(...)``, ``@method_decorator(x, name=...)``."""
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = final_name(target) or ""
        if name in guards.METHOD_DECORATOR_WRAPPERS and isinstance(decorator, ast.Call) and decorator.args:
            inner = decorator.args[0]
            yield inner.func if isinstance(inner, ast.Call) else inner
        else:
            yield target


def _decorated_guard(endpoint: Endpoint, nodes: list[BodyNode], state: FileState) -> bool:
    source = state.source
    decorators: list[ast.expr] = list(endpoint.handler.decorator_list)
    cls = source.classes.get(endpoint.class_name or "")
    if cls is not None:
        decorators.extend(cls.decorator_list)
    for body_node in nodes:  # helpers the handler runs (aws-lambda-powertools' idempotent_function)
        for step in body_node.via:
            decorators.extend(step.callee.decorator_list)
    for target in _decorator_targets(decorators):
        if state.matches_guard(source.dotted_name(target), ("decorators",)):
            return True
        if isinstance(target, ast.Name) and target.id in source.functions and own_guard(target.id, state):
            return True
    return cls is not None and _mixin_guard(cls, state)


def _mixin_guard(cls: ast.ClassDef, state: FileState) -> bool:
    source = state.source
    pending, seen = list(cls.bases), set()
    while pending:
        base = pending.pop()
        dotted = source.dotted_name(base)
        if not dotted or dotted in seen:
            continue
        seen.add(dotted)
        if state.matches_guard(dotted, ("mixins",)):
            return True
        local = source.classes.get(dotted)
        if local is not None and local is not cls:
            if own_guard(dotted, state):
                return True
            pending.extend(local.bases)
    return False


def _passes_key(
    call: ast.Call, known: critical.ProviderCall, at: BodyNode, nodes: list[BodyNode], scope: Scope, state: FileState
) -> bool:
    """The provider call carries a key that is not made fresh on every request."""
    for keyword in call.keywords:
        if keyword.arg and state.vocab.is_key_name(keyword.arg) and not _fresh(keyword.value, scope):
            return True
    if any(_mapping_has_key(value, scope, state, 3) for value in (*call.args, *(k.value for k in call.keywords))):
        return True
    position = known.key_position
    if position is not None and position < len(call.args) and not _fresh(call.args[position], scope):
        return True
    # PayPal request objects: ``request = OrdersCreateRequest(); request.headers["PayPal-Request-Id"] = key``
    parent = at.ancestors[-1] if at.ancestors else None
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        holder = parent.targets[0].id
        return any(_sets_key_header(body_node.node, holder, scope, state) for body_node in nodes)
    return False


def _sets_key_header(node: ast.AST, holder: str, scope: Scope, state: FileState) -> bool:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and attribute_chain(target.value) == [holder, "headers"]
                and state.key_name(target.slice)
                and not _fresh(node.value, scope)
            ):
                return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
        if attribute_chain(node.func.value) == [holder, "headers"]:
            return any(_mapping_has_key(argument, scope, state, 1) for argument in node.args)
    return False


def _mapping_has_key(node: ast.expr, scope: Scope, state: FileState, depth: int) -> bool:
    """A dict (literal, ``dict(...)`` or a name bound to one) with an idempotency-key entry."""
    if depth <= 0:
        return False
    if isinstance(node, ast.Name):
        return any(_mapping_has_key(value, scope, state, depth - 1) for value in scope.values(node.id))
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            text = literal_string(key)
            if text is not None and state.vocab.is_key_name(text) and not _fresh(value, scope):
                return True
            if _mapping_has_key(value, scope, state, depth - 1):
                return True
    if isinstance(node, ast.Call) and (final_name(node) or "") == "dict":
        return any(
            keyword.arg and state.vocab.is_key_name(keyword.arg) and not _fresh(keyword.value, scope)
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


def _deduplicates(nodes: list[BodyNode], state: FileState) -> bool:
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
    return bool(chain) and "cache" in chain[-1].lower()


def _compares_dedup_field(node: ast.Compare) -> bool:
    operands = (node.left, *node.comparators)
    on_key_field = any(isinstance(node, ast.Attribute) and node.attr in guards.DEDUP_KEY_FIELDS for node in operands)
    return on_key_field and all(not isinstance(operand, ast.Constant) for operand in operands)


def _catches_duplicate(handler: ast.ExceptHandler) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(node is not None and attribute_chain(node)[-1] in guards.DUPLICATE_ERRORS for node in caught)


# -- the rule ---------------------------------------------------------------------


#: App-level guards registered anywhere in the project (middleware in settings.py, an
#: app factory adding an idempotency middleware, a Flask extension in extensions.py).
GUARD_FACT = "idempotency_guards"
_GUARD_TEXT = LazyPattern(
    "|".join(
        sorted(
            {*guards.ADD_MIDDLEWARE_METHODS, *guards.MIDDLEWARE_WRAPPERS, *guards.MIDDLEWARE_KEYWORDS}
            | {*guards.APP_WRAPPER_ATTRIBUTES, *guards.REQUEST_HOOKS, *guards.DJANGO_MIDDLEWARE_SETTINGS}
            | {"dempoten"}
        )
    )
)


def facts(config: Config) -> tuple[FactCollector, ...]:
    vocab = vocabulary(config)

    def guard_names(source: SourceFile, _modules: ModuleLookup) -> set[str]:
        return {guard.name for guard in app_guards(source, vocab, config.call_depth)}

    return (FactCollector(GUARD_FACT, _GUARD_TEXT, guard_names),)


def _guarded_elsewhere(endpoint: Endpoint, context: RuleContext) -> bool:
    return bool(context.index and context.index.fact(GUARD_FACT, endpoint.filename))


def _assess(endpoint: Endpoint, context: RuleContext) -> tuple:
    """The handler's body, scope, critical reason and provider calls, walked once per handler."""
    state = file_state(context)
    if id(endpoint.handler) not in state.assessed:
        nodes = list(context.body(endpoint))
        scope = Scope.of(nodes, state.module)
        state.assessed[id(endpoint.handler)] = (nodes, scope, *_critical(endpoint, nodes, scope, state))
    return state.assessed[id(endpoint.handler)]


def applies(endpoint: Endpoint, context: RuleContext) -> bool:
    """A critical POST: the summary counts it, protected or not."""
    return endpoint.method == "POST" and _assess(endpoint, context)[2] is not None


def check(endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
    state = file_state(context)
    nodes, scope, reason, provider_calls = _assess(endpoint, context)
    if reason is None:
        return
    if state.app_guards or _guarded_elsewhere(endpoint, context):
        return
    if _decorated_guard(endpoint, nodes, state) or _deduplicates(nodes, state):
        return
    if provider_calls and all(_passes_key(at.node, known, at, nodes, scope, state) for at, known in provider_calls):
        return
    parameters, dependency_guard = _key_parameters(endpoint, state)
    if dependency_guard:
        return
    flow = key_flow(nodes, state, parameters)
    if flow.used:
        return
    yield Finding(endpoint.line, endpoint.handler.col_offset, CODE, message(endpoint, reason, flow.read))


def _critical(endpoint: Endpoint, nodes: list[BodyNode], scope: Scope, state: FileState):
    """The first reason the endpoint is critical, and every provider call it makes."""
    provider_calls = []
    for body_node in nodes:
        if isinstance(body_node.node, ast.Call):
            known = provider_call(body_node.node, state, scope)
            if known is not None:
                provider_calls.append((body_node, known))
    if provider_calls:
        body_node, known = provider_calls[0]
        described = describe_call(body_node.node, known, state.source, scope)
        return Reason("provider", described, known.effect, body_node, known), provider_calls
    return model_reason(nodes, state, scope) or word_reason(endpoint, state.vocab), provider_calls


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


__all__ = ["CODE", "AppGuard", "Vocabulary", "app_guards", "check", "vocabulary", "words_of"]
