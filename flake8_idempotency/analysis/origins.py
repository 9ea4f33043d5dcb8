"""Where a value in a handler comes from: built in the request, the request's input, or stored state.

"A write to state that outlives the request" needs this: ``totals[k] += 1`` on a
``totals = {}`` built in the handler is a local counter, ``order.items.append(x)``
on an ``order`` loaded from the database (or passed in, or ``self.get_object()``)
is not. Names are resolved in the function the node runs in; a helper's
parameters are resolved through the arguments of the call that reached it.
Anything not understood is stored state: callers decide how sure they must be.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator

from ..knowledge.writes import (
    FRESH_CALLS,
    PARSE_CALLS,
    PASS_THROUGH_CALLS,
    REQUEST_BODY_PARAMETERS,
    REQUEST_INPUT_ATTRIBUTES,
    REQUEST_INPUT_METHODS,
    REQUEST_NAMES,
    REQUEST_SCHEMA_BASES,
    REQUEST_SCOPED_ATTRIBUTES,
    REQUEST_SCOPED_IMPORTS,
)
from ..model.endpoint import Endpoint
from ..model.source import FunctionNode, SourceFile
from ..syntax import final_name, source_text
from .handler_body import CallStep

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_FRESH_LITERALS = (
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.JoinedStr,
    ast.BinOp,
    ast.Compare,
    ast.UnaryOp,
)


class Origin(enum.IntEnum):
    """Ordered by how much a write to it matters: the worst part of a value wins."""

    FRESH = 0  # built in this request: literals, containers, copies
    NEW_OBJECT = 1  # an instance made here (``Order(...)``, ``Session(engine)``)
    REQUEST = 2  # the request's own input: body, query, headers
    STATE = 3  # anything that outlives the request, or not understood


class FunctionNames:
    """One function's local names: parameters, assignments, globals."""

    def __init__(self) -> None:
        self.parameters: dict[str, ast.arg] = {}
        #: name -> assigned values; loop targets get the iterated expression.
        self.values: dict[str, list[ast.expr]] = {}
        self.declared_global: set[str] = set()
        #: ``order.total`` / ``x["k"]`` (as written) -> values assigned to that place.
        self.places: dict[str, list[ast.expr]] = {}

    @classmethod
    def of(cls, function: FunctionNode) -> FunctionNames:
        names = cls()
        arguments = function.args
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            names.parameters[argument.arg] = argument
        for extra in (arguments.vararg, arguments.kwarg):
            if extra is not None:
                names.parameters[extra.arg] = extra
        for node in _own_nodes(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names._bind(target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                names._bind(node.target, node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                names._bind(node.target, node.iter)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                names._bind(node.optional_vars, node.context_expr)
            elif isinstance(node, ast.Global):
                names.declared_global.update(node.names)
        return names

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.values.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            self.places.setdefault(source_text(target), []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            same_shape = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
            for index, element in enumerate(target.elts):
                self._bind(element, value.elts[index] if same_shape else value)  # type: ignore[attr-defined]
        elif isinstance(target, ast.Starred):
            self._bind(target.value, value)


def _own_nodes(function: FunctionNode) -> Iterator[ast.AST]:
    """The function's nodes, without those of nested functions and classes."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _NESTED_SCOPES))


def root_name(node: ast.expr) -> ast.Name | None:
    """``order.items[0].tags`` -> ``order``; ``self.get_object().x`` -> ``self``."""
    while True:
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            return node if isinstance(node, ast.Name) else None


class Origins:
    """Origins of expressions for one endpoint, in the handler or a helper it calls."""

    def __init__(self, endpoint: Endpoint, source: SourceFile) -> None:
        self.endpoint = endpoint
        self.source = source
        self._names: dict[int, FunctionNames] = {}

    def names(self, via: tuple[CallStep, ...]) -> FunctionNames:
        function = via[-1].callee if via else self.endpoint.handler
        if id(function) not in self._names:
            self._names[id(function)] = FunctionNames.of(function)
        return self._names[id(function)]

    def of(self, node: ast.expr, via: tuple[CallStep, ...], _seen: frozenset[str] = frozenset()) -> Origin:
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            if self.reads_request_input(node):
                return Origin.REQUEST
            while isinstance(node, (ast.Attribute, ast.Subscript)):  # a loop: chains can be 1000 deep
                node = node.value
        while isinstance(node, (ast.Await, ast.NamedExpr)):
            node = node.value
        if isinstance(node, _FRESH_LITERALS):
            return Origin.FRESH
        if isinstance(node, (ast.IfExp, ast.BoolOp)):
            parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
            return max(self.of(part, via, _seen) for part in parts)
        if isinstance(node, ast.Name):
            return self._name(node.id, via, _seen)
        if isinstance(node, ast.Call):
            return self._call(node, via, _seen)
        return Origin.STATE

    def reads_request_input(self, node: ast.expr) -> bool:
        """``request.data[...]``, ``self.request.GET``, ``request.state.x``: the request's own data."""
        chain = []
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            if isinstance(node, ast.Attribute):
                chain.append(node.attr)
            node = node.value
        chain.reverse()
        if isinstance(node, ast.Name) and node.id == "self" and chain[:1] == ["request"]:
            chain = chain[1:]
        elif not (isinstance(node, ast.Name) and node.id in REQUEST_NAMES):
            return False
        return bool(chain) and (chain[0] in REQUEST_INPUT_ATTRIBUTES or chain[0] in REQUEST_SCOPED_ATTRIBUTES)

    def is_fresh_instance(self, node: ast.expr) -> bool:
        """``Order(...)`` or ``models.Order(...)``: a new object of a class."""
        if not isinstance(node, ast.Call):
            return False
        name = final_name(node) or ""
        return name[:1].isupper() and not (name.isupper() and len(name) > 1)

    def _name(self, name: str, via: tuple[CallStep, ...], seen: frozenset[str]) -> Origin:
        names = self.names(via)
        if name in seen:
            return Origin.FRESH  # a cycle adds nothing new
        if name in names.declared_global:
            return Origin.STATE
        if name in names.values:
            return max(self.of(value, via, seen | {name}) for value in names.values[name])
        if name in names.parameters:
            return self._parameter(name, names.parameters[name], via)
        if self.source.imports.get(name) in REQUEST_SCOPED_IMPORTS:
            return Origin.REQUEST
        return Origin.STATE  # a module global, a closure, an import

    def _parameter(self, name: str, argument: ast.arg, via: tuple[CallStep, ...]) -> Origin:
        if not via:
            if name in REQUEST_BODY_PARAMETERS or self._is_request_schema(argument.annotation):
                return Origin.REQUEST
            return Origin.STATE
        passed = self._argument_for(name, via[-1])
        if passed is None:
            return Origin.STATE
        return self.of(passed, via[:-1])

    def _argument_for(self, name: str, step: CallStep) -> ast.expr | None:
        arguments = step.callee.args
        positional = [argument.arg for argument in (*arguments.posonlyargs, *arguments.args)]
        if isinstance(step.call.func, ast.Attribute) and positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        for keyword in step.call.keywords:
            if keyword.arg == name:
                return keyword.value
        if name in positional:
            index = positional.index(name)
            if index < len(step.call.args) and not isinstance(step.call.args[index], ast.Starred):
                return step.call.args[index]
        return None

    def _is_request_schema(self, annotation: ast.expr | None) -> bool:
        if not isinstance(annotation, ast.Name) or annotation.id not in self.source.classes:
            return False
        bases = self.source.classes[annotation.id].bases
        return any(getattr(base, "attr", getattr(base, "id", None)) in REQUEST_SCHEMA_BASES for base in bases)

    def _call(self, node: ast.Call, via: tuple[CallStep, ...], seen: frozenset[str]) -> Origin:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in FRESH_CALLS:
                return Origin.FRESH
            if func.id in PASS_THROUGH_CALLS:
                return max((self.of(argument, via, seen) for argument in node.args), default=Origin.FRESH)
            return Origin.NEW_OBJECT if self.is_fresh_instance(node) else Origin.STATE
        if not isinstance(func, ast.Attribute):
            return Origin.STATE
        if self.source.dotted_name(func) in PARSE_CALLS:
            return Origin.REQUEST
        if func.attr in FRESH_CALLS:  # copy.deepcopy(x), x.copy()
            return Origin.FRESH
        receiver = func.value
        if func.attr in REQUEST_INPUT_METHODS and isinstance(receiver, ast.Name) and receiver.id in REQUEST_NAMES:
            return Origin.REQUEST
        if self.reads_request_input(receiver):
            return Origin.REQUEST
        if self.is_fresh_instance(node) and self.source.imported_name(func) is not None:
            return Origin.NEW_OBJECT  # models.Order(...)
        # A method of a local value gives a local value; a method of an object made
        # here may be a query (``Session(engine).get(...)``), so it is a load.
        receiver_origin = self.of(receiver, via, seen)
        return Origin.STATE if receiver_origin is Origin.NEW_OBJECT else receiver_origin
