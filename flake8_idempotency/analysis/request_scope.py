"""Which requests a middleware skips by its own path or method tests.

A project middleware often lets some requests through untouched before it reads the
key (``if not request.path.startswith('/api/'): return self.get_response(request)``,
``if request.method != "POST": return await call_next(request)``): it protects only
the endpoints that pass its tests. The tests are kept as data (``Skip`` clauses) and
encoded as a compact string, so they travel in a project fact: ``Name|clauses``.

A clause is a conjunction of atoms; the middleware skips a request when every atom of
some clause holds. An atom tests the path (starts with one of some prefixes) or the
method (one of some methods), possibly negated. An endpoint whose path is unknown
passes every path test (it is assumed protected).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..knowledge import guards
from ..model.endpoint import Endpoint
from ..syntax import final_name, literal_string

#: Attributes (and ``scope[...]`` keys) naming the request path / method.
_PATH_NAMES = frozenset({"path", "path_info", "raw_path"})
_METHOD_NAMES = frozenset({"method"})
#: Characters of the encoding: a prefix or method containing one is not kept.
_RESERVED = frozenset("|;&,!")


class Atom(NamedTuple):
    """``path`` starts with one of ``values`` / ``method`` is one of ``values``; ``negated`` flips it."""

    kind: str  # "p" (path prefix) or "m" (method)
    values: tuple[str, ...]
    negated: bool

    def holds(self, endpoint: Endpoint) -> bool | None:
        """Whether the endpoint satisfies the atom; None when it cannot tell."""
        if self.kind == "p":
            if endpoint.path is None:
                return None
            result = endpoint.path.startswith(self.values)
        else:
            result = endpoint.method.upper() in self.values
        return not result if self.negated else result

    def encode(self) -> str:
        return ("!" if self.negated else "") + self.kind + ",".join(self.values)


#: A skip clause: the middleware lets the request through untouched when all atoms hold.
Skip = tuple[Atom, ...]


def covers(skips: Iterable[Skip], endpoint: Endpoint) -> bool:
    """Whether a middleware with these skip clauses runs its guard for the endpoint.

    A clause whose atoms cannot all be decided (an unknown path) does not skip it."""
    return not any(all(atom.holds(endpoint) is True for atom in clause) for clause in skips)


def encode(name: str, skips: Iterable[Skip]) -> str:
    """``Name`` or ``Name|clause;clause`` with atoms joined by ``&``."""
    clauses = ";".join("&".join(atom.encode() for atom in clause) for clause in skips)
    return f"{name}|{clauses}" if clauses else name


def decode(fact: str) -> tuple[str, tuple[Skip, ...]]:
    """The guard's name and skip clauses; a malformed clause is dropped (the guard covers more)."""
    name, _, rest = fact.partition("|")
    clauses: list[Skip] = []
    for text in rest.split(";") if rest else ():
        atoms = []
        for part in text.split("&"):
            negated = part.startswith("!")
            part = part[1:] if negated else part
            if not part or part[0] not in "pm" or len(part) < 2:
                break
            atoms.append(Atom(part[0], tuple(part[1:].split(",")), negated))
        else:
            if atoms:
                clauses.append(tuple(atoms))
    return name, tuple(clauses)


def skips_of(functions: Iterable[ast.FunctionDef | ast.AsyncFunctionDef]) -> tuple[Skip, ...]:
    """The early-return path/method tests at the top of a middleware's request methods."""
    found: list[Skip] = []
    for function in functions:
        for statement in function.body:
            if isinstance(statement, ast.If) and not statement.orelse and _passes_through(statement.body):
                found.extend(_clauses(statement.test))
    return tuple(found)


def _passes_through(body: list[ast.stmt]) -> bool:
    """The branch only hands the request on and returns: ``return self.get_response(request)``,
    ``return await call_next(request)``, ``await self.app(...); return``, a bare ``return``."""
    if not body or not isinstance(body[-1], ast.Return):
        return False
    if not all(isinstance(statement, (ast.Return, ast.Expr)) for statement in body):
        return False
    calls = [node for statement in body for node in ast.walk(statement) if isinstance(node, ast.Call)]
    return all((final_name(call) or "") in guards.MIDDLEWARE_PASS_THROUGH for call in calls)


def _clauses(test: ast.expr) -> Iterator[Skip]:
    """``a or b`` skips on either; ``a and b`` on both; an unknown part drops the clause
    (the middleware is then taken to cover the request: no report rests on a guess)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        for value in test.values:
            yield from _clauses(value)
        return
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        atoms: list[Atom] = []
        for value in test.values:
            atom = _atom(value)
            if atom is None:
                return
            atoms.append(atom)
        yield tuple(atoms)
        return
    atom = _atom(test)
    if atom is not None:
        yield (atom,)


def _atom(test: ast.expr) -> Atom | None:
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    atom = _path_atom(test) or _method_atom(test)
    if atom is None or any(char in _RESERVED for value in atom.values for char in value):
        return None
    return atom._replace(negated=atom.negated != negated)


def _path_atom(test: ast.expr) -> Atom | None:
    """``<path>.startswith("/api/")`` or ``startswith(("/a", "/b"))``."""
    if not (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "startswith"
        and len(test.args) == 1
        and _names(test.func.value, _PATH_NAMES)
    ):
        return None
    values = _strings(test.args[0])
    return Atom("p", values, False) if values else None


def _method_atom(test: ast.expr) -> Atom | None:
    """``<method> == "POST"``, ``!=``, ``in (...)``, ``not in (...)``."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and _names(test.left, _METHOD_NAMES)):
        return None
    op, values = test.ops[0], _strings(test.comparators[0])
    if not values:
        return None
    upper = tuple(value.upper() for value in values)
    if isinstance(op, (ast.Eq, ast.In)):
        return Atom("m", upper, False)
    if isinstance(op, (ast.NotEq, ast.NotIn)):
        return Atom("m", upper, True)
    return None


def _names(node: ast.expr, names: frozenset[str]) -> bool:
    """``request.path``, ``request.url.path``, ``scope["path"]``, ``request.method``."""
    if isinstance(node, ast.Attribute):
        return node.attr in names
    if isinstance(node, ast.Subscript):
        return literal_string(node.slice) in names
    return False


def _strings(node: ast.expr) -> tuple[str, ...]:
    """A string or a tuple/list/set of strings; empty when any is not a literal."""
    elements = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    values = [literal_string(element) for element in elements]
    return tuple(value for value in values if value is not None) if all(values) else ()
