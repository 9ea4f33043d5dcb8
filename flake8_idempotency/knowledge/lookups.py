"""Lookups and removals that raise when the resource is gone, as data (IDM003).

Each store's raising calls, the exception each raises, the idempotent form a
fix can use, and the exception names whose ``except`` catches it. Detectors
match calls by method name plus a receiver shape; the shapes live in the
detectors (``analysis.receivers``, ``analysis.raising_lookups``,
``analysis.lookup_results``), the names live here.
"""

from __future__ import annotations

from typing import NamedTuple


class Raiser(NamedTuple):
    """A lookup or removal that raises when the resource is missing."""

    #: Exception raised (final name: what an ``except`` clause names).
    exception: str
    #: The idempotent or 404-answering form to suggest instead.
    alternative: str
    #: What is gone, for the message, when no model name is known.
    noun: str = "resource"
    #: Other exceptions it raises for a missing resource, which an ``except`` may name
    #: instead (``del items[i]`` on a list raises IndexError).
    also_raises: tuple[str, ...] = ()


#: Django/MongoEngine manager or queryset ``.get()`` (``Order.objects.get(pk=pk)``).
DJANGO_GET = Raiser("DoesNotExist", "get_object_or_404")
#: Methods of a Django/MongoEngine manager or queryset that raise DoesNotExist.
MANAGER_GET_METHODS = frozenset({"get", "aget"})
#: Chain parts that make a receiver a manager or queryset (``Order.objects``, ``self.get_queryset()``).
MANAGER_MARKERS = frozenset({"objects", "objects()", "_default_manager", "_base_manager", "get_queryset()", "queryset"})
#: Keywords of a related-manager ``obj.items.get(pk=...)`` that mark it as an ORM lookup.
LOOKUP_KEYWORDS = frozenset({"pk", "id", "slug", "uuid"})

#: Peewee/Tortoise class-level lookups: ``Order.get(Order.id == x)``, ``await Order.get(id=x)``.
MODEL_CLASS_GET = Raiser("DoesNotExist", "get_or_none()")
#: Their method names (with ORM filter arguments; Pony's ``Order.get`` answers None instead).
MODEL_CLASS_GET_METHODS = frozenset({"get"})
#: Peewee ``Order.get_by_id(x)``.
MODEL_GET_BY_ID_METHODS = frozenset({"get_by_id"})
#: Peewee/Pony ``Order[id]``.
MODEL_SUBSCRIPT = Raiser("DoesNotExist", "get_or_none()")
PONY_SUBSCRIPT = Raiser("ObjectNotFound", "Model.get()")
#: Base-class final names that make a class a model (Peewee, Tortoise, Pony, MongoEngine).
MODEL_BASE_SUFFIXES = ("Model", "Entity", "Document")
#: Module names that make an imported class a model (``from .models import Order``).
MODEL_MODULE_WORDS = frozenset({"models", "model", "entities", "documents", "schema", "tables"})
#: Pony: ``Order.get(...)`` answers None, ``Order[id]`` raises ObjectNotFound.
PONY_PACKAGE = "pony"
#: ORMs whose DoesNotExist is a module exception, not a model attribute (Tortoise).
MODULE_EXCEPTION_PACKAGES = frozenset({"tortoise"})

#: SQLAlchemy/SQLModel: ``.one()``, ``.scalar_one()``, ``session.get_one(Model, id)``.
SQLALCHEMY_ONE = Raiser("NoResultFound", "one_or_none()")
SQLALCHEMY_ONE_METHODS = frozenset({"one", "scalar_one"})
#: Of those, the ones specific enough to need no query-shaped receiver.
SPECIFIC_ONE_METHODS = frozenset({"scalar_one"})
SQLALCHEMY_GET_ONE_METHODS = frozenset({"get_one"})
#: Chain parts that make a receiver an SQLAlchemy/SQLModel query or result.
QUERY_MARKERS = frozenset(
    {
        "query",
        "query()",
        "execute()",
        "exec()",
        "scalars()",
        "filter()",
        "filter_by()",
        "where()",
        "order_by()",
        "join()",
        "options()",
        "objects",
        "objects()",
    }
)

#: Prisma Client Python.
PRISMA_OR_RAISE = Raiser("RecordNotFoundError", "find_unique()")
PRISMA_OR_RAISE_METHODS = frozenset({"find_unique_or_raise", "find_first_or_raise"})

#: Python containers (``del store[key]``, ``store.pop(key)``, ``items.remove(x)``).
DEL_SUBSCRIPT = Raiser("KeyError", "pop(key, None)", "entry", also_raises=("IndexError",))
POP_WITHOUT_DEFAULT = Raiser("KeyError", "pop(key, None)", "entry")
LIST_REMOVE = Raiser("ValueError", "a membership check", "entry")
SET_REMOVE = Raiser("KeyError", "discard()", "entry")
CONTAINER_POP = "pop"
COLLECTION_REMOVE = "remove"

#: Files: module functions by dotted name, and Path methods.
FILE_REMOVAL_FUNCTIONS = {
    "os.remove": Raiser("FileNotFoundError", "an exists() check", "file"),
    "os.unlink": Raiser("FileNotFoundError", "an exists() check", "file"),
    "os.rmdir": Raiser("FileNotFoundError", "an exists() check", "directory"),
    "os.removedirs": Raiser("FileNotFoundError", "an exists() check", "directory"),
    "aiofiles.os.remove": Raiser("FileNotFoundError", "an exists() check", "file"),
    "aiofiles.os.unlink": Raiser("FileNotFoundError", "an exists() check", "file"),
}
#: The keyword naming the path (``os.remove(path=p)``).
PATH_KEYWORD = "path"
RMTREE = Raiser("FileNotFoundError", "ignore_errors=True", "directory")
RMTREE_FUNCTIONS = frozenset({"shutil.rmtree"})
#: ``rmtree(p, ignore_errors=True)`` (or second positional) and error callbacks do not raise.
RMTREE_IGNORE_ERRORS = "ignore_errors"
RMTREE_ERROR_CALLBACKS = frozenset({"onerror", "onexc"})
PATH_UNLINK = Raiser("FileNotFoundError", "unlink(missing_ok=True)", "file")
PATH_RMDIR = Raiser("FileNotFoundError", "an exists() check", "directory")
PATH_REMOVAL_METHODS = {"unlink": PATH_UNLINK, "rmdir": PATH_RMDIR}
#: ``p.unlink(missing_ok=True)`` does not raise.
MISSING_OK_METHODS = frozenset({"unlink"})
MISSING_OK_KEYWORD = "missing_ok"
#: Calls and methods whose result is a pathlib path.
PATH_CONSTRUCTORS = frozenset({"Path", "PurePath", "PosixPath", "WindowsPath", "AsyncPath"})
PATH_METHODS = frozenset({"joinpath", "with_name", "with_suffix", "with_stem", "resolve", "absolute", "expanduser"})
#: Variable names that hold a path (``upload_path``, ``thumbnail_file``).
PATH_NAME_SUFFIXES = ("path", "file", "dir", "directory", "folder")

#: DynamoDB: a delete conditioned on existence, and ``get_item(...)["Item"]``.
DYNAMODB_CONDITIONAL_DELETE = Raiser("ConditionalCheckFailedException", "an unconditional delete_item", "item")
DYNAMODB_DELETE_ITEM = "delete_item"
DYNAMODB_CONDITION_KEYWORD = "ConditionExpression"
#: ``ConditionExpression="attribute_exists(pk)"`` or ``Attr("pk").exists()``.
DYNAMODB_EXISTS_CONDITION = "attribute_exists"
DYNAMODB_EXISTS_METHOD = "exists"
DYNAMODB_GET_ITEM_METHOD = "get_item"
DYNAMODB_ITEM_KEY = "Item"
DYNAMODB_GET_ITEM = Raiser("KeyError", 'response.get("Item")', "item")


class NoneLookup(NamedTuple):
    """A lookup that returns None when the resource is missing (fine only with a check)."""

    method: str
    #: What passing None to ``session.delete()`` raises (None: not an ORM instance).
    delete_raises: str | None = None


#: Lookups that answer None, by method name; receiver shapes are checked by the rule.
NONE_LOOKUPS = {
    lookup.method: lookup
    for lookup in (
        NoneLookup("first", "UnmappedInstanceError"),
        NoneLookup("one_or_none", "UnmappedInstanceError"),
        NoneLookup("scalar_one_or_none", "UnmappedInstanceError"),
        NoneLookup("scalar", "UnmappedInstanceError"),
        NoneLookup("get", "UnmappedInstanceError"),  # SQLAlchemy session.get / query.get; Pony Model.get
        NoneLookup("get_or_none"),
        NoneLookup("find_one"),
        NoneLookup("find_one_and_delete"),
        NoneLookup("find_unique"),
        NoneLookup("find_first"),
    )
}
#: None-returning lookups whose receiver needs no shape check: the name is specific enough.
SPECIFIC_NONE_LOOKUPS = frozenset(
    {"one_or_none", "scalar_one_or_none", "get_or_none", "find_one", "find_one_and_delete", "find_unique", "find_first"}
)
#: Lookups that answer None on a query-shaped receiver, without arguments (``q.first()``).
QUERY_NONE_LOOKUPS = frozenset({"first", "scalar"})
#: ``session.scalar(select(...))``: one argument, on a session.
SESSION_SCALAR = "scalar"
#: ``session.get(Order, id)``, ``Order.query.get(id)``, Pony ``Order.get(id=x)``.
SESSION_GET = "get"
#: Flask-SQLAlchemy's model query property: ``Order.query.get(id)``.
MODEL_QUERY_PROPERTY = frozenset({"query", "query()"})
#: ``session.delete(obj)``: passing it None raises the lookup's ``delete_raises``.
SESSION_DELETE = "delete"
#: ``Order.objects.filter(...).exists()``: a test that names the resource.
QUERYSET_EXISTS_METHODS = frozenset({"exists", "aexists"})
#: Receiver names that are a session or a query, not a collection named after the resource.
NOT_COLLECTIONS = frozenset({"db", "session", "objects", "query", "self", "conn", "connection", "client"})
#: What dereferencing None raises.
NONE_ATTRIBUTE_ERROR = "AttributeError"
NONE_SUBSCRIPT_ERROR = "TypeError"

#: Helpers that answer 404 themselves: calls into them are never reported
#: (``--idm-safe-lookups`` adds the project's own).
SAFE_NOT_FOUND_HELPERS = frozenset(
    {
        "get_object_or_404",
        "aget_object_or_404",
        "get_list_or_404",
        "aget_list_or_404",
        "first_or_404",
        "get_or_404",
        "one_or_404",
    }
)

#: Exception final name -> names whose ``except`` clause also catches it (its bases).
EXCEPTION_BASES = {
    "DoesNotExist": ("ObjectDoesNotExist", "NotExistOrMultiple", "OperationalError", "BaseORMException"),
    "NoResultFound": ("InvalidRequestError", "SQLAlchemyError"),
    "UnmappedInstanceError": ("UnmappedError", "InvalidRequestError", "SQLAlchemyError"),
    "RecordNotFoundError": ("DataError", "PrismaError"),
    "ObjectNotFound": ("OrmError",),
    "KeyError": ("LookupError",),
    "ValueError": (),
    "TypeError": (),
    "AttributeError": (),
    "FileNotFoundError": ("OSError", "IOError", "EnvironmentError"),
    "ConditionalCheckFailedException": ("ClientError",),
}
#: Catch everything.
UNIVERSAL_CATCHERS = frozenset({"Exception", "BaseException"})

#: HTTP answers that are right for a repeated DELETE.
NOT_FOUND_STATUSES = frozenset({204, 404, 410})
#: Exceptions and responses that mean 404/410/204 by their name alone.
NOT_FOUND_EXCEPTIONS = frozenset(
    {
        "Http404",
        "NotFound",
        "NotFoundError",
        "NotFoundException",
        "HTTPNotFound",
        "HTTPGone",
        "Gone",
        "HTTPNoContent",
    }
)
#: Exceptions that end as a 500 when raised from a handler.
SERVER_ERROR_EXCEPTIONS = frozenset(
    {
        "Exception",
        "BaseException",
        "RuntimeError",
        "ValueError",
        "KeyError",
        "LookupError",
        "IndexError",
        "TypeError",
        "AttributeError",
        "AssertionError",
        "HTTPInternalServerError",
        "InternalServerError",
    }
)
#: ``HTTPStatus.NOT_FOUND`` / ``status.HTTP_404_NOT_FOUND`` style names -> status.
HTTP_STATUS_NAMES = {
    "NO_CONTENT": 204,
    "BAD_REQUEST": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "GONE": 410,
    "UNPROCESSABLE_ENTITY": 422,
    "INTERNAL_SERVER_ERROR": 500,
    "SERVICE_UNAVAILABLE": 503,
}
#: Keywords carrying the status of an HTTP error or response.
STATUS_KEYWORDS = ("status_code", "status", "code")
#: Calls that end the request when called (``abort(404)``).
ABORTING_CALLS = frozenset({"abort"})

#: Exception-handler registration, by form: ``@app.errorhandler(Exc)``,
#: ``@app.exception_handler(Exc)`` (FastAPI, Starlette, Ninja), ``@app.exception(Exc)`` (Sanic).
EXCEPTION_HANDLER_DECORATORS = frozenset({"errorhandler", "exception_handler", "exception"})
#: ``app.register_error_handler(Exc, fn)``, ``app.add_exception_handler(Exc, fn)``.
EXCEPTION_HANDLER_REGISTRATIONS = frozenset({"register_error_handler", "add_exception_handler"})
#: ``FastAPI(exception_handlers={Exc: fn})``, Starlette and Litestar alike.
EXCEPTION_HANDLER_KEYWORDS = frozenset({"exception_handlers"})

#: Calls that test existence when the subject is their argument (``os.path.exists(p)``).
EXISTENCE_FUNCTIONS = frozenset({"exists", "isfile", "isdir", "lexists", "bool", "len"})
#: Methods that test existence or look up without raising (``qs.exists()``, ``store.get(k)``).
EXISTENCE_METHODS = frozenset(
    {"exists", "aexists", "count", "acount", "is_file", "is_dir", "get", "has_key", "__contains__"}
) | frozenset(NONE_LOOKUPS)

#: ``if TYPE_CHECKING:`` blocks never run.
TYPE_CHECKING_NAMES = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING"})
