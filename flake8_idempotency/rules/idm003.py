"""IDM003: a DELETE handler raises when the resource is already gone.

A retried DELETE must answer 204 or 404. A lookup or removal that raises on a
missing resource (``Order.objects.get``, ``.one()``, ``del store[key]``,
``os.remove``...) turns the retry into a 500, unless a ``try`` catches the error,
an existence check guards it, or an exception handler of the app maps the error
to 404/410/204. A None-returning lookup is fine until its result is deleted or
dereferenced unchecked; an explicit raise on the not-found branch must be a
404/410, not a 500.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from ..analysis import error_paths
from ..analysis.handler_body import BodyNode
from ..analysis.names import camel_words
from ..knowledge import lookups as known
from ..knowledge.frameworks import FRAMEWORK_PACKAGES
from ..lazy_pattern import LazyPattern
from ..model.endpoint import Endpoint
from ..model.finding import Finding, fit_message
from ..model.project import FactCollector
from ..model.source import FunctionNode
from ..syntax import attribute_chain, final_name, literal_string, source_text
from .base import DELETE_CHECK, RuleContext

CODE = "IDM003"
CHECK = DELETE_CHECK
SUMMARY = "answers 500 when the resource is already gone"
#: How often a report is a real problem (SARIF ``precision``: very-high, high, medium, low).
PRECISION = "high"

#: Each message has a long form and a short one, used when the long one would pass
#: the 200-character limit (long paths or helper chains); the last resort drops ``where``.
RAISING_MESSAGES = (
    "IDM003 {endpoint} raises {exception} when the {noun} is already gone{where}; "
    "a retried DELETE answers 500. Use {alternative} or catch {caught} and return 404/204.",
    "IDM003 {endpoint} raises {exception} if the {noun} is gone{where}: a retry answers 500. "
    "Use {alternative} or catch {caught}.",
)
UNCHECKED_MESSAGES = (
    "IDM003 {endpoint} uses the {lookup}() result unchecked{where}: {exception} when the {noun} "
    "is gone, so a retried DELETE answers 500. Return 404/204 when it is None.",
    "IDM003 {endpoint} uses {lookup}() unchecked{where}: {exception} if the {noun} is gone, "
    "a retry answers 500. Check for None.",
)
NOT_FOUND_BRANCH_MESSAGES = (
    "IDM003 {endpoint} {action} when the {noun} is already gone{where}; "
    "a retried DELETE answers 500. Raise a 404/410 error or return 204 there instead.",
    "IDM003 {endpoint} {action} if the {noun} is gone{where}: a retry answers 500. Answer 404 or 204.",
)

_MODEL_MODULE_WORDS = frozenset({"models", "model", "entities", "documents", "schema", "tables"})


class _Raising(NamedTuple):
    """A raising lookup or removal found in the body."""

    raiser: known.Raiser
    #: How the message names the exception (``Order.DoesNotExist``).
    label: str
    noun: str
    #: Source texts whose existence check guards it.
    subjects: frozenset[str] = frozenset()


class _Tracked(NamedTuple):
    """A local name holding a None-returning lookup's result."""

    lookup: known.NoneLookup
    noun: str


#: Exceptions an app-level handler answers with 404/410/204, anywhere in the project;
#: and the same from DRF's EXCEPTION_HANDLER setting, which only covers DRF views.
NOT_FOUND_FACT = "not_found_exceptions"
DRF_NOT_FOUND_FACT = "drf_not_found_exceptions"


def facts(config) -> tuple[FactCollector, ...]:
    return (
        FactCollector(
            NOT_FOUND_FACT,
            LazyPattern(r"errorhandler|exception_handler|register_error_handler|exception_handlers"),
            lambda source, _modules: error_paths.exceptions_mapped_to_not_found(source),
        ),
        FactCollector(
            DRF_NOT_FOUND_FACT, LazyPattern(r"EXCEPTION_HANDLER"), error_paths.drf_exception_handler_exceptions
        ),
    )


def applies(endpoint: Endpoint, context: RuleContext) -> bool:
    return endpoint.method == "DELETE"


def check(endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
    yield from _DeleteHandler(endpoint, context).findings()


class _DeleteHandler:
    """One DELETE endpoint's body, scanned once in source order."""

    def __init__(self, endpoint: Endpoint, context: RuleContext) -> None:
        self.endpoint = endpoint
        self.context = context
        self.source = context.source
        self.safe_helpers = known.SAFE_NOT_FOUND_HELPERS | set(context.config.safe_lookups)
        #: Other DELETE handlers of the file report their own findings.
        self.other_delete_handlers = {
            id(other.handler)
            for other in context.endpoints
            if other.method == "DELETE" and other.handler is not endpoint.handler
        }
        packages = {origin.lstrip(".").partition(".")[0] for origin in self.source.imports.values()}
        self.uses_pony = "pony" in packages
        #: Tortoise's DoesNotExist is a module exception, not a model attribute.
        self.model_exceptions = "tortoise" not in packages
        self.tracked: dict[tuple, _Tracked] = {}
        self.responses: set[tuple] = set()  # DynamoDB get_item responses held in a name
        self.locals_by_function: dict[int, set[str]] = {}
        self._mapped: frozenset[str] | None = None
        self.reported: set[tuple[int, int]] = set()

    # --- driver -------------------------------------------------------------

    def findings(self) -> Iterator[Finding]:
        nodes = [at for at in self.context.body(self.endpoint) if self._runs(at)]
        removed_from = {text for at in nodes for text in self._removal_containers(at.node)}
        for at in nodes:
            self.source = at.source or self.context.source  # names resolve in the node's own module
            self._track(at)
            for finding in (
                self._raising_finding(at),
                self._unchecked_finding(at),
                *self._not_found_branch_findings(at, removed_from),
            ):
                if finding is not None and (finding.line, finding.col) not in self.reported:
                    self.reported.add((finding.line, finding.col))
                    yield finding

    def _runs(self, at: BodyNode) -> bool:
        for step in at.via:
            if step.name in self.safe_helpers or id(step.callee) in self.other_delete_handlers:
                return False
        return not error_paths.under_type_checking(at)

    @property
    def mapped(self) -> frozenset[str]:
        """Exceptions the app's exception handlers answer with 404/410/204, in this file or
        anywhere in the project (computed on first need)."""
        if self._mapped is None:
            index = self.context.index
            here = self.endpoint.filename
            elsewhere = index.fact(NOT_FOUND_FACT, here) if index else frozenset()
            if index and self.endpoint.framework == "drf":
                elsewhere |= index.fact(DRF_NOT_FOUND_FACT, here)
            self._mapped = error_paths.exceptions_mapped_to_not_found(self.source) | elsewhere
        return self._mapped

    def _handled(self, at: BodyNode, exception: str, subjects: frozenset[str] = frozenset()) -> bool:
        catchers = _catchers(exception)
        return (
            bool(catchers & self.mapped)
            or error_paths.caught_by_try(at, catchers)
            or error_paths.presence_checked(at, subjects, self.endpoint.body)
        )

    # --- raising lookups and removals ---------------------------------------

    def _raising_finding(self, at: BodyNode) -> Finding | None:
        raising = self._raising(at)
        if raising is None or self._handled(at, raising.raiser.exception, raising.subjects):
            return None
        message = _fit(
            RAISING_MESSAGES,
            endpoint=self.endpoint.label,
            exception=raising.label,
            noun=raising.noun,
            where=at.where(),
            alternative=raising.raiser.alternative,
            caught=raising.raiser.exception,
        )
        return self.context.finding(CODE, at, message)

    def _raising(self, at: BodyNode) -> _Raising | None:
        node = at.node
        if isinstance(node, ast.Call):
            return self._raising_call(node, at)
        if isinstance(node, ast.Delete):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and not _is_constant(target.slice)
                    and self._persistent_container(target.value, at)
                ):
                    return _Raising(known.DEL_SUBSCRIPT, "KeyError", "entry", _texts(target.value))
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and not _in_annotation(at):
            return self._raising_subscript(node, at)
        return None

    def _raising_call(self, call: ast.Call, at: BodyNode) -> _Raising | None:
        dotted = self.source.dotted_name(call.func) or ""
        if dotted in known.FILE_REMOVAL_FUNCTIONS:
            raiser = known.FILE_REMOVAL_FUNCTIONS[dotted]
            return _Raising(raiser, raiser.exception, raiser.noun, _texts(_path_argument(call)))
        if dotted in known.RMTREE_FUNCTIONS:
            if _rmtree_ignores_errors(call):
                return None
            return _Raising(known.RMTREE, known.RMTREE.exception, known.RMTREE.noun, _texts(_path_argument(call)))
        if not isinstance(call.func, ast.Attribute):
            return None
        method, receiver = call.func.attr, call.func.value
        chain = attribute_chain(receiver)
        if method in known.MANAGER_GET_METHODS and self._is_manager(receiver, chain, call):
            model = _model_root(chain)
            label = f"{model}.DoesNotExist" if model else "DoesNotExist"
            return _Raising(known.DJANGO_GET, label, _noun(model), _texts(_dotted_base(receiver)))
        class_get = method == "get" and not self.uses_pony and _orm_filter_args(call)
        if self._is_model_class(receiver) and (method in known.MODEL_GET_BY_ID_METHODS or class_get):
            model = receiver.id  # type: ignore[attr-defined]
            label = f"{model}.DoesNotExist" if self.model_exceptions else "DoesNotExist"
            return _Raising(known.MODEL_CLASS_GET, label, _noun(model), frozenset({model}))
        if method in known.SQLALCHEMY_ONE_METHODS and not call.args and not call.keywords:
            if method == "scalar_one" or self._is_query(receiver, chain):
                model = _model_in(receiver)
                return _Raising(known.SQLALCHEMY_ONE, "NoResultFound", _noun(model), _texts(_dotted_base(receiver)))
        if method in known.SQLALCHEMY_GET_ONE_METHODS and call.args and _is_model_name(call.args[0]):
            model = final_name(call.args[0])
            return _Raising(known.SQLALCHEMY_ONE, "NoResultFound", _noun(model), _texts(_dotted_base(receiver)))
        if method in known.PRISMA_OR_RAISE_METHODS:
            noun = chain[-1] if chain and chain[-1].isidentifier() else None
            return _Raising(known.PRISMA_OR_RAISE, "RecordNotFoundError", _noun(noun), _texts(_dotted_base(receiver)))
        return self._raising_removal(call, method, receiver, at)

    def _raising_removal(self, call: ast.Call, method: str, receiver: ast.expr, at: BodyNode) -> _Raising | None:
        single = len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred)
        if method == "pop" and single and not _is_constant(call.args[0]) and self._persistent_container(receiver, at):
            return _Raising(known.POP_WITHOUT_DEFAULT, "KeyError", "entry", _texts(receiver))
        if method == "remove" and single and self._owned_collection(receiver, at):
            raiser = known.SET_REMOVE if self._holds_set(receiver) else known.LIST_REMOVE
            return _Raising(raiser, raiser.exception, raiser.noun, _texts(receiver))
        if method in ("unlink", "rmdir") and self._path_like(receiver):
            if method == "unlink":
                missing_ok = next((kw.value for kw in call.keywords if kw.arg == "missing_ok"), None)
                if missing_ok is not None and not (isinstance(missing_ok, ast.Constant) and not missing_ok.value):
                    return None
                raiser = known.PATH_UNLINK
            else:
                raiser = known.PATH_RMDIR
            return _Raising(raiser, raiser.exception, raiser.noun, _texts(receiver))
        if method == "delete_item" and _conditioned_on_existence(call):
            raiser = known.DYNAMODB_CONDITIONAL_DELETE
            return _Raising(raiser, raiser.exception, raiser.noun)
        return None

    def _raising_subscript(self, node: ast.Subscript, at: BodyNode) -> _Raising | None:
        if literal_string(node.slice) == known.DYNAMODB_ITEM_KEY:
            value = _unawait(node.value)
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get_item":
                return _Raising(known.DYNAMODB_GET_ITEM, "KeyError", "item")
            if isinstance(value, ast.Name) and (_scope(at), value.id) in self.responses:
                return _Raising(known.DYNAMODB_GET_ITEM, "KeyError", "item", frozenset({value.id}))
            return None
        value = node.value
        if isinstance(value, ast.Name) and self._is_model_class(value) and self._model_declared(value.id):
            if self.uses_pony:
                return _Raising(known.PONY_SUBSCRIPT, "ObjectNotFound", _noun(value.id), frozenset({value.id}))
            return _Raising(known.MODEL_SUBSCRIPT, f"{value.id}.DoesNotExist", _noun(value.id), frozenset({value.id}))
        return None

    # --- receiver shapes ----------------------------------------------------

    def _is_manager(self, receiver: ast.expr, chain: list[str], call: ast.Call) -> bool:
        """``Order.objects``, ``qs.filter(...)``, ``self.get_queryset()``, ``order.items`` (with ``pk=``)."""
        if known.MANAGER_MARKERS & set(chain):
            return True
        if len(chain) == 1 and isinstance(receiver, ast.Name):
            return any(known.MANAGER_MARKERS & set(attribute_chain(value)) for value in self._assigned(receiver.id))
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

    def _is_query(self, receiver: ast.expr, chain: list[str]) -> bool:
        """An SQLAlchemy query/select result: ``session.query(...)``, ``session.execute(...)``..."""
        if known.QUERY_MARKERS & set(chain):
            return True
        if len(chain) == 1 and isinstance(receiver, ast.Name):
            values = self._assigned(receiver.id)
            return any(known.QUERY_MARKERS & set(attribute_chain(_unawait(value))) for value in values)
        return False

    def _is_model_class(self, node: ast.expr) -> bool:
        """A capitalized class name that is not a framework's."""
        if not (isinstance(node, ast.Name) and _is_model_name(node)):
            return False
        origin = self.source.imports.get(node.id, "")
        return origin.lstrip(".").partition(".")[0] not in FRAMEWORK_PACKAGES

    def _model_declared(self, name: str) -> bool:
        """Declared as a model: a class of this file with a Model/Entity/Document base, or
        imported from a models module."""
        cls = self.source.classes.get(name)
        if cls is not None:
            return any((final_name(base) or "").endswith(known.MODEL_BASE_SUFFIXES) for base in cls.bases)
        origin = self.source.imports.get(name)
        return origin is not None and bool(_MODEL_MODULE_WORDS & set(origin.lstrip(".").split(".")))

    def _persistent_container(self, receiver: ast.expr, at: BodyNode) -> bool:
        """Outlives the request: a module-level name, a parameter or an attribute (``self.store``);
        not a local built in the handler (``data = dict(body); del data[k]``)."""
        root = receiver
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if not isinstance(root, ast.Name) or root.id in self.source.imports:
            return False
        return root.id in ("self", "cls") or root.id not in self._locals(at)

    def _owned_collection(self, receiver: ast.expr, at: BodyNode) -> bool:
        """A list or set the app owns: ``ITEMS.remove(x)``, ``self.items.remove(x)``; never a
        related manager (``order.tags.remove(tag)`` is an idempotent Django M2M remove)."""
        if isinstance(receiver, ast.Name):
            return self._persistent_container(receiver, at)
        return (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id in ("self", "cls")
        )

    def _holds_set(self, receiver: ast.expr) -> bool:
        if not isinstance(receiver, ast.Name):
            return False
        return any(
            isinstance(value, (ast.Set, ast.SetComp))
            or (isinstance(value, ast.Call) and final_name(value.func) == "set")
            for value in self.source.assignments.get(receiver.id, ())
        )

    def _path_like(self, node: ast.expr, follow: bool = True) -> bool:
        """A pathlib path: ``Path(...)``, ``base / name``, ``p.with_suffix(...)``, a name like ``upload_path``."""
        if isinstance(node, ast.Call):
            if final_name(node.func) in known.PATH_CONSTRUCTORS:
                return True
            return isinstance(node.func, ast.Attribute) and node.func.attr in known.PATH_METHODS
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, ast.Div)
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = (final_name(node) or "").lower()
            if name.endswith(known.PATH_NAME_SUFFIXES):
                return True
            if follow and isinstance(node, ast.Name) and node.id not in self.source.imports:
                return any(self._path_like(value, follow=False) for value in self.source.assignments.get(node.id, ()))
        return False

    def _assigned(self, name: str) -> list[ast.expr]:
        return self.source.assignments.get(name, [])

    def _locals(self, at: BodyNode) -> set[str]:
        function: FunctionNode = at.via[-1].callee if at.via else self.endpoint.handler
        names = self.locals_by_function.get(id(function))
        if names is None:
            names = self.locals_by_function[id(function)] = {
                node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            }
        return names

    def _removal_containers(self, node: ast.AST) -> Iterator[str]:
        """Containers this body removes from (their ``key not in`` test is a not-found branch)."""
        if isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    yield source_text(target.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("pop", "remove"):
                yield source_text(node.func.value)

    # --- None-returning lookups ---------------------------------------------

    def _none_lookup(self, node: ast.expr | None) -> known.NoneLookup | None:
        """``session.get(Order, id)``, ``qs.first()``, ``coll.find_one(...)``, ``Model.get_or_none(...)``..."""
        call = _unawait(node) if node is not None else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        method, receiver = call.func.attr, call.func.value
        lookup = known.NONE_LOOKUPS.get(method)
        if lookup is None or method in self.safe_helpers:
            return None
        if method in known.SPECIFIC_NONE_LOOKUPS:
            return lookup
        chain = attribute_chain(receiver)
        if method in ("first", "scalar") and not call.args and not call.keywords:
            return lookup if self._is_query(receiver, chain) else None
        if method == "scalar" and len(call.args) == 1:  # session.scalar(select(...))
            return lookup if "session" in (chain[-1] if chain else "").lower() or chain[-1:] == ["db"] else None
        if method == "get":
            if len(call.args) >= 2 and _is_model_name(call.args[0]):  # session.get(Order, id)
                return lookup
            if chain and chain[-1] in ("query", "query()") and len(call.args) == 1:  # Order.query.get(id)
                return lookup
            if self.uses_pony and self._is_model_class(receiver) and _orm_filter_args(call):  # Pony Order.get(id=x)
                return lookup
        return None

    def _lookup_noun(self, node: ast.expr) -> str:
        call = _unawait(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            if call.args and _is_model_name(call.args[0]):
                return _noun(final_name(call.args[0]))
            model = _model_in(call.func.value)
            if model:
                return _noun(model)
            collection = attribute_chain(call.func.value)[-1:]  # db.orders.find_one -> "order"
            if collection and collection[0].isidentifier() and collection[0] not in known.NOT_COLLECTIONS:
                return collection[0].removesuffix("s")
        return _noun(None)

    def _track(self, at: BodyNode) -> None:
        """Remember names bound to a None-returning lookup or a DynamoDB get_item response."""
        node = at.node
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
            target, value = node.target, node.value
        else:
            return
        if not isinstance(target, ast.Name) or value is None:
            return
        key = (_scope(at), target.id)
        self.tracked.pop(key, None)
        self.responses.discard(key)
        lookup = self._none_lookup(value)
        if lookup is not None:
            self.tracked[key] = _Tracked(lookup, self._lookup_noun(value))
        inner = _unawait(value)
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "get_item":
            self.responses.add(key)

    def _unchecked_finding(self, at: BodyNode) -> Finding | None:
        use = self._unchecked_use(at)
        if use is None:
            return None
        key, tracked, exception = use
        if self._handled(at, exception, frozenset({key[1]}) if key else frozenset()):
            return None
        if key:
            del self.tracked[key]
        message = _fit(
            UNCHECKED_MESSAGES,
            endpoint=self.endpoint.label,
            lookup=tracked.lookup.method,
            where=at.where(),
            exception=exception,
            noun=tracked.noun,
        )
        return self.context.finding(CODE, at, message)

    def _unchecked_use(self, at: BodyNode) -> tuple[tuple | None, _Tracked, str] | None:
        """``obj.attr``, ``obj[...]`` or ``session.delete(obj)`` where obj may be None."""
        node = at.node
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            exception = known.NONE_ATTRIBUTE_ERROR if isinstance(node, ast.Attribute) else known.NONE_SUBSCRIPT_ERROR
            held = self._held_lookup(node.value, at)
            if held is not None:
                return held[0], held[1], exception
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "delete"
            and len(node.args) == 1
        ):
            held = self._held_lookup(node.args[0], at)
            if held is not None and held[1].lookup.delete_raises:
                return held[0], held[1], held[1].lookup.delete_raises
        return None

    def _held_lookup(self, node: ast.expr, at: BodyNode) -> tuple[tuple | None, _Tracked] | None:
        if isinstance(node, ast.Name):
            key = (_scope(at), node.id)
            tracked = self.tracked.get(key)
            return (key, tracked) if tracked is not None else None
        lookup = self._none_lookup(node)
        if lookup is not None:
            return None, _Tracked(lookup, self._lookup_noun(node))
        return None

    # --- explicit raises on the not-found branch ----------------------------

    def _not_found_branch_findings(self, at: BodyNode, removed_from: set[str]) -> Iterator[Finding | None]:
        node = at.node
        if isinstance(node, ast.If):
            noun = self._branch_noun(node.test, removed_from, missing=True)
            if noun is None:
                return
            for statement in node.body:
                exc = statement.exc if isinstance(statement, ast.Raise) else None
                if isinstance(statement, ast.Expr) and error_paths.aborts(statement.value):
                    exc = statement.value
                if exc is None or error_paths.raise_outcome(exc) != error_paths.SERVER_ERROR:
                    continue
                name = final_name(exc.func if isinstance(exc, ast.Call) else exc) or "an error"
                if name in self.mapped:
                    continue
                status = error_paths.http_status(exc)
                if error_paths.aborts(exc):
                    action = f"aborts with {status}"
                else:
                    action = f"raises {name}" + (f"({status})" if status is not None else "")
                yield self._branch_finding(BodyNode(statement, (*at.ancestors, node), at.via), action, noun)
        elif isinstance(node, ast.Assert) and "AssertionError" not in self.mapped:
            noun = self._branch_noun(node.test, removed_from, missing=False)
            if noun is not None:
                yield self._branch_finding(at, "raises AssertionError", noun)

    def _branch_finding(self, at: BodyNode, action: str, noun: str) -> Finding:
        message = _fit(
            NOT_FOUND_BRANCH_MESSAGES, endpoint=self.endpoint.label, action=action, noun=noun, where=at.where()
        )
        return self.context.finding(CODE, at, message)

    def _branch_noun(self, test: ast.expr, removed_from: set[str], missing: bool) -> str | None:
        """The resource a test finds missing (``missing``) or present; None if it tests something else."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or if missing else ast.And):
            return next((n for v in test.values if (n := self._branch_noun(v, removed_from, missing))), None)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._branch_noun(test.operand, removed_from, not missing)
        subject = test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, right = test.ops[0], test.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)):
                present = isinstance(op, ast.In)
                if present != missing and source_text(right) in removed_from:
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
            for (_scope_key, name), tracked in self.tracked.items():
                if name == subject.id:
                    return tracked.noun
            return None
        call = _unawait(subject)
        if self._none_lookup(call) is not None:
            return self._lookup_noun(call)
        if isinstance(call, ast.Call) and final_name(call.func) in ("exists", "aexists"):
            return _noun(_model_in(call.func))
        return None


# --- small pure helpers --------------------------------------------------------


def _fit(templates: tuple[str, ...], **fields: str) -> str:
    """The first template within the length limit; else the shortest, without ``where``."""
    variants = [template.format(**fields) for template in templates]
    return fit_message([*variants, templates[-1].format(**{**fields, "where": ""})])


def _texts(node: ast.AST | None) -> frozenset[str]:
    text = source_text(node) if node is not None else ""
    return frozenset({text}) if text else frozenset()


def _catchers(exception: str) -> frozenset[str]:
    return frozenset({exception, *known.EXCEPTION_BASES.get(exception, ())})


def _scope(at: BodyNode) -> tuple[int, ...]:
    """Names are per function: the handler and each followed call have their own."""
    return tuple(id(step.call) for step in at.via)


def _unawait(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Await):
        node = node.value
    return node


def _is_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant)


def _is_model_name(node: ast.expr) -> bool:
    """``Order``, ``models.Order``: a class name, not a CONSTANT."""
    name = (final_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None) or ""
    return name[:1].isupper() and not name.isupper()


def _is_lookup_keyword(name: str | None) -> bool:
    return name is not None and (name in known.LOOKUP_KEYWORDS or name.endswith("_id") or "__" in name)


def _orm_filter_args(call: ast.Call) -> bool:
    """``get(id=x)`` or ``get(Order.id == x)``: ORM filters, not a key (``Settings.get("k")``)."""
    if not call.args and not call.keywords:
        return False
    return all(keyword.arg is not None for keyword in call.keywords) and all(
        isinstance(arg, (ast.Compare, ast.BoolOp, ast.BinOp)) for arg in call.args
    )


def _model_root(chain: list[str]) -> str | None:
    return chain[0] if chain and chain[0][:1].isupper() and not chain[0].isupper() else None


def _model_in(node: ast.AST) -> str | None:
    """The first class name in a receiver: ``Order`` in ``db.query(Order).filter(...)``."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and _is_model_name(inner):
            return inner.id
    return None


def _noun(model: str | None) -> str:
    if not model:
        return "resource"
    return " ".join(camel_words(model)) or "resource"


def _dotted_base(node: ast.expr) -> ast.expr | None:
    """The outermost plain dotted name in a receiver: ``Order.objects`` in ``Order.objects.filter(x)``."""
    node = _unawait(node)
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


def _path_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "path":
            return keyword.value
    return call.args[0] if call.args else None


def _rmtree_ignores_errors(call: ast.Call) -> bool:
    """``ignore_errors=True`` (keyword or second positional) or an error callback: not raising."""
    values = [kw.value for kw in call.keywords if kw.arg == "ignore_errors"]
    if len(call.args) > 1:
        values.append(call.args[1])
    if any(kw.arg in ("onerror", "onexc") for kw in call.keywords):
        return True
    return any(not (isinstance(value, ast.Constant) and not value.value) for value in values)


def _conditioned_on_existence(call: ast.Call) -> bool:
    """``ConditionExpression="attribute_exists(pk)"`` or ``Attr("pk").exists()``."""
    for keyword in call.keywords:
        if keyword.arg == "ConditionExpression":
            text = literal_string(keyword.value) or ""
            if known.DYNAMODB_EXISTS_CONDITION in text:
                return True
            return any(
                isinstance(inner, ast.Call) and final_name(inner.func) == "exists" for inner in ast.walk(keyword.value)
            )
    return False


def _in_annotation(at: BodyNode) -> bool:
    chain = (*at.ancestors, at.node)
    return any(
        isinstance(parent, ast.AnnAssign) and parent.annotation is child for parent, child in zip(chain, chain[1:])
    )
