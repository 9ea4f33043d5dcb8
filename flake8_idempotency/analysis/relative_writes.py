"""Writes that change stored state relative to its current value: increments, appends, toggles.

A PUT must replace; sending it twice must leave what sending it once left. This
detector finds, node by node of a handler body, the writes that build on the old
value in whatever store they happen: Python attributes and module state, ORM
expressions, MongoDB update operators, Redis commands, DynamoDB update
expressions, raw SQL, Prisma. Each store's vocabulary is data in
``knowledge.writes``; the detector only matches it. Whether a request-local value
or stored state is written is ``origins``' answer.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ..knowledge.writes import (
    APPEND,
    APPENDING_FUNCTIONS,
    AUGMENTED_OPERATORS,
    COLLECTION_APPENDS,
    COLUMN_ASSIGNING_METHODS,
    COLUMN_COLLECTIONS,
    DECREMENT,
    DYNAMODB_ACTION,
    DYNAMODB_ADD,
    DYNAMODB_ATTRIBUTE_NAMES,
    DYNAMODB_ATTRIBUTE_UPDATES,
    DYNAMODB_CLAUSES,
    DYNAMODB_LIST_APPEND,
    DYNAMODB_SET,
    DYNAMODB_UPDATE_EXPRESSION,
    FIELD_REFERENCES,
    INCREMENT,
    METRICS_RECEIVER,
    MONGO_PIPELINE_OPERATORS,
    MONGO_RELATIVE_OPERATORS,
    MONGOENGINE_RELATIVE_PREFIXES,
    MONGOENGINE_UPDATE_METHODS,
    OPERATOR_SYMBOLS,
    PRISMA_DATA_KEYWORD,
    PRISMA_RELATIVE_OPERATIONS,
    PRISMA_UPDATE_METHODS,
    REDIS_APPEND,
    REDIS_RECEIVER,
    REDIS_RELATIVE_COMMANDS,
    RELATIVE,
    TOGGLE,
    VALUE_CONVERSIONS,
)
from ..model.finding import shorten
from ..model.source import SourceFile
from ..syntax import final_name, literal_string, source_text
from .handler_body import BodyNode, CallStep
from .origins import Origin, Origins
from .sql import executed_sql, relative_assignments, split_top_level, sql_texts


class RelativeWrite(NamedTuple):
    #: Where it is reported (in the handler: this node's line).
    node: ast.AST
    #: What kind of change (``knowledge.writes.INCREMENT`` ...).
    kind: str
    #: The written field or key, as the message names it.
    field: str
    #: How it is written (``+=``, ``$inc``, ``Redis incr``).
    how: str


class RelativeWrites:
    """The relative writes of one handler, node by node."""

    def __init__(self, source: SourceFile, origins: Origins, extra_calls: tuple[str, ...] = ()) -> None:
        self.source = source
        self.origins = origins
        #: Project calls configured as relative writes (``--idm-relative-write-calls``).
        self.extra_calls = extra_calls
        self._module_globals = {
            target.id
            for statement in source.tree.body
            if isinstance(statement, (ast.Assign, ast.AnnAssign))
            for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
            if isinstance(target, ast.Name)
        }

    def of(self, body_node: BodyNode) -> Iterator[RelativeWrite]:
        node, via = body_node.node, body_node.via
        if isinstance(node, ast.AugAssign):
            yield from self._augmented(node, via)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            yield from self._reassigned(node, node.targets[0], via)
        elif isinstance(node, ast.Dict):
            yield from self._mongo_update(node)
            yield from self._dynamodb_update(_string_dict(node))
        elif isinstance(node, ast.Call):
            yield from self._orm_update(node)
            yield from self._mongoengine_update(node)
            yield from self._redis_command(node)
            yield from self._dynamodb_update({k.arg: k.value for k in node.keywords if k.arg})
            yield from self._raw_sql(node)
            yield from self._prisma_update(node, via)
            yield from self._collection_append(node, body_node)
            yield from self._configured_call(node)

    # --- Python state ------------------------------------------------------------

    def _outlives_request(self, target: ast.expr, via: tuple[CallStep, ...]) -> bool:
        """Attribute/subscript of stored state, or a name declared ``global``."""
        if isinstance(target, ast.Name):
            return target.id in self.origins.names(via).declared_global
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            if self.origins.reads_request_input(target):
                return False
            if self._reassigned_from_request(target, via):
                return False
            return self.origins.of(target.value, via) is Origin.STATE
        return False

    def _reassigned_from_request(self, target: ast.expr, via: tuple[CallStep, ...]) -> bool:
        """``x.tags = request_tags`` in the function: the place holds the request's value now."""
        text = source_text(target)
        return any(
            not _mentions(value, text) and self.origins.of(value, via) is not Origin.STATE
            for value in self.origins.names(via).places.get(text, ())
        )

    def _augmented(self, node: ast.AugAssign, via: tuple[CallStep, ...]) -> Iterator[RelativeWrite]:
        operator = type(node.op).__name__
        if operator not in AUGMENTED_OPERATORS or not self._outlives_request(node.target, via):
            return
        how = OPERATOR_SYMBOLS[operator] + "="
        yield RelativeWrite(node, _binop_kind(node.op, node.value), _name_of(node.target), how)

    def _reassigned(self, node: ast.Assign, target: ast.expr, via: tuple[CallStep, ...]) -> Iterator[RelativeWrite]:
        if isinstance(target, ast.Attribute):
            expression = self._expression_write(node.value, target.attr)
            if expression is not None:
                yield expression._replace(node=node)
                return
        if not isinstance(target, (ast.Attribute, ast.Subscript, ast.Name)):
            return
        write = _self_relative(node, target)
        if write is not None and self._outlives_request(target, via):
            yield write

    # --- ORM expressions -----------------------------------------------------------

    def _orm_update(self, call: ast.Call) -> Iterator[RelativeWrite]:
        """``.update(credits=F("credits") + 1)``, ``.values({User.credits: User.credits + 1})``."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in COLUMN_ASSIGNING_METHODS):
            return
        pairs = [(keyword.arg, keyword.value) for keyword in call.keywords if keyword.arg]
        for argument in call.args[:1]:
            if isinstance(argument, ast.Dict):
                for key, value in zip(argument.keys, argument.values):
                    field = literal_string(key) if key is not None else None
                    if field is None and isinstance(key, ast.Attribute):
                        field = key.attr
                    if field is not None:
                        pairs.append((field, value))
        for field, value in pairs:
            write = self._expression_write(value, field)
            if write is not None:
                yield write

    def _expression_write(self, value: ast.expr, field: str) -> RelativeWrite | None:
        """A database expression computed from the field itself: ``F("x") + 1``, ``Model.x + 1``."""
        for node in ast.walk(value):
            if isinstance(node, ast.BinOp):
                for own, other in ((node.left, node.right), (node.right, node.left)):
                    reference = self._field_reference(own, field)
                    if reference is not None:
                        symbol = OPERATOR_SYMBOLS.get(type(node.op).__name__, "?")
                        return RelativeWrite(node, _binop_kind(node.op, other), field, f"{reference} {symbol} ...")
            elif isinstance(node, ast.Call) and final_name(node) in APPENDING_FUNCTIONS:
                reference = self._field_reference(node, field)
                if reference is not None:
                    return RelativeWrite(node, APPEND, field, f"{final_name(node)}({reference}, ...)")
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
                reference = self._field_reference(node.operand, field)
                if reference is not None:
                    return RelativeWrite(node, TOGGLE, field, f"~{reference}")
        return None

    def _field_reference(self, node: ast.expr, field: str) -> str | None:
        """How ``node`` refers to the stored ``field``, if it does (``F("x")``, ``User.x``)."""
        for part in ast.walk(node):
            if isinstance(part, ast.Call) and final_name(part) in FIELD_REFERENCES and part.args:
                name = literal_string(part.args[0])
                if name is not None and name.rpartition("__")[2] == field:
                    return f'F("{name}")'
            elif isinstance(part, ast.Attribute) and part.attr == field:
                owner = part.value
                if isinstance(owner, ast.Name) and owner.id[:1].isupper():
                    return f"{owner.id}.{field}"
                if isinstance(owner, ast.Attribute) and owner.attr in COLUMN_COLLECTIONS:
                    return f"{source_text(owner)}.{field}"
        return None

    # --- document and key-value stores --------------------------------------------------

    def _mongo_update(self, node: ast.Dict) -> Iterator[RelativeWrite]:
        """``{"$inc": {"credits": 5}}``; ``{"$set": {"n": {"$add": ["$n", 1]}}}`` in a pipeline."""
        for operator, fields in _string_dict(node).items():
            kind = MONGO_RELATIVE_OPERATORS.get(operator)
            if kind is not None:
                names = _string_dict(fields) or {"fields": fields}
                for field, amount in names.items():
                    negative = isinstance(amount, ast.UnaryOp) and isinstance(amount.op, ast.USub)
                    yield RelativeWrite(node, DECREMENT if negative and kind == INCREMENT else kind, field, operator)
            elif operator.startswith("$"):
                for field, expression in _string_dict(fields).items():
                    for pipeline_operator, operands in _string_dict(expression).items():
                        kind = MONGO_PIPELINE_OPERATORS.get(pipeline_operator)
                        references = [literal_string(element) for element in getattr(operands, "elts", ())]
                        if kind is not None and f"${field}" in references:
                            yield RelativeWrite(node, kind, field, pipeline_operator)

    def _mongoengine_update(self, call: ast.Call) -> Iterator[RelativeWrite]:
        """``Doc.objects(id=i).update_one(inc__credits=5)``."""
        if final_name(call) not in MONGOENGINE_UPDATE_METHODS:
            return
        for keyword in call.keywords:
            prefix, separator, field = (keyword.arg or "").partition("__")
            if separator and prefix in MONGOENGINE_RELATIVE_PREFIXES:
                yield RelativeWrite(call, MONGOENGINE_RELATIVE_PREFIXES[prefix], field, f"{prefix}__")

    def _redis_command(self, call: ast.Call) -> Iterator[RelativeWrite]:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return
        receiver = _name_of(func.value)
        if METRICS_RECEIVER.search(receiver):
            return
        if func.attr in REDIS_RELATIVE_COMMANDS:
            kind = REDIS_RELATIVE_COMMANDS[func.attr]
        elif func.attr == REDIS_APPEND and len(call.args) == 2 and REDIS_RECEIVER.search(receiver):
            kind = APPEND
        else:
            return
        key = literal_string(call.args[0]) if call.args else None
        yield RelativeWrite(call, kind, key or "a key", f"Redis {func.attr}")

    def _dynamodb_update(self, arguments: dict[str, ast.expr]) -> Iterator[RelativeWrite]:
        """``UpdateExpression="ADD #c :n"`` / ``"SET #c = #c + :n"`` / ``list_append``; legacy
        ``AttributeUpdates={"c": {"Action": "ADD", ...}}``. Keywords of a call or keys of a dict."""
        expression = arguments.get(DYNAMODB_UPDATE_EXPRESSION)
        if expression is not None:
            placeholders = _string_dict(arguments.get(DYNAMODB_ATTRIBUTE_NAMES))
            names = {key: literal_string(value) or key for key, value in placeholders.items()}
            for text in sql_texts(expression, self.source):
                for path, kind, how in _dynamodb_relative_paths(text):
                    yield RelativeWrite(expression, kind, names.get(path, path), how)
        for field, update in _string_dict(arguments.get(DYNAMODB_ATTRIBUTE_UPDATES)).items():
            action = literal_string(_string_dict(update).get(DYNAMODB_ACTION))
            if action is not None and action.upper() == DYNAMODB_ADD:
                yield RelativeWrite(update, INCREMENT, field, f"{DYNAMODB_ACTION} {DYNAMODB_ADD}")

    def _prisma_update(self, call: ast.Call, via: tuple[CallStep, ...]) -> Iterator[RelativeWrite]:
        """``await db.user.update(where=..., data={"credits": {"increment": 5}})``."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in PRISMA_UPDATE_METHODS):
            return
        data = next((k.value for k in call.keywords if k.arg == PRISMA_DATA_KEYWORD), None)
        candidates: Sequence[ast.expr | None] = [data]
        if isinstance(data, ast.Name):
            candidates = self.origins.names(via).values.get(data.id, [])
        for candidate in candidates:
            for field, value in _string_dict(candidate).items():
                operations = _string_dict(value)
                if len(operations) == 1:
                    operation = next(iter(operations))
                    if operation in PRISMA_RELATIVE_OPERATIONS:
                        at = value if candidate is data else call
                        kind = PRISMA_RELATIVE_OPERATIONS[operation]
                        yield RelativeWrite(at, kind, field, f'Prisma "{operation}"')

    # --- raw SQL -----------------------------------------------------------------

    def _raw_sql(self, call: ast.Call) -> Iterator[RelativeWrite]:
        for sql in executed_sql(call, self.source):
            for column, kind in relative_assignments(sql):
                yield RelativeWrite(call, kind, column, "SQL SET")

    # --- collections and project calls ---------------------------------------------

    def _collection_append(self, call: ast.Call, body_node: BodyNode) -> Iterator[RelativeWrite]:
        """``order.items.append(x)`` on a loaded object; never on a list built in the handler."""
        func = call.func
        if not isinstance(func, ast.Attribute) or COLLECTION_APPENDS.get(func.attr) != len(call.args):
            return
        if call.keywords or not self._is_stored_collection(func.value, body_node.via):
            return
        guard = _membership_guard(func.value, body_node)
        if guard is None:
            yield RelativeWrite(call, APPEND, _name_of(func.value), f".{func.attr}()")
        elif guard == TOGGLE:
            yield RelativeWrite(call, TOGGLE, _name_of(func.value), f"remove if present, else .{func.attr}()")

    def _is_stored_collection(self, receiver: ast.expr, via: tuple[CallStep, ...]) -> bool:
        if isinstance(receiver, (ast.Attribute, ast.Subscript)):
            return self._outlives_request(receiver, via)
        if not isinstance(receiver, ast.Name):
            return False
        names = self.origins.names(via)
        if receiver.id in names.parameters:
            return False  # a list passed in: not sure it is stored
        if receiver.id not in names.values:
            return receiver.id in names.declared_global or receiver.id in self._module_globals
        # An alias of a stored collection: ``items = order.items``.
        return all(
            isinstance(value, (ast.Attribute, ast.Subscript)) and self._outlives_request(value, via)
            for value in names.values[receiver.id]
        )

    def _configured_call(self, call: ast.Call) -> Iterator[RelativeWrite]:
        name = final_name(call)
        if name in self.extra_calls:
            yield RelativeWrite(call, RELATIVE, "state", f"{name}()")


def _name_of(node: ast.expr) -> str:
    """How a message names a written place: ``user.credits`` -> ``credits``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = literal_string(node.slice)
        return key if key is not None else _name_of(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    return source_text(node)


def _binop_kind(operator: ast.operator, other: ast.expr | None = None) -> str:
    kind = AUGMENTED_OPERATORS.get(type(operator).__name__, RELATIVE)
    if kind == INCREMENT and isinstance(other, (ast.List, ast.Tuple, ast.ListComp, ast.JoinedStr, ast.Constant)):
        if not isinstance(other, ast.Constant) or isinstance(other.value, str):
            return APPEND
    return kind


def _string_dict(node: ast.expr | None) -> dict[str, ast.expr]:
    """A dict literal's string-keyed entries."""
    if not isinstance(node, ast.Dict):
        return {}
    entries = {}
    for key, value in zip(node.keys, node.values):
        text = literal_string(key) if key is not None else None
        if text is not None:
            entries[text] = value
    return entries


def _self_relative(node: ast.Assign, target: ast.expr) -> RelativeWrite | None:
    """``x.n = x.n + 1``, ``x.tags = x.tags + [t]``, ``x.flag = not x.flag``: built on its own value."""
    value = node.value
    if not any(isinstance(part, (ast.BinOp, ast.UnaryOp)) for part in ast.walk(value)):
        return None
    text = source_text(target)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.Not, ast.Invert)):
        if source_text(value.operand) == text:
            return RelativeWrite(node, TOGGLE, _name_of(target), f"= not {shorten(text)}")
        return None
    for binop in (n for n in ast.walk(value) if isinstance(n, ast.BinOp)):
        for own, other in ((binop.left, binop.right), (binop.right, binop.left)):
            if _is_own_value(own, text):
                symbol = OPERATOR_SYMBOLS.get(type(binop.op).__name__, "?")
                how = f"= {_name_of(target)} {symbol} ..."
                return RelativeWrite(node, _binop_kind(binop.op, other), _name_of(target), how)
    return None


def _membership_guard(receiver: ast.expr, body_node: BodyNode) -> str | None:
    """An append that runs only when the item is absent: ``if x not in obj.tags: obj.tags.append(x)``
    adds once (``"absent"``, idempotent); with a removal in the other branch it is a ``TOGGLE``."""
    text = source_text(receiver)
    chain = (*body_node.ancestors, body_node.node)
    for index, ancestor in enumerate(chain[:-1]):
        if not (isinstance(ancestor, ast.If) and isinstance(ancestor.test, ast.Compare)):
            continue
        test = ancestor.test
        if len(test.ops) != 1 or source_text(test.comparators[0]) != text:
            continue
        in_else = chain[index + 1] in ancestor.orelse
        if isinstance(test.ops[0], ast.NotIn) != in_else:
            other_branch = ancestor.body if in_else else ancestor.orelse
            return TOGGLE if other_branch else "absent"
    return None


def _is_own_value(node: ast.expr, text: str) -> bool:
    """``x.n`` itself, or lightly wrapped: ``(x.n or 0)``, ``int(x.n)``, ``x.n if x.n else 0``."""
    if isinstance(node, (ast.Attribute, ast.Subscript, ast.Name)):
        return source_text(node) == text
    if isinstance(node, ast.BoolOp):
        return any(_is_own_value(part, text) for part in node.values)
    if isinstance(node, ast.IfExp):
        return _is_own_value(node.body, text) or _is_own_value(node.orelse, text)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in VALUE_CONVERSIONS:
        return bool(node.args) and _is_own_value(node.args[0], text)
    return False


def _mentions(node: ast.expr, text: str) -> bool:
    return any(source_text(part) == text for part in ast.walk(node) if isinstance(part, (ast.Attribute, ast.Subscript)))


def _dynamodb_relative_paths(expression: str) -> Iterator[tuple[str, str, str]]:
    """``(path, kind, how)`` for the clauses of an update expression that build on the old value."""
    pieces = DYNAMODB_CLAUSES.split(expression)
    for clause, body in zip(pieces[1::2], pieces[2::2]):
        clause = clause.upper()
        for action in (part.strip() for part in split_top_level(body) if part.strip()):
            if clause == DYNAMODB_ADD:
                yield action.split()[0], INCREMENT, DYNAMODB_ADD
            elif clause == DYNAMODB_SET and "=" in action:
                path, _, value = (side.strip() for side in action.partition("="))
                if DYNAMODB_LIST_APPEND in value:
                    yield path, APPEND, DYNAMODB_LIST_APPEND
                elif re.search(rf"(?<![\w#:]){re.escape(path)}(?![\w])", value) and re.search(r"[-+]", value):
                    yield path, DECREMENT if "-" in value else INCREMENT, f"{DYNAMODB_SET} {path} = {path} ..."
