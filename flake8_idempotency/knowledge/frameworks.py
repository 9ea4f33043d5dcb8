"""What each web framework's routing looks like, as data.

Discovery modules read these tables; they hold no framework names of their own.
Names are matched as ``(top-level package, final name)`` so that re-exports
(``django.views.generic.UpdateView`` vs ``django.views.generic.edit.UpdateView``)
need no separate entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

HTTP_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")

#: Method names that declare a handler on a class-based view (``def put(self, ...)``).
VERB_METHODS = {verb.lower(): (verb,) for verb in HTTP_VERBS if verb != "TRACE"}

#: Top-level packages whose import marks a file as web code.
FRAMEWORK_PACKAGES = {
    "aiohttp": "aiohttp",
    "blacksheep": "blacksheep",
    "bottle": "bottle",
    "chalice": "chalice",
    "cornice": "cornice",
    "django": "django",
    "falcon": "falcon",
    "fastapi": "fastapi",
    "flask": "flask",
    "flask_restful": "flask",
    "flask_restx": "flask",
    "flask_smorest": "flask",
    "apiflask": "flask",
    "litestar": "litestar",
    "ninja": "ninja",
    "pyramid": "pyramid",
    "quart": "quart",
    "rest_framework": "drf",
    "robyn": "robyn",
    "sanic": "sanic",
    "starlette": "starlette",
    "tornado": "tornado",
}

#: How the summary names what it looks for when it finds no endpoint.
FRAMEWORK_NAMES = (
    "Flask (and Flask-RESTful/RESTX/Smorest, APIFlask)",
    "Quart",
    "FastAPI",
    "Starlette",
    "Django",
    "Django REST framework",
    "Django Ninja",
    "aiohttp",
    "Sanic",
    "Litestar",
    "Tornado",
    "Falcon",
    "Pyramid (and cornice)",
    "Bottle",
    "Chalice",
    "Robyn",
    "BlackSheep",
    "Connexion (OpenAPI)",
)


class RouterKind(NamedTuple):
    """An app/router object whose methods are route decorators (``@app.put("/x")``)."""

    framework: str
    #: ``(package, class name)`` of the constructors that create it.
    constructors: frozenset[tuple[str, str]]
    #: Decorator attribute name -> methods it serves (``put`` -> PUT).
    verb_decorators: dict[str, tuple[str, ...]] = {}  # never mutated
    #: Decorators that take the methods as an argument (``route``, ``api_route``).
    route_decorators: frozenset[str] = frozenset({"route"})
    #: Keyword carrying the methods of a ``route`` decorator.
    methods_keyword: str = "methods"
    #: Index of a positional methods argument (aiohttp ``route("PUT", "/x")``), if any.
    methods_position: int | None = None
    #: Index of the path argument in a route decorator call.
    path_position: int = 0
    #: Keywords that may carry the path.
    path_keywords: tuple[str, ...] = ("path", "rule", "uri")
    #: Constructor keyword holding a URL prefix (``APIRouter(prefix=...)``).
    prefix_keyword: str | None = None
    default_methods: tuple[str, ...] = ("GET",)
    #: False when the decorators take no path: the constructor's is the whole path
    #: (cornice ``Service(path="/x")`` with ``@svc.put()``).
    decorator_path: bool = True


def _verbs(*names: str) -> dict[str, tuple[str, ...]]:
    return {name: (name.upper(),) for name in names}


_COMMON_VERBS = _verbs("get", "post", "put", "patch", "delete")

ROUTER_KINDS: tuple[RouterKind, ...] = (
    RouterKind(
        framework="flask",
        constructors=frozenset(
            {
                ("flask", "Flask"),
                ("flask", "Blueprint"),
                ("apiflask", "APIFlask"),
                ("apiflask", "APIBlueprint"),
                ("flask_smorest", "Blueprint"),
            }
        ),
        verb_decorators=_COMMON_VERBS,
        prefix_keyword="url_prefix",
    ),
    RouterKind(
        framework="quart",
        constructors=frozenset({("quart", "Quart"), ("quart", "Blueprint")}),
        verb_decorators=_COMMON_VERBS,
        prefix_keyword="url_prefix",
    ),
    RouterKind(
        framework="fastapi",
        constructors=frozenset({("fastapi", "FastAPI"), ("fastapi", "APIRouter")}),
        verb_decorators=_verbs("get", "post", "put", "patch", "delete", "head", "options", "trace"),
        route_decorators=frozenset({"api_route"}),
        prefix_keyword="prefix",
    ),
    RouterKind(
        framework="starlette",
        constructors=frozenset({("starlette", "Starlette"), ("starlette", "Router")}),
        route_decorators=frozenset({"route"}),
    ),
    RouterKind(
        framework="sanic",
        constructors=frozenset({("sanic", "Sanic"), ("sanic", "Blueprint")}),
        verb_decorators=_verbs("get", "post", "put", "patch", "delete", "head", "options"),
        prefix_keyword="url_prefix",
    ),
    RouterKind(
        framework="bottle",
        constructors=frozenset({("bottle", "Bottle")}),
        verb_decorators=_COMMON_VERBS,
        methods_keyword="method",
    ),
    RouterKind(
        framework="ninja",
        constructors=frozenset({("ninja", "NinjaAPI"), ("ninja", "Router")}),
        verb_decorators=_COMMON_VERBS,
        route_decorators=frozenset({"api_operation"}),
        methods_position=0,
        path_position=1,
    ),
    RouterKind(
        framework="aiohttp",
        constructors=frozenset({("aiohttp", "RouteTableDef")}),
        verb_decorators=_verbs("get", "post", "put", "patch", "delete", "head"),
        methods_position=0,
        path_position=1,
    ),
    RouterKind(
        framework="chalice",
        constructors=frozenset({("chalice", "Chalice"), ("chalice", "Blueprint")}),
    ),
    RouterKind(
        framework="robyn",
        constructors=frozenset({("robyn", "Robyn"), ("robyn", "SubRouter")}),
        verb_decorators=_COMMON_VERBS,
        prefix_keyword="prefix",
    ),
    RouterKind(
        framework="cornice",
        constructors=frozenset({("cornice", "Service")}),
        verb_decorators=_verbs("get", "post", "put", "patch", "delete"),
        route_decorators=frozenset(),
        prefix_keyword="path",
        decorator_path=False,
    ),
    RouterKind(
        framework="blacksheep",
        constructors=frozenset({("blacksheep", "Application"), ("blacksheep", "Router")}),
        verb_decorators=_COMMON_VERBS,
    ),
)

#: Module-level decorator functions that declare a route with no router object
#: (``from litestar import put``; ``from bottle import route``).
#: ``(package, function)`` -> (framework, methods or None when given by argument).
STANDALONE_DECORATORS: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {
    **{("litestar", verb): ("litestar", (verb.upper(),)) for verb in ("get", "post", "put", "patch", "delete", "head")},
    ("litestar", "route"): ("litestar", None),
    **{("bottle", verb): ("bottle", (verb.upper(),)) for verb in ("get", "post", "put", "patch", "delete")},
    ("bottle", "route"): ("bottle", None),
    **{("blacksheep", verb): ("blacksheep", (verb.upper(),)) for verb in ("get", "post", "put", "patch", "delete")},
}

#: Keyword carrying the methods of a standalone ``route`` decorator, per framework.
STANDALONE_METHODS_KEYWORD = {"litestar": "http_method", "bottle": "method"}


class ViewFamily(NamedTuple):
    """Class-based views: a base class makes some method names handlers."""

    framework: str
    bases: frozenset[tuple[str, str]]
    #: Method name -> HTTP methods it serves.
    handlers: Mapping[str, tuple[str, ...]]


_DJANGO_VIEWS = frozenset(
    ("django", name)
    for name in (
        "View",
        "TemplateView",
        "RedirectView",
        "DetailView",
        "ListView",
        "ArchiveIndexView",
    )
)

_DRF_API_VIEWS = frozenset(
    ("rest_framework", name) for name in ("APIView", "GenericAPIView", "ListAPIView", "RetrieveAPIView")
)

#: DRF viewset actions (the router maps them to methods).
DRF_ACTIONS = {
    "list": ("GET",),
    "retrieve": ("GET",),
    "create": ("POST",),
    "update": ("PUT", "PATCH"),
    "partial_update": ("PATCH",),
    "destroy": ("DELETE",),
}

#: DRF handlers served on a router's detail route (``/orders/{pk}/``); the
#: others (list, create, perform_create) on the collection route.
DRF_DETAIL_HANDLERS = frozenset(
    {"retrieve", "update", "partial_update", "destroy", "perform_update", "perform_destroy"}
)

#: DRF hooks that run inside an action: a hook on the class serves the action's route
#: and method (``perform_create`` is the POST endpoint when ``create`` is DRF's own).
DRF_HOOK_ACTIONS = {"perform_create": "create", "perform_update": "update", "perform_destroy": "destroy"}
#: Every hook a class-based view's handler method runs (Django's form views: ``post``
#: runs ``form_valid``): with both on the class, the route and method are one endpoint.
HOOK_ACTIONS = {**DRF_HOOK_ACTIONS, "form_valid": "post"}

#: DRF base classes that provide actions with no ``def`` in the view (endpoints a base
#: class provides): ``(package, class)`` -> the actions it serves. A registered view
#: whose own methods do not serve an action's method still serves it, at the class line.
_DRF_LIST_RETRIEVE = ("list", "retrieve")
_DRF_WRITES = ("create", "update", "partial_update", "destroy")
DRF_PROVIDED_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("rest_framework", "ModelViewSet"): (*_DRF_LIST_RETRIEVE, *_DRF_WRITES),
    ("rest_framework", "ReadOnlyModelViewSet"): _DRF_LIST_RETRIEVE,
    ("rest_framework", "ListModelMixin"): ("list",),
    ("rest_framework", "RetrieveModelMixin"): ("retrieve",),
    ("rest_framework", "CreateModelMixin"): ("create",),
    ("rest_framework", "UpdateModelMixin"): ("update", "partial_update"),
    ("rest_framework", "DestroyModelMixin"): ("destroy",),
    ("rest_framework", "ListAPIView"): ("list",),
    ("rest_framework", "RetrieveAPIView"): ("retrieve",),
    ("rest_framework", "CreateAPIView"): ("create",),
    ("rest_framework", "ListCreateAPIView"): ("list", "create"),
    ("rest_framework", "UpdateAPIView"): ("update", "partial_update"),
    ("rest_framework", "DestroyAPIView"): ("destroy",),
    ("rest_framework", "RetrieveUpdateAPIView"): ("retrieve", "update", "partial_update"),
    ("rest_framework", "RetrieveDestroyAPIView"): ("retrieve", "destroy"),
    ("rest_framework", "RetrieveUpdateDestroyAPIView"): ("retrieve", "update", "partial_update", "destroy"),
}
#: The methods each provided action serves (``update`` is PUT: PATCH is ``partial_update``).
DRF_PROVIDED_METHODS = {
    "list": ("GET",),
    "retrieve": ("GET",),
    "create": ("POST",),
    "update": ("PUT",),
    "partial_update": ("PATCH",),
    "destroy": ("DELETE",),
}
#: What DRF's own action does, as the statements of the class-line endpoint: the hook it
#: calls (a project override of the hook, or of the action, runs there).
DRF_PROVIDED_BODIES = {
    "create": "self.perform_create(self.get_serializer(data=request.data))",
    "update": "self.perform_update(self.get_serializer(self.get_object(), data=request.data))",
    "partial_update": "self.perform_update(self.get_serializer(self.get_object(), data=request.data, partial=True))",
    "destroy": "self.perform_destroy(self.get_object())",
}
#: Text that names a DRF base providing actions (the pre-filter: a view with no handler
#: method of its own still serves them).
DRF_PROVIDING_TEXT = ("ModelViewSet", "ModelMixin", "APIView")

#: DRF mixin hooks that run inside an action.
_DRF_CREATE_HOOKS = {"create": ("POST",), "perform_create": ("POST",)}
_DRF_UPDATE_HOOKS = {
    "update": ("PUT", "PATCH"),
    "partial_update": ("PATCH",),
    "perform_update": ("PUT", "PATCH"),
}
_DRF_DESTROY_HOOKS = {"destroy": ("DELETE",), "perform_destroy": ("DELETE",)}
_DRF_ALL_HOOKS = {
    **DRF_ACTIONS,
    **_DRF_CREATE_HOOKS,
    **_DRF_UPDATE_HOOKS,
    **_DRF_DESTROY_HOOKS,
}


def _drf(*names: str) -> frozenset[tuple[str, str]]:
    return frozenset(("rest_framework", name) for name in names)


VIEW_FAMILIES: tuple[ViewFamily, ...] = (
    ViewFamily("flask", frozenset({("flask", "MethodView"), ("flask", "View")}), VERB_METHODS),
    ViewFamily("flask", frozenset({("flask_restful", "Resource"), ("flask_restx", "Resource")}), VERB_METHODS),
    ViewFamily("quart", frozenset({("quart", "MethodView")}), VERB_METHODS),
    ViewFamily("starlette", frozenset({("starlette", "HTTPEndpoint")}), VERB_METHODS),
    ViewFamily("aiohttp", frozenset({("aiohttp", "View")}), VERB_METHODS),
    ViewFamily("sanic", frozenset({("sanic", "HTTPMethodView")}), VERB_METHODS),
    ViewFamily("tornado", frozenset({("tornado", "RequestHandler")}), VERB_METHODS),
    ViewFamily("django", _DJANGO_VIEWS, VERB_METHODS),
    # Django's generic edit views route POST (and PUT, for UpdateView) to form_valid.
    ViewFamily(
        "django",
        frozenset({("django", "FormView"), ("django", "BaseFormView"), ("django", "ProcessFormView")}),
        {**VERB_METHODS, "form_valid": ("POST",)},
    ),
    ViewFamily(
        "django",
        frozenset({("django", "CreateView"), ("django", "BaseCreateView")}),
        {**VERB_METHODS, "form_valid": ("POST",)},
    ),
    ViewFamily(
        "django",
        frozenset({("django", "UpdateView"), ("django", "BaseUpdateView")}),
        {**VERB_METHODS, "form_valid": ("POST", "PUT")},
    ),
    ViewFamily(
        "django",
        frozenset({("django", "DeleteView"), ("django", "BaseDeleteView")}),
        {**VERB_METHODS, "form_valid": ("POST",)},
    ),
    ViewFamily("drf", _DRF_API_VIEWS, VERB_METHODS),
    ViewFamily("drf", _drf("ViewSet", "GenericViewSet", "ViewSetMixin"), {**VERB_METHODS, **DRF_ACTIONS}),
    ViewFamily("drf", _drf("ModelViewSet"), {**VERB_METHODS, **_DRF_ALL_HOOKS}),
    ViewFamily(
        "drf",
        _drf("ReadOnlyModelViewSet", "ListModelMixin", "RetrieveModelMixin"),
        {**VERB_METHODS, "list": ("GET",), "retrieve": ("GET",)},
    ),
    ViewFamily(
        "drf",
        _drf("CreateModelMixin", "CreateAPIView", "ListCreateAPIView"),
        {**VERB_METHODS, **_DRF_CREATE_HOOKS},
    ),
    ViewFamily(
        "drf",
        _drf("UpdateModelMixin", "UpdateAPIView", "RetrieveUpdateAPIView"),
        {**VERB_METHODS, **_DRF_UPDATE_HOOKS},
    ),
    ViewFamily(
        "drf",
        _drf("DestroyModelMixin", "DestroyAPIView", "RetrieveDestroyAPIView"),
        {**VERB_METHODS, **_DRF_DESTROY_HOOKS},
    ),
    ViewFamily(
        "drf",
        _drf("RetrieveUpdateDestroyAPIView"),
        {**VERB_METHODS, **_DRF_UPDATE_HOOKS, **_DRF_DESTROY_HOOKS},
    ),
    ViewFamily("litestar", frozenset({("litestar", "Controller")}), {}),
    ViewFamily("blacksheep", frozenset({("blacksheep", "Controller"), ("blacksheep", "APIController")}), {}),
)

#: Django decorators that restrict a function view's methods.
DJANGO_METHOD_DECORATORS: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("django", "require_http_methods"): None,  # methods given as the first argument
    ("django", "require_POST"): ("POST",),
    ("django", "require_GET"): ("GET",),
    ("django", "require_safe"): ("GET", "HEAD"),
}

#: DRF's function-view decorator; methods in the first argument, GET by default.
DRF_API_VIEW = ("rest_framework", "api_view")
#: DRF's extra-action decorator on viewset methods; ``methods=``, GET by default.
DRF_ACTION = ("rest_framework", "action")

#: Packages a project may vendor (copy under its own package, ``kinto.core.cornice``):
#: a name whose module path has such a component counts as that package's.
VENDORED_PACKAGES = frozenset({"cornice"})

#: cornice's class-based resources: ``@resource(collection_path=..., path=...)``; a
#: ``collection_<verb>`` method serves the collection path, ``<verb>`` the item path.
CORNICE_RESOURCE = frozenset({("cornice", "resource")})
CORNICE_COLLECTION_PREFIX = "collection_"

#: Pyramid's view declarations.
PYRAMID_VIEW_CONFIG = frozenset({("pyramid", "view_config")})
PYRAMID_VIEW_DEFAULTS = frozenset({("pyramid", "view_defaults")})
#: ``@view_config(context=X)`` with an exception as X is an exception view (what Pyramid
#: renders when a view raises), never an endpoint: X from this module, a builtin
#: exception, or a class named like one.
PYRAMID_EXCEPTION_MODULE = "pyramid.httpexceptions"
EXCEPTION_NAME_SUFFIXES = ("Error", "Exception", "Exit", "Interrupt")

#: Falcon responders: ``on_<verb>`` or ``on_<verb>_<suffix>`` on any class of a falcon file.
FALCON_RESPONDER_PREFIX = "on_"


class MountCall(NamedTuple):
    """A call that serves a router or sub-application under a prefix (``parent.<name>(...)``)."""

    #: Where the prefix is: a positional index (None: keyword only) and its keyword.
    prefix_position: int | None
    prefix_keyword: str
    #: Where the mounted router/app is.
    child_position: int
    child_keywords: tuple[str, ...]
    #: Whether a prefix given here replaces the child's own (Flask) or is put before it.
    replaces: bool = False


#: Calls that mount a router under a prefix elsewhere, by attribute name. FastAPI's
#: ``include_router(prefix=)`` prepends to the router's own prefix; Flask's
#: ``register_blueprint(url_prefix=)`` replaces the blueprint's; Starlette/FastAPI
#: ``mount("/api", app=sub)`` serves a sub-application; Ninja ``add_router("/x", router)``.
MOUNT_CALLS = {
    "include_router": MountCall(None, "prefix", 0, ("router",)),
    "register_blueprint": MountCall(None, "url_prefix", 0, ("blueprint",), replaces=True),
    "mount": MountCall(0, "path", 1, ("app",)),
    "add_router": MountCall(0, "prefix", 1, ("router",)),
}

#: Route constructors used in route lists: (package, name) -> (framework, path idx, handler idx).
ROUTE_CONSTRUCTORS = {
    ("starlette", "Route"): ("starlette", 0, 1),
    ("fastapi", "Route"): ("starlette", 0, 1),
}

#: aiohttp ``web.put("/x", handler)`` helpers inside ``add_routes([...])``.
AIOHTTP_ROUTE_HELPERS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "head": ("HEAD",),
}
#: aiohttp ``app.router.add_put("/x", handler)``.
AIOHTTP_ROUTER_METHODS = {f"add_{name}": methods for name, methods in AIOHTTP_ROUTE_HELPERS.items()}


#: Calls that register a handler function of this or another file, methods included
#: (Flask ``add_url_rule``, FastAPI ``add_api_route``, aiohttp and Sanic ``add_route``):
#: for the text pre-filter, with ``AIOHTTP_ROUTER_METHODS`` and ``ROUTE_CONSTRUCTORS``.
FUNCTION_REGISTRATION_CALLS = frozenset({"add_url_rule", "add_api_route", "add_route", "add_view", "add_resource"})

#: Registrations: what a file's text must contain before each registration module of
#: discovery walks its calls (a substring test; ``discovery/<module>.py``).
REGISTRATION_TRIGGERS = {
    "flask": ("add_url_rule", "add_resource", "route("),
    "asgi": ("add_api_route", "Route"),
    "aiohttp": ("aiohttp",),
    "sanic": ("add_route",),
    "tornado": ("tornado",),
    "django": ("urls",),
    "falcon": ("add_route",),
}

#: What makes the project index parse a file for routes it registers elsewhere
#: (regular expressions): route tables, the registration calls, DRF's
#: ``router.register(``, Tornado's ``Application(``/``add_handlers``, aiohttp's
#: ``add_routes``/``web.view(``, and the mounts of ``MOUNT_CALLS``.
REGISTRATION_TEXT = (
    "urlpatterns",
    r"\.register\(",
    *sorted(FUNCTION_REGISTRATION_CALLS),
    "add_routes",
    r"\bRoute\(",
    r"Application\(",
    "add_handlers",
    r"web\.view\(",
    *(rf"\.{name}\(" for name in sorted(MOUNT_CALLS)),
)

#: Frameworks whose registrations give a function in another file its methods, so the
#: function's own file may declare nothing (the project index knows it).
FUNCTION_REGISTRATION_FRAMEWORKS = frozenset(
    package
    for package, framework in FRAMEWORK_PACKAGES.items()
    if framework in {"flask", "quart", "fastapi", "starlette", "aiohttp", "sanic"}
)

#: Every attribute name that declares a route on a router object (for the text pre-filter).
ROUTE_DECORATOR_NAMES = frozenset(
    name for kind in ROUTER_KINDS for name in (*kind.verb_decorators, *kind.route_decorators)
) | {"route", "view"}

#: Every method name that is a handler in some class-based view family.
VIEW_HANDLER_NAMES = frozenset(name for family in VIEW_FAMILIES for name in family.handlers) | frozenset(
    CORNICE_COLLECTION_PREFIX + verb for verb in ("get", "post", "put", "patch", "delete")
)
