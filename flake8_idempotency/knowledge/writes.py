"""What a write looks like in each store: relative writes (IDM001) and inserts (IDM004).

Rules read these tables; they hold no store names of their own. A relative write
changes a value relative to what is stored (increment, append, toggle), so a
retried PUT lands somewhere else; an insert adds a record on every call.
"""

from __future__ import annotations

import re

from ..lazy_pattern import LazyPattern

# --- kinds of relative write: what the message says -------------------------------

INCREMENT = "increment"
DECREMENT = "decrement"
SCALE = "scale"
APPEND = "append"
TOGGLE = "toggle"
RELATIVE = "relative"

# --- fields a PUT may bump (metadata, widely accepted) --------------------------

#: Default of ``--idm-put-allowed-fields``: version and timestamp fields.
VERSION_FIELDS = ("version", "revision", "rev", "etag", "lock_version", "updated_at", "modified", "modified_at")

# --- Python state --------------------------------------------------------------

#: Augmented-assignment operators and the kind of change they make. ``|=``/``&=``
#: are absent on purpose: set/dict union and boolean or are idempotent.
AUGMENTED_OPERATORS = {
    "Add": INCREMENT,
    "Sub": DECREMENT,
    "Mult": SCALE,
    "Div": SCALE,
    "FloorDiv": SCALE,
    "Mod": RELATIVE,
    "Pow": SCALE,
    "LShift": SCALE,
    "RShift": SCALE,
    "BitXor": TOGGLE,
}

#: Operator symbols for messages (``+=``).
OPERATOR_SYMBOLS = {
    "Add": "+",
    "Sub": "-",
    "Mult": "*",
    "Div": "/",
    "FloorDiv": "//",
    "Mod": "%",
    "Pow": "**",
    "LShift": "<<",
    "RShift": ">>",
    "BitXor": "^",
}

#: Methods that grow a persisted collection in place, with their positional arity
#: (``list.insert(i, x)`` takes two; a one-argument ``insert`` is a database insert).
COLLECTION_APPENDS = {"append": 1, "extend": 1, "insert": 2, "appendleft": 1, "extendleft": 1}

#: Builtins and stdlib constructors whose result is a fresh, request-local value.
FRESH_CALLS = frozenset(
    {
        "dict",
        "list",
        "set",
        "tuple",
        "frozenset",
        "str",
        "bytes",
        "bytearray",
        "int",
        "float",
        "bool",
        "len",
        "sum",
        "min",
        "max",
        "abs",
        "round",
        "range",
        "format",
        "repr",
        "sorted",
        "Counter",
        "defaultdict",
        "OrderedDict",
        "deque",
        "copy",
        "deepcopy",
        "namedtuple",
    }
)

#: Conversions that keep a value what it is: ``x.n = int(x.n) + 1`` still builds on ``x.n``.
VALUE_CONVERSIONS = frozenset({"int", "float", "str", "list", "tuple", "Decimal", "bool"})

#: Builtins that iterate their arguments: the elements come from the arguments.
PASS_THROUGH_CALLS = frozenset({"enumerate", "zip", "reversed", "iter", "filter", "map"})

#: Parameters and attributes that hold the request's own input, not stored state.
REQUEST_NAMES = frozenset({"request", "req"})
REQUEST_INPUT_ATTRIBUTES = frozenset(
    {
        "data",
        "json",
        "args",
        "form",
        "values",
        "files",
        "GET",
        "POST",
        "query_params",
        "headers",
        "META",
        "COOKIES",
        "body",
        "match_info",
        "path_params",
        "params",
        "media",
        "query",
        "cookies",
        "content",
        "stream",
        "query_string",
    }
)
#: Request methods that return the request's input (``request.get_json()``, ``await request.json()``).
REQUEST_INPUT_METHODS = frozenset({"get_json", "json", "get_data", "post", "text", "read", "get_media", "body"})
#: Request attributes that live only as long as the request (``request.state``, Falcon ``req.context``).
REQUEST_SCOPED_ATTRIBUTES = frozenset({"state", "ctx", "context", "g", "scope"})
#: Handler parameters that carry the parsed request body (FastAPI, Litestar, Ninja) or
#: the response being built (Falcon ``resp``, Tornado/aiohttp ``response``).
REQUEST_BODY_PARAMETERS = frozenset(
    {"body", "payload", "data", "json_data", "form_data", "params", "query", "resp", "response", "res"}
)
#: Framework globals that hold one request's data: Flask/Quart ``g``, Bottle ``response``.
REQUEST_SCOPED_IMPORTS = frozenset({"flask.g", "quart.g", "bottle.response", "bottle.local"})
#: Base classes of request-body schemas declared in the same file.
REQUEST_SCHEMA_BASES = frozenset({"BaseModel", "Schema", "ModelSchema", "Struct", "TypedDict"})
#: Calls that parse request input into a fresh structure.
PARSE_CALLS = frozenset({"json.loads", "orjson.loads", "ujson.loads"})

# --- ORM expressions (Django/Tortoise ``F``, SQLAlchemy/SQLModel/Peewee columns) ---

#: Query methods whose keywords / mapping argument assign columns: ``.update(x=...)``,
#: ``update(Model).values(x=...)``, ``Model.update({Model.x: ...})``.
COLUMN_ASSIGNING_METHODS = frozenset({"update", "values", "aupdate"})
#: Field-reference constructors: ``F("credits")`` (Django, Tortoise).
FIELD_REFERENCES = frozenset({"F"})
#: SQLAlchemy Core column collections: ``users.c.credits``.
COLUMN_COLLECTIONS = frozenset({"c", "columns"})
#: SQL functions that append to their first argument.
APPENDING_FUNCTIONS = frozenset({"Concat", "ConcatPair", "array_append", "array_prepend", "array_cat", "concat"})

# --- MongoDB (PyMongo, Motor, MongoEngine) --------------------------------------

#: Update operators that change a field relative to its stored value.
MONGO_RELATIVE_OPERATORS = {"$inc": INCREMENT, "$push": APPEND, "$mul": SCALE, "$pushAll": APPEND}
#: Aggregation operators (update pipelines) that compute from the stored value.
MONGO_PIPELINE_OPERATORS = {
    "$add": INCREMENT,
    "$subtract": DECREMENT,
    "$multiply": SCALE,
    "$divide": SCALE,
    "$concat": APPEND,
    "$concatArrays": APPEND,
}
#: MongoEngine queryset/document methods that take update keywords.
MONGOENGINE_UPDATE_METHODS = frozenset({"update", "update_one", "modify"})
#: MongoEngine update keywords: ``inc__credits=1``.
MONGOENGINE_RELATIVE_PREFIXES = {
    "inc": INCREMENT,
    "dec": DECREMENT,
    "mul": SCALE,
    "push": APPEND,
    "push_all": APPEND,
}

# --- Redis (redis-py, aioredis, Django cache) -----------------------------------

#: Commands that change a key relative to its value.
REDIS_RELATIVE_COMMANDS = {
    "incr": INCREMENT,
    "incrby": INCREMENT,
    "incrbyfloat": INCREMENT,
    "hincrby": INCREMENT,
    "hincrbyfloat": INCREMENT,
    "zincrby": INCREMENT,
    "decr": DECREMENT,
    "decrby": DECREMENT,
    "lpush": APPEND,
    "rpush": APPEND,
    "lpushx": APPEND,
    "rpushx": APPEND,
    "linsert": APPEND,
    "xadd": APPEND,
}
#: Redis ``APPEND key value`` shares its name with ``list.append``: two positional
#: arguments and a Redis-looking receiver tell them apart.
REDIS_APPEND = "append"
REDIS_RECEIVER = LazyPattern(r"redis|^r$|^rdb$|^rds$|cache|^pipe(line)?$|^kv$|valkey", re.IGNORECASE)
#: Metrics clients share the counter vocabulary; counting requests is not state.
METRICS_RECEIVER = LazyPattern(r"statsd|metric|stats|telemetry|monitor|prometheus|datadog|tracer", re.IGNORECASE)

# --- DynamoDB (boto3 client and resource) ---------------------------------------

DYNAMODB_UPDATE_EXPRESSION = "UpdateExpression"
DYNAMODB_ATTRIBUTE_NAMES = "ExpressionAttributeNames"
#: The clauses of an update expression: ``ADD #c :n`` adds to the stored value;
#: ``SET #c = #c + :n`` and ``SET #l = list_append(#l, :x)`` build on it.
DYNAMODB_CLAUSES = LazyPattern(r"\b(SET|ADD|REMOVE|DELETE)\b", re.IGNORECASE)
DYNAMODB_ADD = "ADD"
DYNAMODB_SET = "SET"
DYNAMODB_LIST_APPEND = "list_append"
#: Legacy ``AttributeUpdates={"n": {"Action": "ADD", ...}}``.
DYNAMODB_ATTRIBUTE_UPDATES = "AttributeUpdates"
DYNAMODB_ACTION = "Action"

# --- Prisma Client Python ---------------------------------------------------------

#: ``{"credits": {"increment": 5}}`` inside ``data=`` of an update.
PRISMA_RELATIVE_OPERATIONS = {
    "increment": INCREMENT,
    "decrement": DECREMENT,
    "multiply": SCALE,
    "divide": SCALE,
    "push": APPEND,
}
PRISMA_UPDATE_METHODS = frozenset({"update", "update_many"})
PRISMA_DATA_KEYWORD = "data"

# --- raw SQL --------------------------------------------------------------------

#: Calls that run SQL text: DB-API, SQLAlchemy, asyncpg, databases, Django.
SQL_EXECUTE_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "execute_many",
        "exec_driver_sql",
        "executescript",
        "fetch",
        "fetchrow",
        "fetchval",
        "fetch_one",
        "fetch_all",
        "fetch_val",
        "raw",
    }
)
#: Keywords that carry the statement: ``await database.execute(query=...)``.
SQL_KEYWORDS = ("query", "sql", "statement", "operation")
#: Wrappers around SQL text: ``text("...")``, ``sql.SQL("...")``.
SQL_TEXT_WRAPPERS = frozenset({"text", "SQL", "literal_column"})
#: SQL operators that build a new value from the old one, with their kind.
SQL_RELATIVE_OPERATORS = {"+": INCREMENT, "-": DECREMENT, "*": SCALE, "/": SCALE, "||": APPEND}
#: SQL functions that build a new value from the old one.
SQL_APPENDING_FUNCTIONS = frozenset({"array_append", "array_prepend", "array_cat", "concat", "jsonb_insert"})
#: Clauses that turn an INSERT into an upsert or a no-op on conflict.
SQL_UPSERT_CLAUSES = LazyPattern(
    r"\bON\s+CONFLICT\b|\bON\s+DUPLICATE\s+KEY\b|^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\b|^\s*INSERT\s+IGNORE\b",
    re.IGNORECASE,
)

# --- inserts (IDM004) -------------------------------------------------------------

#: Manager/model methods that create one or many new records.
CREATE_METHODS = frozenset({"create", "acreate", "create_many"})
BULK_CREATE_METHODS = frozenset({"bulk_create", "abulk_create"})
#: ``bulk_create`` keywords that make it skip or update existing rows.
BULK_CREATE_CONFLICT_KEYWORDS = frozenset({"ignore_conflicts", "update_conflicts"})
#: The Django default manager.
DJANGO_MANAGER = "objects"
#: Document-store insert methods (PyMongo, Motor) and Peewee's bulk insert.
INSERT_METHODS = frozenset({"insert_one", "insert_many"})
#: Query builders that insert: SQLAlchemy ``insert(Model)``, Peewee ``Model.insert(...)``.
INSERT_BUILDER = "insert"
INSERT_BUILDER_PACKAGES = frozenset({"sqlalchemy", "sqlmodel"})
#: Chained methods (anywhere in the same function) that make an insert an upsert.
UPSERT_METHODS = frozenset(
    {
        "on_conflict",
        "on_conflict_ignore",
        "on_conflict_replace",
        "on_conflict_do_update",
        "on_conflict_do_nothing",
        "on_duplicate_key_update",
        "prefix_with",
        "upsert",
    }
)
#: ``session.add(Model(...))``: receivers that are an ORM session.
SESSION_RECEIVER = LazyPattern(r"session|^db$|^s$|^sess$|^uow$|^unit_of_work$", re.IGNORECASE)
SESSION_ADD_METHODS = frozenset({"add", "add_all"})
#: Saving a freshly constructed instance: ``Order(...).save()``, ``await Doc(...).insert()``.
NEW_INSTANCE_SAVES = frozenset({"save", "insert", "create", "asave"})
#: Constructor keywords that name an existing record, making ``save()`` an update.
PRIMARY_KEY_KEYWORDS = frozenset({"pk", "id", "_id"})
#: Classes whose instances are not records (serializers, forms, responses).
NON_MODEL_CLASS = LazyPattern(r"(Serializer|Form|FormSet|Schema|Response|Request|Error|Exception|Dict|List|Set)$")
#: Words in ``x.things.create(...)`` that mark an API client, not a related manager.
NON_MODEL_WORDS = frozenset(
    {
        "client",
        "stripe",
        "braintree",
        "paypal",
        "adyen",
        "razorpay",
        "mollie",
        "square",
        "api",
        "sdk",
        "boto",
        "boto3",
        "s3",
        "sqs",
        "sns",
        "service",
        "provider",
        "gateway",
        "openai",
        "twilio",
    }
)
#: Third-party SDK packages whose classes are not the project's models (``stripe.Customer``).
SDK_PACKAGES = frozenset(
    {"stripe", "braintree", "paypalrestsdk", "adyen", "razorpay", "mollie", "square", "boto3", "openai", "twilio"}
)

#: Calls that test whether the record exists: ``if not Order.objects.filter(pk=pk).exists():``.
EXISTENCE_CHECKS = frozenset({"exists", "aexists", "count", "acount", "count_documents"})

#: Side records named as logs are expected to grow on every call: ``AuditLog``,
#: ``LogEntry``, ``OrderHistory``, ``PaymentEvent``, ``audit_trail``.
LOG_FIRST_WORDS = frozenset({"log", "logs"})
LOG_LAST_WORDS = frozenset({"log", "logs", "history", "histories", "event", "events"})
LOG_ANY_WORD_PREFIX = "audit"
