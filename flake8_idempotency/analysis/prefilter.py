"""The text pre-filter: can this file hold an endpoint at all?

flake8 runs every plugin on every file, and editors start flake8 on every lint, so
this is the only code most files ever meet: one regex search over the text, with
nothing else of the package imported. A file passes when its text shows something
discovery acts on in that file (see ``discovery/``):

- a route decorator: ``@app.put(``, ``@put(``, ``@api_view(``, ``@action(``,
  ``@require_POST``, ``@view_config(``, ``@refund.mapping.delete``;
- a method named like a class-based view handler: ``def put(``, ``def destroy(``,
  ``def on_put(`` (the class's bases are checked later, maybe in another file), or a
  Falcon responder bound to another method (``on_put = _replace``);
- a branch on the request method: ``request.method == "PUT"``;
- a DRF base that provides endpoints with no method of the view (``ModelViewSet``,
  ``UpdateModelMixin``, ``UpdateAPIView``);
- a route table or registration call in the file: ``urlpatterns``, ``path(`` from
  ``django.urls``, ``add_url_rule(``, ``add_api_route(``, ``Route(``,
  ``router.add_put(``, ``web.post(``, ``post("/x", handler)``.

Framework names alone do not count: a Django project's models, migrations and
tests all mention django and declare nothing. A file that fails can still be an
endpoint when another file routes to it; ``routed_elsewhere_frameworks`` says
when the engine must ask the project index (see ``engine.analyze``).
"""

from __future__ import annotations

import re

from ..knowledge.frameworks import (
    AIOHTTP_ROUTE_HELPERS,
    AIOHTTP_ROUTER_METHODS,
    DJANGO_METHOD_DECORATORS,
    DRF_ACTION,
    DRF_API_VIEW,
    DRF_PROVIDING_TEXT,
    FALCON_RESPONDER_PREFIX,
    FUNCTION_REGISTRATION_CALLS,
    FUNCTION_REGISTRATION_FRAMEWORKS,
    PYRAMID_VIEW_CONFIG,
    PYRAMID_VIEW_DEFAULTS,
    ROUTE_CONSTRUCTORS,
    ROUTE_DECORATOR_NAMES,
    STANDALONE_DECORATORS,
    VIEW_HANDLER_NAMES,
)
from ..lazy_pattern import LazyPattern


def _alternatives(words) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda word: (-len(word), word)))


_DECORATOR_NAMES = {
    *ROUTE_DECORATOR_NAMES,
    *(name for _, name in STANDALONE_DECORATORS),
    *(name for _, name in DJANGO_METHOD_DECORATORS),
    DRF_API_VIEW[1],
    DRF_ACTION[1],
    *(name for _, name in PYRAMID_VIEW_CONFIG | PYRAMID_VIEW_DEFAULTS),
}
_HELPER_NAMES = {*AIOHTTP_ROUTE_HELPERS, "route", "view"}
_REGISTRATION_CALLS = {*FUNCTION_REGISTRATION_CALLS, *AIOHTTP_ROUTER_METHODS}

#: Decorators and method names are matched generically and looked up in the sets
#: above: compiling one alternation per table would cost every lint ~3 ms.
_DECORATOR = re.compile(r"@[ \t]*((?:\w+[ \t]*\.[ \t]*)*)(\w+)")
_DEF = re.compile(r"def[ \t]+(\w+)[ \t]*\(")
#: ``@patch("module.name")`` and ``@patch.object(...)`` are unittest.mock (every test
#: file); litestar's ``@patch("/x")`` and ``@router.patch(...)`` are routes.
_MOCK_PATCH = re.compile(r"\.|\s*\(\s*[rbuRBU]?[\"'][^/\"']")

#: The other declarations, as in the module docstring. Each pattern starts with
#: literal text, which ``re`` finds by a fast scan; a leading ``\\b`` or alternation
#: would make it try every position (20x slower, and this runs on every file).
_DECLARATION_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\.method\b",
        r"urlpatterns",
        r"django\.(?:conf\.)?urls[ \t]+import[ \t]+(?:\([^)]*|[^\n]*)\b(?:re_path|path|url)\b",
        rf"\.add_(?:{_alternatives(name.removeprefix('add_') for name in _REGISTRATION_CALLS)})[ \t]*\(",
        rf"(?:{_alternatives(name for _, name in ROUTE_CONSTRUCTORS)})[ \t]*\(",
        rf"web\.(?:{_alternatives(_HELPER_NAMES)})[ \t]*\(",
        *(re.escape(text) for text in DRF_PROVIDING_TEXT),
        rf"{FALCON_RESPONDER_PREFIX}(?:get|post|put|patch|delete)\w*[ \t]*=[^=]",
    )
)
#: aiohttp's helpers imported by name: ``post("/x", handler)`` (only in aiohttp files).
_BARE_HELPER = LazyPattern(rf"(?<![\w.])(?:{_alternatives(_HELPER_NAMES)})[ \t]*\([ \t]*[rbuRBU]?[\"']/")

#: A file that fails the patterns above can still be a function endpoint that another
#: file registers with its methods (``app.add_url_rule("/x", view_func=handlers.pay,
#: methods=["POST"])``): only these frameworks register functions that way, and a
#: handler module of theirs names the framework (``from flask import request``).
_ROUTED_ELSEWHERE = LazyPattern(rf"\b(?:{_alternatives(FUNCTION_REGISTRATION_FRAMEWORKS)})\b")


def may_declare_endpoints(text: str) -> bool:
    """Does the text show a declaration discovery could turn into an endpoint?"""
    return (
        any(_is_route_decorator(text, match) for match in _DECORATOR.finditer(text))
        or any(_is_handler_name(match[1]) for match in _DEF.finditer(text))
        or any(pattern.search(text) for pattern in _DECLARATION_PATTERNS)
        or ("aiohttp" in text and _BARE_HELPER.search(text) is not None)
    )


def _is_route_decorator(text: str, match: re.Match[str]) -> bool:
    name = match[2]
    if name != "patch":
        return name in _DECORATOR_NAMES
    return not match[1].replace(" ", "").endswith("mock.") and not _MOCK_PATCH.match(text, match.end())


def _is_handler_name(name: str) -> bool:
    return name in VIEW_HANDLER_NAMES or name.startswith(FALCON_RESPONDER_PREFIX)


def may_be_routed_elsewhere(text: str) -> bool:
    """Could another file register this file's functions with methods (ask the index)?"""
    return any(name in text for name in FUNCTION_REGISTRATION_FRAMEWORKS) and _ROUTED_ELSEWHERE.search(text) is not None
