"""Class-based views: the method name is the declaration (``View.put``, ``ViewSet.destroy``).

A class is a view when one of its ancestors (in this file or, read from its file,
in another project module) is a base listed in ``VIEW_FAMILIES``; a plain class
with a ``put`` method is not. Paths come from registrations in the same file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import DRF_DETAIL_HANDLERS, VIEW_HANDLER_NAMES
from ..model.endpoint import Endpoint
from .context import DiscoveryContext


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    families_by_class: dict[int, list] = {}
    for handler, cls in context.source.all_functions:
        if cls is None or handler.name not in VIEW_HANDLER_NAMES:
            continue  # only handler-named methods make a class worth resolving
        families = families_by_class.get(id(cls))
        if families is None:
            families = families_by_class[id(cls)] = context.view_families(cls)
        for family in families:
            methods = family.handlers.get(handler.name)
            if methods:
                for path in class_paths(context, cls, handler.name in DRF_DETAIL_HANDLERS):
                    yield from context.endpoints(handler, cls, methods, path, family.framework)
                break


def class_paths(context: DiscoveryContext, cls: ast.ClassDef, detail: bool) -> list[str | None]:
    """Paths the class is registered under; ``[None]`` when unknown.

    A DRF router registers two routes per viewset: ``detail`` picks which one.
    """
    paths = [
        registration.path
        for registration in context.paths_by_target.get(cls.name, ())
        if registration.detail in (None, detail)
    ]
    return sorted(set(paths), key=str) if paths else [None]
