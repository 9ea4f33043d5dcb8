"""Inserts: a call that adds a new record every time it runs, in whatever store.

A PUT names the resource in its URL and replaces it; a retry must find the same
record, not add a second one. Inserts are matched per store from
``knowledge.writes``: ORM creates, a new instance added to a session or saved,
document inserts, query-builder and raw SQL ``INSERT``. Upserts, ``get_or_create``,
``update_or_create`` and ``session.merge`` replace. Not counted either: side
records named as logs (``AuditLog``, ``OrderHistory``, ``PaymentEvent``), meant to
grow, and a create behind an existence check or in an ``except`` (PUT may create
what it names when it is missing).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from typing import NamedTuple

from ..knowledge.frameworks import FRAMEWORK_PACKAGES
from ..knowledge.writes import (
    BULK_CREATE_CONFLICT_KEYWORDS,
    BULK_CREATE_METHODS,
    CREATE_METHODS,
    DJANGO_MANAGER,
    EXISTENCE_CHECKS,
    INSERT_BUILDER,
    INSERT_BUILDER_PACKAGES,
    INSERT_METHODS,
    LOG_ANY_WORD_PREFIX,
    LOG_FIRST_WORDS,
    LOG_LAST_WORDS,
    NEW_INSTANCE_SAVES,
    NON_MODEL_CLASS,
    NON_MODEL_WORDS,
    PRIMARY_KEY_KEYWORDS,
    SDK_PACKAGES,
    SESSION_ADD_METHODS,
    SESSION_RECEIVER,
    UPSERT_METHODS,
)
from ..model.source import SourceFile
from ..syntax import attribute_chain, final_name, literal_string, package_and_name
from .existence import tests_existence
from .handler_body import BodyNode, CallStep
from .names import camel_words, is_class_name
from .origins import Origin, Origins, root_name
from .sql import executed_sql, plain_insert_table


class Insert(NamedTuple):
    #: Where it is reported (in the handler: this node's line).
    node: ast.AST
    #: The model, table or collection that gets the record.
    model: str
    #: How it inserts (``Order.objects.create``, ``insert_one``, ``SQL INSERT``).
    how: str


class Inserts:
    """The inserts of one handler, call by call."""

    def __init__(self, source: SourceFile, origins: Origins) -> None:
        self.source = source
        self.origins = origins

    def of(self, body_node: BodyNode) -> Iterator[Insert]:
        """The records the node adds on every run: not a log record, not a create when missing."""
        if not isinstance(body_node.node, ast.Call):
            return
        for insert in self._inserts(body_node.node, body_node):
            if not is_log_name(insert.model) and not _creates_when_missing(body_node):
                yield insert

    def _inserts(self, call: ast.Call, body_node: BodyNode) -> Iterator[Insert]:
        via = body_node.via
        yield from self._create(call, via)
        yield from self._session_add(call, via)
        yield from self._new_instance_save(call, via)
        yield from self._document_insert(call, body_node)
        yield from self._insert_builder(call, body_node)
        for sql in executed_sql(call, self.source):
            table = plain_insert_table(sql)
            if table is not None:
                yield Insert(call, table, "SQL INSERT")

    def _create(self, call: ast.Call, via: tuple[CallStep, ...]) -> Iterator[Insert]:
        """``Order.objects.create``, ``Order.create`` (Peewee, Tortoise), ``order.lines.create``."""
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in CREATE_METHODS | BULK_CREATE_METHODS:
            return
        if func.attr in BULK_CREATE_METHODS and any(
            keyword.arg in BULK_CREATE_CONFLICT_KEYWORDS
            and not (isinstance(keyword.value, ast.Constant) and not keyword.value.value)
            for keyword in call.keywords
        ):
            return
        chain = attribute_chain(func)
        receiver = func.value
        if len(chain) >= 3 and chain[-2] == DJANGO_MANAGER and is_class_name(chain[-3]):
            yield Insert(call, chain[-3], ".".join(chain[-3:]))
        elif isinstance(receiver, ast.Name) and is_class_name(receiver.id) and not self._from_library(receiver):
            yield Insert(call, receiver.id, f"{receiver.id}.{func.attr}")
        elif isinstance(receiver, ast.Attribute) and receiver.attr != DJANGO_MANAGER and receiver.attr.islower():
            # A related manager or a client model accessor: ``order.lines.create``, ``db.order.create``.
            root = root_name(receiver)
            if isinstance(receiver.value, ast.Name) and receiver.value.id in ("self", "cls"):
                return  # ``self.child.create``: the view's own helper, not a model's related manager
            if (
                root is None
                or self._from_library(root)
                or any(set(camel_words(part)) & NON_MODEL_WORDS for part in chain)
            ):
                return
            if self.origins.of(root, via) is Origin.STATE:
                yield Insert(call, receiver.attr, f"{receiver.attr}.{func.attr}")

    def _from_library(self, name: ast.Name) -> bool:
        """Imported from the standard library, a web framework or a provider SDK: not a project model."""
        origin = self.source.imports.get(name.id)
        if origin is None or origin.startswith("."):
            return False
        package = package_and_name(origin)[0]
        return package in SDK_PACKAGES or package in FRAMEWORK_PACKAGES or package in sys.stdlib_module_names

    def _new_model(self, node: ast.expr, via: tuple[CallStep, ...], *, allow_unknown_keys: bool = True) -> str | None:
        """The class of a new instance: ``Order(...)``, or a name only ever assigned one."""
        if isinstance(node, ast.Name):
            values = self.origins.names(via).values.get(node.id, [])
            models = {self._new_model(value, via, allow_unknown_keys=allow_unknown_keys) for value in values}
            return models.pop() if len(models) == 1 and None not in models else None
        if not isinstance(node, ast.Call):
            return None
        name = final_name(node) or ""
        if not is_class_name(name) or NON_MODEL_CLASS.search(name):
            return None
        if isinstance(node.func, ast.Name) and self._from_library(node.func):
            return None
        if not allow_unknown_keys and any(
            keyword.arg is None or keyword.arg in PRIMARY_KEY_KEYWORDS for keyword in node.keywords
        ):
            return None  # ``Order(pk=pk, ...).save()`` updates the row when it exists
        return name

    def _session_add(self, call: ast.Call, via: tuple[CallStep, ...]) -> Iterator[Insert]:
        """``session.add(Order(...))``, ``db.add_all([Line(...), ...])``."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in SESSION_ADD_METHODS and call.args):
            return
        if not SESSION_RECEIVER.search(_place_name(func.value)):
            return
        argument = call.args[0]
        if isinstance(argument, (ast.List, ast.Tuple)):
            candidates = argument.elts
        elif isinstance(argument, ast.ListComp):
            candidates = [argument.elt]
        else:
            candidates = [argument]
        for candidate in candidates:
            model = self._new_model(candidate, via)
            if model is not None:
                yield Insert(call, model, f"{_place_name(func.value)}.{func.attr}")
                return

    def _new_instance_save(self, call: ast.Call, via: tuple[CallStep, ...]) -> Iterator[Insert]:
        """``Order(...).save()``, ``order = Order(...); order.save()``, ``await Doc(...).insert()``."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in NEW_INSTANCE_SAVES) or call.args:
            return
        if isinstance(func.value, ast.Name) and is_class_name(func.value.id):
            return  # ``Order.create(...)``: a class method, see _create
        model = self._new_model(func.value, via, allow_unknown_keys=False)
        if model is not None:
            yield Insert(call, model, f".{func.attr}() of a new instance")

    def _document_insert(self, call: ast.Call, body_node: BodyNode) -> Iterator[Insert]:
        """``db.orders.insert_one(doc)`` (PyMongo, Motor), ``Order.insert_many(rows)`` (Peewee)."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in INSERT_METHODS and not self._upserts(body_node):
            yield Insert(call, _place_name(func.value), func.attr)

    def _insert_builder(self, call: ast.Call, body_node: BodyNode) -> Iterator[Insert]:
        """SQLAlchemy/SQLModel ``insert(Order)``, Peewee ``Order.insert(...)``; not when made an upsert."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.source.imports:
            package, name = package_and_name(self.source.imports[func.id])
            if package not in INSERT_BUILDER_PACKAGES or name != INSERT_BUILDER or not call.args:
                return
            model = _place_name(call.args[0])
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == INSERT_BUILDER
            and isinstance(func.value, ast.Name)
            and is_class_name(func.value.id)
            and len(call.args) <= 1
        ):
            model = func.value.id
        else:
            return
        if not self._upserts(body_node):
            yield Insert(call, model, "insert()")

    def _upserts(self, body_node: BodyNode) -> bool:
        """The insert is chained into an upsert, directly or through the name it is assigned to:
        ``insert(T).on_conflict_do_update(...)``, ``stmt = insert(T)...; stmt.on_conflict_do_update(...)``."""
        child: ast.AST = body_node.node
        holder: ast.AST | None = None
        for parent in reversed(body_node.ancestors):
            holder = parent
            if isinstance(parent, ast.Attribute) and parent.value is child:
                if parent.attr in UPSERT_METHODS:
                    return True
            elif not (
                (isinstance(parent, ast.Call) and parent.func is child)
                or (isinstance(parent, ast.Await) and parent.value is child)
            ):
                break
            child = parent
        if not isinstance(holder, ast.Assign) or len(holder.targets) != 1:
            return False
        if not isinstance(holder.targets[0], ast.Name):
            return False
        name = holder.targets[0].id
        function = body_node.via[-1].callee if body_node.via else self.origins.endpoint.handler
        return any(
            isinstance(node, ast.Attribute)
            and node.attr in UPSERT_METHODS
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            for node in ast.walk(function)
        )


def is_log_name(name: str) -> bool:
    """A side record meant to grow: ``AuditLog``, ``LogEntry``, ``OrderHistory``, ``events``."""
    parts = camel_words(name)
    if not parts:
        return False
    return (
        parts[0] in LOG_FIRST_WORDS
        or parts[-1] in LOG_LAST_WORDS
        or any(part.startswith(LOG_ANY_WORD_PREFIX) for part in parts)
    )


def _creates_when_missing(body_node: BodyNode) -> bool:
    """PUT may create the resource it names when it is missing: an insert behind an
    existence check (``if obj is None:``, ``if not qs.exists():``, ``else`` of ``if obj:``)
    or in an ``except`` (``DoesNotExist``) is create-or-replace, not a duplicate."""
    chain = (*body_node.ancestors, body_node.node)
    for index, ancestor in enumerate(chain[:-1]):
        if isinstance(ancestor, ast.ExceptHandler):
            return True
        if isinstance(ancestor, ast.If):
            in_else = chain[index + 1] in ancestor.orelse
            if tests_existence(ancestor.test, EXISTENCE_CHECKS, negation=True) or (
                in_else and isinstance(ancestor.test, (ast.Name, ast.Attribute))
            ):
                return True
    return False


def _place_name(node: ast.expr) -> str:
    """``db.orders`` -> ``orders``; ``db["orders"]`` -> ``orders``; ``Order`` -> ``Order``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return literal_string(node.slice) or _place_name(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _place_name(node.func)
    return "?"
