"""Endpoint discovery: which functions a web framework routes requests to.

Two shared engines cover most frameworks from the tables in
``knowledge/frameworks.py``: ``routers`` (decorators on app/router objects and
standalone route decorators) and ``views`` (class-based views by base class).
One module per framework family adds what its framework does differently.
A new framework is a table entry; a new registration style is a module here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from ..model.endpoint import ANY_METHOD, Endpoint
from . import aiohttp, asgi, cornice, django, falcon, flask, pyramid, routers, sanic, tornado, views
from .branches import body_for
from .context import DiscoveryContext, Registration

#: Modules that turn registration calls / route tables into paths (and function endpoints).
REGISTRATION_MODULES = (flask, asgi, aiohttp, sanic, tornado, django)
#: Those whose registrations the project index files under the handler's own file.
#: Django's URLconfs are not among them: their paths need the include() chain above
#: them, which the index joins itself.
CROSS_FILE_REGISTRATION_MODULES = (flask, asgi, aiohttp, sanic, tornado, falcon)
#: Modules that find endpoints from declarations on the handler itself.
DECLARATION_MODULES = (routers, views, django, falcon, pyramid, cornice)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.project_modules import ProjectResolver
    from ..model.project import ProjectFacts
    from ..model.source import SourceFile

__all__ = ["ANY_METHOD", "DiscoveryContext", "Endpoint", "discover_endpoints", "elsewhere_registrations"]


def discover_endpoints(
    source: SourceFile,
    resolver: ProjectResolver | None = None,
    index: ProjectFacts | Callable[[], ProjectFacts] | None = None,
    routed_elsewhere: bool = True,
) -> list[Endpoint]:
    """Every endpoint declared in ``source``, sorted by line and method.

    Paths come from registrations in this file and, with an ``index``, from
    route tables in the project's other files. ``routed_elsewhere=False`` (the
    pre-filter saw nothing another file could register with methods) lets a file
    that declares nothing here skip the index.
    """
    context = DiscoveryContext(source, resolver, index=index)
    context.local_registrations = list(_registrations(context, REGISTRATION_MODULES))
    found = [endpoint for module in DECLARATION_MODULES for endpoint in module.discover(context)]
    found = list(_apply_registrations(context, found, routed_elsewhere))
    unique: dict[tuple[int, str, str | None], Endpoint] = {}
    for endpoint in found:
        # Narrowed to the method's branches; statements a module added after the
        # handler's own (a DRF hook's body beside its action) are kept.
        extra = endpoint.body[len(endpoint.handler.body):]
        narrowed = endpoint._replace(body=body_for(endpoint.handler, endpoint.method) + extra)
        unique.setdefault((id(endpoint.handler), endpoint.method, endpoint.path), narrowed)
    # A known path beats "unknown" for the same handler and method.
    with_path = {(id(e.handler), e.method) for e in unique.values() if e.path is not None}
    endpoints = [e for e in unique.values() if e.path is not None or (id(e.handler), e.method) not in with_path]
    return sorted(endpoints, key=lambda e: (e.line, e.method, e.path or ""))


def _apply_registrations(
    context: DiscoveryContext, found: list[Endpoint], routed_elsewhere: bool
) -> Iterator[Endpoint]:
    """Give function endpoints their registered path; declare registered function views."""
    functions = context.source.functions
    declared = {endpoint.handler.name for endpoint in found if endpoint.class_name is None}
    for endpoint in found:
        registered = _function_registrations(context, endpoint.handler.name) if endpoint.class_name is None else []
        if endpoint.path is None and registered:
            for registration in registered:
                yield endpoint._replace(path=registration.path)
        else:
            yield endpoint
    registrations = context.registrations if found or routed_elsewhere else context.local_registrations
    for registration in registrations:
        handler = functions.get(registration.target)
        if handler is None or registration.methods is None or registration.target in declared:
            continue
        yield from context.endpoints(handler, None, registration.methods, registration.path, registration.framework)


def _function_registrations(context: DiscoveryContext, name: str) -> list[Registration]:
    return [r for r in context.paths_by_target.get(name, ()) if r.target in context.source.functions]


def elsewhere_registrations(context: DiscoveryContext) -> Iterator[Registration]:
    """What a file registers that the project index files under the handler's own file."""
    return _registrations(context, CROSS_FILE_REGISTRATION_MODULES)


def _registrations(context: DiscoveryContext, modules: tuple[ModuleType, ...]) -> Iterator[Registration]:
    text = context.source.text
    for module in modules:
        if any(trigger in text for trigger in module.TRIGGERS):
            yield from module.registrations(context)
