"""Does code read an idempotency key from the request and then use it?

Reading the key is not enough: a handler that logs ``Idempotency-Key`` and creates
the order anyway protects nothing. A key is used when it (or a value built from it)
is passed to a call that is not merely a look (``len``, logging, an error being
raised), put in a mapping, compared with another value, used as a subscript or
stored. The same flow judges a handler, the dependency it declares and the project's
own middleware, decorators and mixins.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from ..knowledge import guards
from ..model.endpoint import Endpoint
from ..model.source import FunctionNode, SourceFile
from ..syntax import attribute_chain, final_name, literal_string
from .bindings import assignments
from .handler_body import BodyNode, walk_handler
from .vocabulary import Vocabulary


class KeyFlow:
    def __init__(self, read: bool = False) -> None:
        self.read = read
        self.used = False
        #: Read and returned from the function analysed (a dependency or a getter).
        self.returned = False


class KeyReader:
    """Where one file reads an idempotency key, and the key flow of each of its functions (worked out once)."""

    def __init__(
        self,
        source: SourceFile,
        vocab: Vocabulary,
        call_depth: int,
        module: dict[str, list[ast.expr]] | None = None,
    ) -> None:
        self.source = source
        self.vocab = vocab
        self.call_depth = call_depth
        #: The file's module-level bindings (a header name kept in a constant).
        self.module = module if module is not None else {}
        self._function_flows: dict[int, KeyFlow] = {}

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

    def function_flow(self, function: FunctionNode, owner: ast.ClassDef | None) -> KeyFlow:
        """The key flow of a same-file function (a method of ``owner``), helpers included."""
        cached = self._function_flows.get(id(function))
        if cached is None:
            self._function_flows[id(function)] = KeyFlow()  # cut recursion
            owner_name = owner.name if owner else None
            pseudo = Endpoint("", None, "", function, owner_name, self.source.filename, tuple(function.body))
            nodes = list(walk_handler(pseudo, self.source, self.call_depth))
            cached = self._function_flows[id(function)] = key_flow(nodes, self)
        return cached


def key_flow(nodes: list[BodyNode], reader: KeyReader, parameters: Iterable[str] = ()) -> KeyFlow:
    """Whether the nodes read an idempotency key (or get it as one of ``parameters``) and then use it."""
    reads: set[int] = set()
    flow = KeyFlow(read=bool(parameters))
    for body_node in nodes:
        if not reader.is_key_read(body_node.node):
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
    tainted = set(parameters)
    for _ in range(2):  # assignments in loops
        for body_node in nodes:
            for target, value in assignments(body_node.node):
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
    return name in guards.LOG_METHODS and guards.LOG_RECEIVER_MARKER in receiver_name.lower()


# -- the key in the handler's parameters --------------------------------------------


def key_parameters(endpoint: Endpoint, reader: KeyReader) -> tuple[list[str], bool]:
    """Handler parameters that carry the key, and whether a dependency already guards it."""
    arguments = endpoint.handler.args
    names: list[str] = []
    guarded = False
    for argument, default in _parameters(arguments):
        if reader.vocab.is_key_name(argument.arg):
            names.append(argument.arg)
        for node in (argument.annotation, default):
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)) if node is not None else ():
                called = final_name(call) or ""
                if called in guards.HEADER_PARAMETER_CALLS and any(
                    keyword.arg in guards.HEADER_PARAMETER_KEYWORDS and reader.key_name(keyword.value)
                    for keyword in call.keywords
                ):
                    names.append(argument.arg)
                if called in guards.DEPENDENCY_CALLS and call.args and isinstance(call.args[0], ast.Name):
                    dependency = reader.source.functions.get(call.args[0].id)
                    if dependency is not None:
                        flow = reader.function_flow(dependency, None)
                        guarded = guarded or flow.used
                        if flow.returned:
                            names.append(argument.arg)
    return names, guarded


def _parameters(arguments: ast.arguments) -> Iterator[tuple[ast.arg, ast.expr | None]]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    yield from zip(positional, defaults)
    yield from zip(arguments.kwonlyargs, arguments.kw_defaults)
