"""What protects a critical POST (IDM002), as data.

Idempotency-key header names, the decorators, mixins and middleware of the real
idempotency libraries (names from each library's documentation), the calls and
SQL that deduplicate, and the calls that merely look at a value without using it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..lazy_pattern import LazyPattern

# -- the idempotency key --------------------------------------------------------

#: Any header or field whose name matches this (after ``analysis.vocabulary.normalize_header``:
#: lower case, ``_`` -> ``-``, Django's ``HTTP_`` and an ``X-`` prefix dropped) carries a key.
IDEMPOTENCY_KEY_PATTERN = LazyPattern(r"idempotency[-_ ]?key", re.IGNORECASE)

#: Header names accepted besides the pattern (``X-`` variants are accepted for each).
IDEMPOTENCY_HEADERS = (
    "Idempotency-Key",
    "X-Idempotent-Key",  # Flask-Idempotent
    "PayPal-Request-Id",
    "Repeatability-Request-ID",  # OData / Azure
)

#: Methods that read one named value from a mapping-like request part:
#: ``request.headers.get(...)``, ``req.get_header(...)`` (Falcon, Bottle), aiohttp ``getone``.
KEY_READ_METHODS = frozenset({"get", "getone", "getall", "get_all", "getlist", "get_list", "get_header", "get_first"})

#: Parameter markers that read a header: FastAPI/Ninja ``Header(alias=...)``, Litestar ``Parameter(header=...)``.
HEADER_PARAMETER_CALLS = frozenset({"Header", "Parameter"})
HEADER_PARAMETER_KEYWORDS = ("alias", "validation_alias", "header", "name")
#: FastAPI dependencies: the dependency function runs for the endpoint.
DEPENDENCY_CALLS = frozenset({"Depends", "Security"})

#: Calls whose arguments are only looked at, not used: a key passed only to these is unused.
INERT_CALLS = frozenset({"print", "len", "bool", "isinstance", "type", "repr", "hash"})
#: Logging methods (on a receiver whose name contains ``LOG_RECEIVER_MARKER``).
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
LOG_RECEIVER_MARKER = "log"
#: Conversions whose result is still the key: ``str(key)``, ``UUID(key)``, ``key.strip()``.
KEY_CONVERSIONS = frozenset({"str", "UUID", "strip", "lower", "upper", "encode", "decode"})

#: A key made inside the handler is new on every retry: it protects nothing.
FRESH_KEY_CALLS = frozenset({"uuid1", "uuid4", "uuid7", "token_hex", "token_urlsafe", "token_bytes", "urandom", "ulid"})

#: PayPal SDK request objects carry the key in a header of the request object:
#: ``request = OrdersCreateRequest(); request.headers["PayPal-Request-Id"] = key``.
REQUEST_OBJECT_HEADERS = "headers"

# -- libraries ------------------------------------------------------------------


class GuardLibrary(NamedTuple):
    """An idempotency library and the names of its public guards."""

    distribution: str
    #: Import prefix every name of the library starts with.
    package: str
    decorators: frozenset[str] = frozenset()
    mixins: frozenset[str] = frozenset()
    #: App-level: registered as middleware (ASGI/WSGI) or in Django's ``MIDDLEWARE``.
    middleware: frozenset[str] = frozenset()
    #: App-level: Flask extensions constructed with the app (``Idempotent(app)``).
    extensions: frozenset[str] = frozenset()


GUARD_LIBRARIES: tuple[GuardLibrary, ...] = (
    # ``idempotency_key_exempt`` is an opt-out, and ``ExemptIdempotencyKeyMiddleware``
    # exempts every view that is not decorated: neither protects anything.
    GuardLibrary(
        "django-idempotency-key",
        "idempotency_key",
        decorators=frozenset({"idempotency_key", "idempotency_key_manual"}),
        middleware=frozenset({"IdempotencyKeyMiddleware"}),
    ),
    GuardLibrary(
        "drf-idempotency",
        "drf_idempotency",
        decorators=frozenset({"idempotent"}),
        middleware=frozenset({"IdempotencyMiddleware"}),
    ),
    GuardLibrary(
        "djangorestframework-idempotency-key",
        "rest_framework_idempotency_key",
        decorators=frozenset({"simple_idempotency_key_method"}),
        middleware=frozenset({"IdempotencyKeyMiddleware"}),
    ),
    GuardLibrary("drf-idempotencykey", "drf_idempotencykey", mixins=frozenset({"DrfIdempotencyKeyMixin"})),
    GuardLibrary("drf-idem", "drf_idem", middleware=frozenset({"IdempotencyMiddleware"})),
    GuardLibrary("django-idempotency", "django_idempotency", middleware=frozenset({"IdempotencyMiddleware"})),
    GuardLibrary(
        "asgi-idempotency-header",
        "idempotency_header_middleware",
        middleware=frozenset({"IdempotencyHeaderMiddleware"}),
    ),
    GuardLibrary("fastapi-idempotency", "fastapi_idempotency", middleware=frozenset({"IdempotencyMiddleware"})),
    GuardLibrary("fastapi-idempotent", "fastapi_idempotent", middleware=frozenset({"IdempotentMiddleWare"})),
    GuardLibrary(
        "fastidempotent",
        "fastidempotent",
        decorators=frozenset({"idempotent"}),
        middleware=frozenset({"IdempotencyMiddleware"}),
    ),
    GuardLibrary("idemptx", "idemptx", decorators=frozenset({"idempotent"})),
    GuardLibrary("idempot", "idempot", decorators=frozenset({"idempotent"})),
    GuardLibrary("pyidempotent", "pyidempotent", decorators=frozenset({"idempotent"})),
    GuardLibrary(
        "aws-lambda-powertools",
        "aws_lambda_powertools.utilities.idempotency",
        decorators=frozenset({"idempotent", "idempotent_function"}),
    ),
    GuardLibrary("Flask-Idempotent", "flask_idempotent", extensions=frozenset({"Idempotent"})),
    GuardLibrary("flask-once", "flask_once", decorators=frozenset({"idempotent"})),
)

#: Part of every idempotency library's names (``idempotent``, ``Idempotency``, ``IDEMPOTENCY``): a file
#: without it (and without a middleware registration) registers no guard for its app.
GUARD_NAME_FRAGMENT = "dempoten"

#: Django's wrapper that applies a function decorator to a view method (the decorator is its first argument).
METHOD_DECORATOR_WRAPPERS = frozenset({"method_decorator"})

# -- where apps register middleware ------------------------------------------------

#: ``app.add_middleware(X, ...)`` (Starlette, FastAPI).
ADD_MIDDLEWARE_METHODS = frozenset({"add_middleware", "register_middleware"})
#: ``Middleware(X, ...)`` (Starlette, FastAPI), ``DefineMiddleware(X, ...)`` (Litestar).
MIDDLEWARE_WRAPPERS = frozenset({"Middleware", "DefineMiddleware"})
#: ``Starlette(middleware=[...])``, ``web.Application(middlewares=[...])``, ``falcon.App(middleware=[...])``.
MIDDLEWARE_KEYWORDS = frozenset({"middleware", "middlewares"})
#: ``app.wsgi_app = X(app.wsgi_app)`` (Flask/WSGI), ``app.asgi_app = X(app.asgi_app)`` (Quart).
APP_WRAPPER_ATTRIBUTES = frozenset({"wsgi_app", "asgi_app"})
#: Hooks that run before every handler: ``@app.middleware("http")``, ``@app.before_request``,
#: Sanic ``@app.on_request``, aiohttp ``@web.middleware``.
REQUEST_HOOKS = frozenset({"middleware", "before_request", "on_request"})
#: Django settings lists.
DJANGO_MIDDLEWARE_SETTINGS = frozenset({"MIDDLEWARE", "MIDDLEWARE_CLASSES"})
#: A middleware class's methods that see each request first: their early returns on a path
#: or method test are requests the middleware lets through untouched.
MIDDLEWARE_REQUEST_METHODS = frozenset({"__call__", "__acall__", "dispatch", "process_request", "process_view"})
#: What a middleware calls to hand a request on untouched (``return await call_next(request)``,
#: ``return self.get_response(request)``, ``await self.app(scope, receive, send)``).
MIDDLEWARE_PASS_THROUGH = frozenset(
    {"call_next", "get_response", "app", "wsgi_app", "asgi_app", "application", "handler", "next_app"}
)

# -- deduplication ----------------------------------------------------------------

#: Calls that create only when absent, or upsert.
DEDUP_METHODS = frozenset(
    {
        "get_or_create",
        "aget_or_create",
        "update_or_create",
        "aupdate_or_create",
        "on_conflict_do_nothing",
        "on_conflict_do_update",
        "on_conflict_ignore",
        "on_conflict_replace",
        "upsert",
        "setnx",
    }
)
#: ``bulk_create(objs, ignore_conflicts=True)``; Mongo ``update_one(..., upsert=True)``.
DEDUP_KEYWORDS = frozenset({"ignore_conflicts", "update_conflicts", "upsert"})
#: Redis ``set(key, value, nx=True)``: a lock keyed on the request.
SET_IF_ABSENT = ("set", "nx")
#: Django ``cache.add(key, value)`` (on a receiver whose name contains ``CACHE_RECEIVER_MARKER``).
CACHE_ADD_METHOD = "add"
CACHE_RECEIVER_MARKER = "cache"
#: Raw SQL that deduplicates.
DEDUP_SQL = LazyPattern(
    r"\bON\s+CONFLICT\b|\bON\s+DUPLICATE\s+KEY\b|\bINSERT\s+OR\s+(?:IGNORE|REPLACE)\b"
    r"|\bINSERT\s+IGNORE\b|\bMERGE\s+INTO\b",
    re.IGNORECASE,
)
#: Errors a unique constraint raises; catching one means the duplicate insert is expected.
DUPLICATE_ERRORS = frozenset(
    {"IntegrityError", "UniqueViolation", "UniqueViolationError", "DuplicateKeyError", "NotUniqueError"}
)
#: Calls that answer "does it exist?".
EXISTENCE_METHODS = frozenset(
    {"exists", "aexists", "first", "afirst", "one_or_none", "scalar_one_or_none", "get_or_none", "find_one", "count"}
)
#: Lookups that may check a client-supplied key: ``filter(request_id=...)``, ``.where(Order.request_id == x)``.
LOOKUP_METHODS = frozenset(
    {
        "filter",
        "filter_by",
        "get",
        "aget",
        "exists",
        "first",
        "find_one",
        "where",
        "get_or_none",
        "scalar",
        "one_or_none",
    }
)
#: Field names of a client-supplied deduplication key.
DEDUP_KEY_FIELDS = frozenset(
    {
        "idempotency_key",
        "idempotence_key",
        "request_id",
        "client_request_id",
        "client_reference_id",
        "client_order_id",
        "client_token",
        "dedup_key",
        "dedupe_key",
        "deduplication_key",
        "deduplication_id",
    }
)

# -- v2: refusal by state, hand-made deduplication, one-time tokens -------------------

#: Lookups a hand-made deduplication asks before creating: ``team.invites.filter(email=...).exists()``,
#: Prisma ``find_unique``/``find_first``, SQLAlchemy ``filter_by(...).first()``.
HAND_LOOKUP_METHODS = frozenset(
    {
        "filter", "filter_by", "get", "aget", "exists", "aexists", "first", "afirst", "find_one", "find_unique",
        "find_first", "get_or_none", "one_or_none", "scalar_one_or_none", "count", "acount", "where", "select",
    }
)
#: The first word of a project lookup function: ``get_subscription(user, endpoint)``.
LOOKUP_FUNCTION_VERBS = frozenset({"get", "find", "lookup", "fetch", "exists", "has", "load"})
#: Words of a record's attribute that holds its state: ``order.status``, ``invoice.is_paid``,
#: ``order.require_approval``, ``submission.state``.
STATE_FIELD_WORDS = frozenset(
    {
        "state", "status", "stage", "phase", "paid", "approved", "approval", "confirmed", "accepted", "completed",
        "processed", "used", "consumed", "redeemed", "cancelled", "canceled", "closed", "sent", "submitted",
        "finalized", "locked", "pending", "captured", "refunded", "settled", "fulfilled", "withdrawn",
    }
)
#: Roots of an attribute chain that are not a record the request names.
NOT_RECORD_ROOTS = frozenset({"request", "settings", "config", "conf", "os", "sys"})
#: Keyword fields (their words) of a lookup by a one-time token: ``get(token=...)``, ``filter(code__iexact=...)``.
TOKEN_FIELD_WORDS = frozenset({"token", "nonce", "code", "secret", "key", "hash"})
#: Names (their words) of an object that is a one-time token: ``invite.delete()``, ``self.invitation.delete()``.
TOKEN_OBJECT_WORDS = frozenset({"token", "nonce", "invite", "invitation", "otp", "voucher", "coupon"})
#: Fields set when a token is used up: ``token.used = True``, ``invite.used_at = now()``.
TOKEN_USED_FIELDS = frozenset(
    {"used", "is_used", "used_at", "consumed", "consumed_at", "redeemed", "redeemed_at", "is_active", "active"}
)
#: Removing the token: ``invite.delete()``.
TOKEN_DELETE_METHODS = frozenset({"delete", "adelete"})
