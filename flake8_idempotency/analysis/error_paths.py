"""Is a node in the handler body protected? Shared by rules that accept a guard.

Two kinds of protection: a ``try`` (or ``contextlib.suppress``) that catches the
error without turning it into a 500, and an explicit existence check on the way
(``if obj is None: abort(404)``, ``if key in store:``, a walrus, an early
``return``). Also here: what HTTP status a raise or ``abort`` means, which
exceptions the file's own exception handlers answer with 404/410/204, and the three
together for one endpoint (``NotFoundHandling``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Sequence

from ..knowledge.lookups import (
    ABORTING_CALLS,
    EXCEPTION_BASES,
    EXCEPTION_HANDLER_DECORATORS,
    EXCEPTION_HANDLER_KEYWORDS,
    EXCEPTION_HANDLER_REGISTRATIONS,
    EXISTENCE_FUNCTIONS,
    EXISTENCE_METHODS,
    HTTP_STATUS_NAMES,
    NOT_FOUND_EXCEPTIONS,
    NOT_FOUND_STATUSES,
    SERVER_ERROR_EXCEPTIONS,
    STATUS_KEYWORDS,
    TYPE_CHECKING_NAMES,
    UNIVERSAL_CATCHERS,
)
from ..lazy_pattern import LazyPattern
from ..model.project import ModuleLookup
from ..model.source import SourceFile
from ..syntax import final_name, source_text
from .handler_body import BodyNode

_TRY_NODES = tuple({ast.Try, getattr(ast, "TryStar", ast.Try)})
_STATUS_IN_NAME = LazyPattern(r"HTTP_(\d{3})")
_STATEMENT_FIELDS = ("body", "orelse", "finalbody")

#: What a raise (or ``abort``) means for the client.
NOT_FOUND = "not found"
CLIENT_ERROR = "client error"
SERVER_ERROR = "server error"


def exception_names(node: ast.AST | None) -> set[str]:
    """Final names of an ``except`` clause's type (a name, attribute or tuple)."""
    if isinstance(node, ast.Tuple):
        return {name for element in node.elts for name in exception_names(element)}
    name = final_name(node)
    return {name} if name else set()


# --- try / except -----------------------------------------------------------


def caught_by_try(at: BodyNode, catchers: Iterable[str]) -> bool:
    """Inside a ``try`` whose handler catches one of ``catchers`` (or a bare/universal
    except) and does not turn it into a 500; or inside ``contextlib.suppress(...)``."""
    accepted = set(catchers) | UNIVERSAL_CATCHERS
    for parent, child in _parent_child_pairs(at):
        if isinstance(parent, _TRY_NODES) and _contains(parent.body, child):
            for handler in parent.handlers:
                caught = exception_names(handler.type) if handler.type is not None else UNIVERSAL_CATCHERS
                if caught & accepted and not _raises_server_error(handler.body):
                    return True
        if isinstance(parent, (ast.With, ast.AsyncWith)) and _contains(parent.body, child):
            for item in parent.items:
                context = item.context_expr
                if isinstance(context, ast.Call) and final_name(context) == "suppress":
                    if {name for arg in context.args for name in exception_names(arg)} & accepted:
                        return True
    return False


def _raises_server_error(statements: list[ast.stmt]) -> bool:
    """A handler body that re-raises, or raises/aborts with a 500, at its top level.

    Raises nested under an ``if`` are taken to be for other errors
    (``if error.code != "NotFound": raise``).
    """
    for statement in statements:
        if isinstance(statement, ast.Raise):
            if statement.exc is None or raise_outcome(statement.exc) == SERVER_ERROR:
                return True
        elif isinstance(statement, ast.Expr) and aborts(statement.value):
            if raise_outcome(statement.value) == SERVER_ERROR:
                return True
    return False


# --- existence checks -------------------------------------------------------


def presence_checked(at: BodyNode, subjects: Iterable[str], handler_body: Sequence[ast.stmt]) -> bool:
    """An existence test of one of ``subjects`` (source texts) guards the node.

    Either the node runs under an ``if``/``while``/conditional expression/``and``
    that tests the subject, or an earlier statement on the way (``handler_body``
    is the endpoint's own statement list) tests it and leaves
    (``if obj is None: return ...``), or asserts it.
    """
    wanted = frozenset(subjects)
    if not wanted:
        return False
    outermost = at.ancestors[0] if at.ancestors else at.node
    if _checked_earlier(handler_body, outermost, wanted):
        return True
    for parent, child in _parent_child_pairs(at):
        if isinstance(parent, (ast.If, ast.IfExp, ast.While)) and child is not parent.test:
            if tests_presence(parent.test, wanted):
                return True
        if isinstance(parent, ast.BoolOp):
            for value in parent.values:
                if value is child:
                    break
                if tests_presence(value, wanted):
                    return True
        for statements in _statement_lists(parent, child, at):
            if _checked_earlier(statements, child, wanted):
                return True
    return False


def _checked_earlier(statements: Sequence[ast.stmt], child: ast.AST, wanted: frozenset[str]) -> bool:
    """A statement before ``child`` tests the subject and leaves, or asserts it."""
    for statement in statements:
        if statement is child:
            return False
        if isinstance(statement, ast.If) and tests_presence(statement.test, wanted) and exits(statement.body):
            return True
        if isinstance(statement, ast.Assert) and tests_presence(statement.test, wanted):
            return True
    return False


def tests_presence(test: ast.expr, subjects: frozenset[str]) -> bool:
    """Does ``test`` check whether a subject exists (``x is None``, ``k in x``,
    ``not x``, ``x.exists()``, ``os.path.exists(x)``, ``(x := ...)``)?"""
    parents = {id(child): node for node in ast.walk(test) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(test):
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) and source_text(node) in subjects:
            if _is_presence_use(node, parents):
                return True
    return False


def _is_presence_use(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    dereferenced = False
    while True:
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr in EXISTENCE_METHODS:
                return True
            dereferenced = True
        elif not (isinstance(parent, ast.Call) and parent.func is node) and not isinstance(parent, ast.Await):
            break
        node = parent
    if dereferenced:
        return False
    if parent is None or isinstance(parent, (ast.BoolOp, ast.NamedExpr)):
        return True
    if isinstance(parent, ast.UnaryOp):
        return isinstance(parent.op, ast.Not)
    if isinstance(parent, ast.Compare):
        if any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
            return True
        operands = [parent.left, *parent.comparators]
        return any(isinstance(operand, ast.Constant) and operand.value is None for operand in operands)
    if isinstance(parent, ast.Call) and _contains(parent.args, node):
        name = final_name(parent) or ""
        return name in EXISTENCE_FUNCTIONS or "exist" in name.lower()
    return False


def exits(statements: list[ast.stmt]) -> bool:
    """A block that leaves the handler: return, raise, ``abort(...)``, continue/break."""
    for statement in statements:
        if isinstance(statement, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
            return True
        if isinstance(statement, ast.Expr) and aborts(statement.value):
            return True
    return False


def aborts(node: ast.AST) -> bool:
    """``abort(404)``, ``flask.abort(410)``: a call that raises the HTTP error itself."""
    return isinstance(node, ast.Call) and final_name(node) in ABORTING_CALLS


def under_type_checking(at: BodyNode) -> bool:
    """Inside ``if TYPE_CHECKING:``, which never runs."""
    for parent, child in _parent_child_pairs(at):
        if isinstance(parent, ast.If) and _contains(parent.body, child):
            # A name or a dotted name only (unparsing every enclosing test was the cost).
            if isinstance(parent.test, (ast.Name, ast.Attribute)) and source_text(parent.test) in TYPE_CHECKING_NAMES:
                return True
    return False


# --- HTTP statuses ----------------------------------------------------------


def http_status(node: ast.AST) -> int | None:
    """The status an HTTP error, ``abort`` or response call carries, if literal."""
    if not isinstance(node, ast.Call):
        return None
    candidates = [keyword.value for keyword in node.keywords if keyword.arg in STATUS_KEYWORDS]
    if node.args and final_name(node) not in SERVER_ERROR_EXCEPTIONS:
        candidates.append(node.args[0])
    for candidate in candidates:
        status = status_value(candidate)
        if status is not None:
            return status
    return None


def status_value(node: ast.AST) -> int | None:
    """``404``, ``status.HTTP_404_NOT_FOUND``, ``HTTPStatus.NOT_FOUND``, ``falcon.HTTP_404``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    name = final_name(node)
    if name is None:
        return None
    match = _STATUS_IN_NAME.match(name)
    if match:
        return int(match.group(1))
    return HTTP_STATUS_NAMES.get(name)


def raise_outcome(node: ast.AST) -> str | None:
    """What raising ``node`` (or calling ``abort``) answers: NOT_FOUND, CLIENT_ERROR,
    SERVER_ERROR, or None when the exception is the project's own and unknown."""
    status = http_status(node)
    if status is not None:
        if status in NOT_FOUND_STATUSES:
            return NOT_FOUND
        return SERVER_ERROR if status >= 500 else CLIENT_ERROR
    name = final_name(node)
    if name in NOT_FOUND_EXCEPTIONS:
        return NOT_FOUND
    if name in SERVER_ERROR_EXCEPTIONS:
        return SERVER_ERROR
    return None


def answers_not_found(node: ast.AST) -> bool:
    """Does this handler function answer 404/410/204 (a status literal, name or exception)?"""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and status_value(inner) in NOT_FOUND_STATUSES:
            return True
        if isinstance(inner, (ast.Name, ast.Attribute)):
            if status_value(inner) in NOT_FOUND_STATUSES or final_name(inner) in NOT_FOUND_EXCEPTIONS:
                return True
    return False


# --- the file's exception handlers --------------------------------------------


def exceptions_mapped_to_not_found(source: SourceFile) -> frozenset[str]:
    """Final names of the exceptions this file's exception handlers answer with 404/410/204.

    ``@app.errorhandler(E)``, ``@app.exception_handler(E)``, ``app.register_error_handler(E, f)``,
    ``add_exception_handler(E, f)``, ``exception_handlers={E: f}``. A handler defined in
    another module counts unless it is registered for every exception. A project
    index adds the names found in other files to this set.
    """
    mapped: set[str] = set()
    for function, _owner in source.all_functions:
        for decorator in function.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in EXCEPTION_HANDLER_DECORATORS
                and answers_not_found(function)
            ):
                mapped.update(name for arg in decorator.args for name in exception_names(arg))
    # Only the statements on lines naming a registration or the keyword can hold one:
    # walking every call of a 2,000-line module was most of IDM003's cost on big files.
    for call in source.calls_near(_HANDLER_WORDS):
        for exception, handler in _registered_handlers(call):
            names = exception_names(exception)
            if _handler_answers_not_found(handler, source, universal=bool(names & UNIVERSAL_CATCHERS)):
                mapped.update(names)
    return frozenset(mapped)


_HANDLER_WORDS = EXCEPTION_HANDLER_REGISTRATIONS | EXCEPTION_HANDLER_KEYWORDS


def _registered_handlers(call: ast.Call) -> Iterator[tuple[ast.expr, ast.expr]]:
    if isinstance(call.func, ast.Attribute) and call.func.attr in EXCEPTION_HANDLER_REGISTRATIONS:
        if len(call.args) >= 2:
            yield call.args[0], call.args[1]
    for keyword in call.keywords:
        if keyword.arg in EXCEPTION_HANDLER_KEYWORDS and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values):
                if key is not None:
                    yield key, value


def _handler_answers_not_found(handler: ast.expr, source: SourceFile, universal: bool) -> bool:
    if isinstance(handler, ast.Lambda):
        return answers_not_found(handler.body)
    if isinstance(handler, ast.Name) and handler.id in source.functions:
        return answers_not_found(source.functions[handler.id])
    # Defined elsewhere: a handler registered for one specific error is there to answer it.
    return not universal


# --- all of it, for one endpoint ----------------------------------------------


class NotFoundHandling:
    """Does one endpoint take care of a missing resource's error? An exception handler
    of the app answers it with 404/410/204, a ``try`` catches it, or an existence check
    guards the node."""

    def __init__(
        self, home: SourceFile, handler_body: Sequence[ast.stmt], mapped_elsewhere: Callable[[], frozenset[str]]
    ) -> None:
        #: The endpoint's module, and its own statements (where earlier checks are looked for).
        self._home = home
        self._handler_body = handler_body
        #: What the project's other files map to 404/410/204 (asked on first need).
        self._mapped_elsewhere = mapped_elsewhere
        self._mapped: frozenset[str] | None = None

    def mapped(self, at: BodyNode) -> frozenset[str]:
        """Exceptions the app's exception handlers answer with 404/410/204: the project's and
        those of the module ``at`` is written in, worked out when a node first asks."""
        if self._mapped is None:
            elsewhere = self._mapped_elsewhere()
            self._mapped = exceptions_mapped_to_not_found(at.source or self._home) | elsewhere
        return self._mapped

    def handled(
        self, at: BodyNode, exception: str, subjects: frozenset[str] = frozenset(), also: tuple[str, ...] = ()
    ) -> bool:
        """``exception`` (or one of ``also``) raised at ``at`` (``subjects``: what an
        existence check would test) does not end as a 500."""
        catchers = frozenset(
            name for raised in (exception, *also) for name in (raised, *EXCEPTION_BASES.get(raised, ()))
        )
        return (
            bool(catchers & self.mapped(at))
            or caught_by_try(at, catchers)
            or presence_checked(at, subjects, self._handler_body)
        )


# --- walking the ancestor chain ---------------------------------------------


def _parent_child_pairs(at: BodyNode) -> Iterator[tuple[ast.AST, ast.AST]]:
    chain = (*at.ancestors, at.node)
    return zip(chain, chain[1:])


def _statement_lists(parent: ast.AST, child: ast.AST, at: BodyNode) -> Iterator[list[ast.stmt]]:
    """The statement list of ``parent`` that holds ``child`` (a followed call: the callee's body)."""
    if isinstance(parent, ast.Call):
        for step in at.via:
            if step.call is parent:
                yield step.callee.body
        return
    for field_name in _STATEMENT_FIELDS:
        statements = getattr(parent, field_name, None)
        if isinstance(statements, list) and _contains(statements, child):
            yield statements


def _contains(nodes: list, wanted: ast.AST) -> bool:
    return any(node is wanted for node in nodes)


def drf_exception_handler_exceptions(source: SourceFile, modules: ModuleLookup) -> set[str]:
    """DRF's ``REST_FRAMEWORK = {"EXCEPTION_HANDLER": "app.errors.handler"}``: the exceptions
    the named handler tests with ``isinstance`` when it answers 404/410/204."""
    names: set[str] = set()
    for value in source.assignments.get("REST_FRAMEWORK", ()):
        for key, item in zip(getattr(value, "keys", ()), getattr(value, "values", ())):
            if not (isinstance(key, ast.Constant) and key.value == "EXCEPTION_HANDLER"):
                continue
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                continue
            home, name = modules.parse_symbol_home(source.filename, item.value)
            handler = home.functions.get(name) if home else None
            if handler is None or not answers_not_found(handler):
                continue
            for node in ast.walk(handler):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance" and node.args:
                    names.update(exception_names(node.args[-1]))
    return names
