"""What the receiver of a lookup or removal is: a manager, a query, a model class, a path,
a container that outlives the request.

The same method raises on one receiver and not on another: ``.get()`` raises on
``Order.objects`` and not on a dict, ``.remove()`` raises on a list the app owns and
not on a Django related manager, ``del data[k]`` matters only when ``data`` outlives
the request. The detectors of missing-resource errors (``raising_lookups``,
``lookup_results``) ask these questions here. Names are looked up in ``source``, the
module the node being looked at is written in: a helper may live in another file.
"""

from __future__ import annotations

import ast

from ..knowledge.frameworks import FRAMEWORK_PACKAGES
from ..knowledge.lookups import (
    LOOKUP_KEYWORDS,
    MANAGER_MARKERS,
    MODEL_BASE_SUFFIXES,
    MODEL_MODULE_WORDS,
    MODULE_EXCEPTION_PACKAGES,
    PATH_CONSTRUCTORS,
    PATH_METHODS,
    PATH_NAME_SUFFIXES,
    PONY_PACKAGE,
    QUERY_MARKERS,
)
from ..model.endpoint import Endpoint
from ..model.source import FunctionNode, SourceFile
from ..syntax import attribute_chain, final_name
from .handler_body import BodyNode
from .names import camel_words, is_class_name


class Receivers:
    """Receiver shapes for one handler's body."""

    def __init__(self, endpoint: Endpoint, source: SourceFile) -> None:
        self.handler = endpoint.handler
        #: The module names are looked up in: the one the current node is written in.
        self.source = source
        packages = {origin.lstrip(".").partition(".")[0] for origin in source.imports.values()}
        #: Pony (imported by the endpoint's module): ``Order.get(...)`` answers None.
        self.uses_pony = PONY_PACKAGE in packages
        #: ``Order.DoesNotExist``; not with Tortoise, where it is a module exception.
        self.model_exceptions = not MODULE_EXCEPTION_PACKAGES & packages
        self._locals_by_function: dict[int, set[str]] = {}

    def is_manager(self, receiver: ast.expr, chain: list[str], call: ast.Call) -> bool:
        """``Order.objects``, ``qs.filter(...)``, ``self.get_queryset()``, ``order.items`` (with ``pk=``)."""
        if MANAGER_MARKERS & set(chain):
            return True
        if len(chain) == 1 and isinstance(receiver, ast.Name):
            return any(MANAGER_MARKERS & set(attribute_chain(value)) for value in self.assigned(receiver.id))
        if (
            len(chain) == 2
            and isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id not in ("self", "cls", "request")
            and receiver.value.id not in self.source.imports
            and not call.args
            and call.keywords
        ):
            return all(_is_lookup_keyword(keyword.arg) for keyword in call.keywords)
        return False

    def is_query(self, receiver: ast.expr, chain: list[str]) -> bool:
        """An SQLAlchemy query/select result: ``session.query(...)``, ``session.execute(...)``..."""
        if QUERY_MARKERS & set(chain):
            return True
        if len(chain) == 1 and isinstance(receiver, ast.Name):
            values = self.assigned(receiver.id)
            return any(QUERY_MARKERS & set(attribute_chain(unawait(value))) for value in values)
        return False

    def is_model_class(self, node: ast.expr) -> bool:
        """A capitalized class name that is not a framework's."""
        if not (isinstance(node, ast.Name) and is_model_name(node)):
            return False
        origin = self.source.imports.get(node.id, "")
        return origin.lstrip(".").partition(".")[0] not in FRAMEWORK_PACKAGES

    def model_declared(self, name: str) -> bool:
        """Declared as a model: a class of this file with a Model/Entity/Document base, or
        imported from a models module."""
        cls = self.source.classes.get(name)
        if cls is not None:
            return any((final_name(base) or "").endswith(MODEL_BASE_SUFFIXES) for base in cls.bases)
        origin = self.source.imports.get(name)
        return origin is not None and bool(MODEL_MODULE_WORDS & set(origin.lstrip(".").split(".")))

    def persistent_container(self, receiver: ast.expr, at: BodyNode) -> bool:
        """Outlives the request: a module-level name, a parameter or an attribute (``self.store``);
        not a local built in the handler (``data = dict(body); del data[k]``)."""
        root = receiver
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if not isinstance(root, ast.Name) or root.id in self.source.imports:
            return False
        return root.id in ("self", "cls") or root.id not in self._locals(at)

    def owned_collection(self, receiver: ast.expr, at: BodyNode) -> bool:
        """A list or set the app owns: ``ITEMS.remove(x)``, ``self.items.remove(x)``; never a
        related manager (``order.tags.remove(tag)`` is an idempotent Django M2M remove)."""
        if isinstance(receiver, ast.Name):
            return self.persistent_container(receiver, at)
        return (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id in ("self", "cls")
        )

    def holds_set(self, receiver: ast.expr) -> bool:
        if not isinstance(receiver, ast.Name):
            return False
        return any(
            isinstance(value, (ast.Set, ast.SetComp))
            or (isinstance(value, ast.Call) and final_name(value.func) == "set")
            for value in self.source.assignments.get(receiver.id, ())
        )

    def path_like(self, node: ast.expr, follow: bool = True) -> bool:
        """A pathlib path: ``Path(...)``, ``base / name``, ``p.with_suffix(...)``, a name like ``upload_path``."""
        if isinstance(node, ast.Call):
            if final_name(node.func) in PATH_CONSTRUCTORS:
                return True
            return isinstance(node.func, ast.Attribute) and node.func.attr in PATH_METHODS
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, ast.Div)
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = (final_name(node) or "").lower()
            if name.endswith(PATH_NAME_SUFFIXES):
                return True
            if follow and isinstance(node, ast.Name) and node.id not in self.source.imports:
                return any(self.path_like(value, follow=False) for value in self.source.assignments.get(node.id, ()))
        return False

    def assigned(self, name: str) -> list[ast.expr]:
        """The values assigned to ``name`` at the module's top level."""
        return self.source.assignments.get(name, [])

    def _locals(self, at: BodyNode) -> set[str]:
        function: FunctionNode = at.via[-1].callee if at.via else self.handler
        names = self._locals_by_function.get(id(function))
        if names is None:
            names = self._locals_by_function[id(function)] = {
                node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            }
        return names


def unawait(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Await):
        node = node.value
    return node


def is_model_name(node: ast.expr) -> bool:
    """``Order``, ``models.Order``: a class name, not a CONSTANT."""
    return is_class_name((final_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None) or "")


def model_in(node: ast.AST) -> str | None:
    """The first class name in a receiver: ``Order`` in ``db.query(Order).filter(...)``."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and is_model_name(inner):
            return inner.id
    return None


def resource_noun(model: str | None) -> str:
    """What is gone, for messages: ``OrderLine`` -> ``order line``; ``resource`` when unknown."""
    if not model:
        return "resource"
    return " ".join(camel_words(model)) or "resource"


def orm_filter_args(call: ast.Call) -> bool:
    """``get(id=x)`` or ``get(Order.id == x)``: ORM filters, not a key (``Settings.get("k")``)."""
    if not call.args and not call.keywords:
        return False
    return all(keyword.arg is not None for keyword in call.keywords) and all(
        isinstance(arg, (ast.Compare, ast.BoolOp, ast.BinOp)) for arg in call.args
    )


def dotted_base(node: ast.expr) -> ast.expr | None:
    """The outermost plain dotted name in a receiver: ``Order.objects`` in ``Order.objects.filter(x)``."""
    node = unawait(node)
    while True:
        if isinstance(node, ast.Name):
            return node
        if isinstance(node, ast.Attribute):
            if _is_dotted(node):
                return node
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            return None


def _is_dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _is_lookup_keyword(name: str | None) -> bool:
    return name is not None and (name in LOOKUP_KEYWORDS or name.endswith("_id") or "__" in name)
