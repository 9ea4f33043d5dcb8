"""Explicit raises on the branch where the resource is missing, when they answer 500.

``if order is None: raise ValueError(...)``, ``if key not in STORE: abort(500)``,
``assert order is not None``: the handler sees that the resource is gone and answers
500 anyway, so a retried DELETE fails. A test is about a missing resource when it
checks a name holding a lookup's result, a lookup called in the test, ``.exists()``,
or a key's membership in a container the body removes from. What a raise answers is
``error_paths``' answer, and an exception the app maps to 404/410/204 is fine.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..knowledge.lookups import COLLECTION_REMOVE, CONTAINER_POP, QUERYSET_EXISTS_METHODS
from ..syntax import final_name, source_text
from .error_paths import SERVER_ERROR, NotFoundHandling, aborts, http_status, raise_outcome
from .handler_body import BodyNode
from .lookup_results import LookupResults
from .receivers import model_in, resource_noun, unawait


class BranchRaise(NamedTuple):
    """A raise, ``abort`` or ``assert`` that answers 500 when the resource is missing."""

    at: BodyNode
    #: The exception's final name (``ValueError``, ``abort``; ``AssertionError`` for an assert).
    exception: str
    #: The HTTP status it carries, when literal.
    status: int | None
    #: An ``abort(...)`` call rather than a raise.
    aborts: bool
    #: What is missing (``order``, ``entry``).
    noun: str


def removed_containers(nodes: Iterable[BodyNode]) -> set[str]:
    """Containers the body removes from (a ``key not in`` test of one is a not-found branch)."""
    found: set[str] = set()
    for at in nodes:
        node = at.node
        if isinstance(node, ast.Delete):
            found.update(source_text(target.value) for target in node.targets if isinstance(target, ast.Subscript))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in (CONTAINER_POP, COLLECTION_REMOVE):
                found.add(source_text(node.func.value))
    return found


class NotFoundBranches:
    """The not-found branches of one handler's body that answer 500."""

    def __init__(self, results: LookupResults, handling: NotFoundHandling, removed_from: set[str]) -> None:
        self.results = results
        self.handling = handling
        self.removed_from = removed_from

    def of(self, at: BodyNode) -> Iterator[BranchRaise]:
        node = at.node
        if isinstance(node, ast.If):
            noun = self._noun(node.test, missing=True)
            if noun is None:
                return
            for statement in node.body:
                exc = statement.exc if isinstance(statement, ast.Raise) else None
                if isinstance(statement, ast.Expr) and aborts(statement.value):
                    exc = statement.value
                if exc is None or raise_outcome(exc) != SERVER_ERROR:
                    continue
                name = final_name(exc.func if isinstance(exc, ast.Call) else exc) or "an error"
                if name in self.handling.mapped(at):
                    continue
                raised_at = BodyNode(statement, (*at.ancestors, node), at.via)
                yield BranchRaise(raised_at, name, http_status(exc), aborts(exc), noun)
        elif isinstance(node, ast.Assert) and "AssertionError" not in self.handling.mapped(at):
            noun = self._noun(node.test, missing=False)
            if noun is not None:
                yield BranchRaise(at, "AssertionError", None, False, noun)

    def _noun(self, test: ast.expr, missing: bool) -> str | None:
        """The resource a test finds missing (``missing``) or present; None if it tests something else."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or if missing else ast.And):
            return next((n for v in test.values if (n := self._noun(v, missing))), None)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._noun(test.operand, not missing)
        subject = test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, right = test.ops[0], test.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)):
                present = isinstance(op, ast.In)
                if present != missing and source_text(right) in self.removed_from:
                    return "entry"
                return None
            if not (isinstance(right, ast.Constant) and right.value is None):
                return None
            if isinstance(op, (ast.Is, ast.Eq)) != missing:
                return None
            subject = test.left
        elif missing:
            return None  # a bare ``if obj:`` is the found branch
        if isinstance(subject, ast.NamedExpr):
            subject = subject.target
        return self._subject_noun(subject)

    def _subject_noun(self, subject: ast.expr) -> str | None:
        if isinstance(subject, ast.Name):
            return self.results.noun_held_by(subject.id)
        call = unawait(subject)
        if self.results.none_lookup(call) is not None:
            return self.results.noun(call)
        if isinstance(call, ast.Call) and final_name(call.func) in QUERYSET_EXISTS_METHODS:
            return resource_noun(model_in(call.func))
        return None
