"""Idempotency guards that wrap a handler instead of sitting in its body.

An app-level guard (middleware, a Flask extension, a request hook) protects every
handler of the app, wherever it is registered: found per file, a project-wide pass
can unite them. A decorator or a mixin protects one handler. Either is a known
library's guard (``knowledge/guards.py``), a configured name, or the project's own
class or function that reads an idempotency key and uses it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..knowledge import guards
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint
from ..model.project import ModuleLookup
from ..model.source import FunctionNode, SourceFile
from ..syntax import final_name, literal_string
from .handler_body import BodyNode
from .key_flow import KeyReader
from .request_scope import Skip, covers, skips_of
from .vocabulary import Vocabulary

#: The calls ``_registrations`` looks at all name one of these on their lines.
_REGISTRATION_WORDS = guards.ADD_MIDDLEWARE_METHODS | guards.MIDDLEWARE_WRAPPERS | guards.REQUEST_HOOKS
_REGISTRATION_WORDS |= guards.MIDDLEWARE_KEYWORDS

#: Only a file whose text matches can register an app-level guard.
MAY_REGISTER_GUARD = LazyPattern(
    "|".join(
        sorted(
            {*guards.ADD_MIDDLEWARE_METHODS, *guards.MIDDLEWARE_WRAPPERS, *guards.MIDDLEWARE_KEYWORDS}
            | {*guards.APP_WRAPPER_ATTRIBUTES, *guards.REQUEST_HOOKS, *guards.DJANGO_MIDDLEWARE_SETTINGS}
            | {guards.GUARD_NAME_FRAGMENT}
        )
    )
)


class AppGuard(NamedTuple):
    """An app-level guard registered in a file: middleware, extension or request hook."""

    name: str
    filename: str
    line: int
    #: Requests the guard lets through untouched by its own path/method tests
    #: (``request_scope``); empty: it runs for every request.
    skips: tuple[Skip, ...] = ()

    def covers(self, endpoint: Endpoint) -> bool:
        return covers(self.skips, endpoint)


def app_guards(
    source: SourceFile,
    vocab: Vocabulary,
    depth: int = 2,
    reader: KeyReader | None = None,
    modules: ModuleLookup | None = None,
) -> frozenset[AppGuard]:
    """Guards the file registers for its whole app.

    Library middleware and extensions, a ``settings.MIDDLEWARE`` entry, and the
    project's own middleware or request hook that reads an idempotency key and
    uses it (with ``modules``, also one named by a dotted string, as in Django's
    settings). A project-wide pass unions this over files.
    """
    reader = reader or KeyReader(source, vocab, depth)
    found = set()
    for expr, line in _registrations(source):
        guard = _guard(expr, reader, modules)
        if guard:
            found.add(AppGuard(guard[0], source.filename, line, guard[1]))
    extensions = {name for library in guards.GUARD_LIBRARIES for name in library.extensions}
    extensions |= {name.rpartition(".")[2] for name in vocab.guard_names}
    for call in source.calls_to(extensions):
        dotted = source.imported_name(call.func)
        if vocab.matches_guard(dotted, ("extensions",)):
            found.add(AppGuard(dotted or "", source.filename, call.lineno))
    return frozenset(found)


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


def _guard(expr: ast.expr, reader: KeyReader, modules: ModuleLookup | None) -> tuple[str, tuple[Skip, ...]] | None:
    """The registered thing's name and the requests it skips, when it is an idempotency guard."""
    source = reader.source
    if isinstance(expr, ast.Call):
        expr = expr.func
    text = literal_string(expr)
    dotted = text if text is not None else source.dotted_name(expr)
    if reader.vocab.matches_guard(dotted, ("middleware", "extensions")):
        return dotted or "", ()
    if isinstance(expr, ast.Name) and (expr.id in source.classes or expr.id in source.functions):
        if own_guard(expr.id, reader):
            return expr.id, own_skips(expr.id, source)
    if text and modules is not None and "." in text:  # settings.MIDDLEWARE = ["shop.middleware.Replay"]
        home, name = modules.parse_symbol_home(source.filename, text)
        if home is not None and (name in home.classes or name in home.functions):
            home_reader = KeyReader(home, reader.vocab, reader.call_depth)
            if own_guard(name, home_reader):
                return text, own_skips(name, home)
    return None


def _own_functions(name: str, source: SourceFile) -> list[tuple[FunctionNode, ast.ClassDef | None]]:
    """A same-file class's methods, or a function and the functions nested in it."""
    cls = source.classes.get(name)
    function = source.functions.get(name)
    if cls is not None:
        return [(node, cls) for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if function is not None:  # a decorator's wrapper is nested in it
        return [
            (node, None) for node in ast.walk(function) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
    return []


def own_guard(name: str, reader: KeyReader) -> bool:
    """A same-file class, decorator or function that reads an idempotency key and uses it."""
    return any(reader.function_flow(node, owner).used for node, owner in _own_functions(name, reader.source))


def own_skips(name: str, source: SourceFile) -> tuple[Skip, ...]:
    """The requests a project middleware or hook lets through by its own path/method tests."""
    functions = [
        node
        for node, owner in _own_functions(name, source)
        if owner is None or node.name in guards.MIDDLEWARE_REQUEST_METHODS
    ]
    return skips_of(functions)


# -- the guards around one handler ------------------------------------------------


def decorated_guard(endpoint: Endpoint, nodes: list[BodyNode], reader: KeyReader) -> bool:
    """A guard decorates the handler, its view class or a helper it runs, or is a mixin of the view class."""
    source = reader.source
    decorators: list[ast.expr] = list(endpoint.handler.decorator_list)
    cls = source.classes.get(endpoint.class_name or "")
    if cls is not None:
        decorators.extend(cls.decorator_list)
    for body_node in nodes:  # helpers the handler runs (aws-lambda-powertools' idempotent_function)
        for step in body_node.via:
            decorators.extend(step.callee.decorator_list)
    for target in _decorator_targets(decorators):
        if reader.vocab.matches_guard(source.dotted_name(target), ("decorators",)):
            return True
        if isinstance(target, ast.Name) and target.id in source.functions and own_guard(target.id, reader):
            return True
    return cls is not None and _mixin_guard(cls, reader)


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


def _mixin_guard(cls: ast.ClassDef, reader: KeyReader) -> bool:
    source = reader.source
    pending, seen = list(cls.bases), set()
    while pending:
        base = pending.pop()
        dotted = source.dotted_name(base)
        if not dotted or dotted in seen:
            continue
        seen.add(dotted)
        if reader.vocab.matches_guard(dotted, ("mixins",)):
            return True
        local = source.classes.get(dotted)
        if local is not None and local is not cls:
            if own_guard(dotted, reader):
                return True
            pending.extend(local.bases)
    return False
