"""Class-based views: the method name is the declaration (``View.put``, ``ViewSet.destroy``).

A class is a view when one of its ancestors (in this file or, read from its file,
in another project module) is a base listed in ``VIEW_FAMILIES``; a plain class
with a ``put`` method is not. Paths come from registrations in the same file.

Endpoints that a base class provides (DRF): a registered view whose base serves an
action (``ModelViewSet`` -> create, update, destroy, ...) with no method of the view
serving that action's HTTP method still serves it. Its endpoint sits at the ``class``
line, and its statements are what DRF's own action runs (the hook it calls, so a
project override of the hook is walked). One route and method is one endpoint: a view
that defines both ``create`` and ``perform_create`` has one POST endpoint, ``create``,
judged on both bodies; likewise a Django form view's ``post`` and ``form_valid``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import (
    DRF_DETAIL_HANDLERS,
    HOOK_ACTIONS,
    DRF_PROVIDED_ACTIONS,
    DRF_PROVIDED_BODIES,
    DRF_PROVIDED_METHODS,
    DRF_PROVIDING_TEXT,
    VIEW_HANDLER_NAMES,
    ViewFamily,
)
from ..model.endpoint import Endpoint
from ..model.source import FunctionNode
from ..syntax import package_and_name
from .context import DiscoveryContext, class_line_handler

_PROVIDED_DETAIL = frozenset({"retrieve", "update", "partial_update", "destroy"})


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    families_by_class: dict[int, list[ViewFamily]] = {}
    served: dict[int, set[str]] = {}
    for handler, cls in context.source.all_functions:
        if cls is None or handler.name not in VIEW_HANDLER_NAMES:
            continue  # only handler-named methods make a class worth resolving
        families = families_by_class.get(id(cls))
        if families is None:
            families = families_by_class[id(cls)] = context.view_families(cls)
        for family in families:
            methods = family.handlers.get(handler.name)
            if methods:
                served.setdefault(id(cls), set()).update(methods)
                # ``perform_create`` beside ``create``: one endpoint, the action's
                methods = _not_served_by_action(handler, cls, family, methods)
                if not methods:
                    break
                body = _with_hook(handler, cls)
                for path in class_paths(context, cls, handler.name in DRF_DETAIL_HANDLERS):
                    yield from context.endpoints(handler, cls, methods, path, family.framework, body)
                break
    yield from _provided(context, served)


def _methods_of(cls: ast.ClassDef) -> dict[str, FunctionNode]:
    return {
        statement.name: statement
        for statement in cls.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _not_served_by_action(
    handler: FunctionNode, cls: ast.ClassDef, family: ViewFamily, methods: tuple[str, ...]
) -> tuple[str, ...]:
    """A hook's methods that the action it runs in, defined on the same class, does not serve."""
    action = HOOK_ACTIONS.get(handler.name)
    if action is None or action not in _methods_of(cls):
        return methods
    served = family.handlers.get(action, ())
    return tuple(method for method in methods if method not in served)


def _with_hook(handler: FunctionNode, cls: ast.ClassDef) -> tuple[ast.stmt, ...] | None:
    """An action with its hook on the same class: both bodies (the hook's once)."""
    hook = next((name for name, action in HOOK_ACTIONS.items() if action == handler.name), None)
    hook_node = _methods_of(cls).get(hook or "")
    if hook_node is None or any(
        isinstance(node, ast.Attribute) and node.attr == hook and isinstance(node.value, ast.Name)
        for node in ast.walk(handler)
    ):
        return None  # no hook, or the action calls it (the walk follows the call)
    return (*handler.body, *hook_node.body)


def _provided(context: DiscoveryContext, served: dict[int, set[str]]) -> Iterator[Endpoint]:
    """The actions a DRF base provides to a registered view that does not serve them itself."""
    source = context.source
    for cls in source.classes.values():
        if not cls.bases or cls.name not in _registered_names(context):
            continue
        actions = _provided_actions(context, cls)
        own = served.get(id(cls), set())
        for action in actions:
            methods = tuple(m for m in DRF_PROVIDED_METHODS[action] if m not in own)
            if not methods:
                continue
            handler = class_line_handler(
                cls, action, "self, request, *args, **kwargs", DRF_PROVIDED_BODIES.get(action, "pass")
            )
            for path in class_paths(context, cls, action in _PROVIDED_DETAIL):
                yield from context.endpoints(handler, cls, methods, path, "drf")


def _registered_names(context: DiscoveryContext) -> frozenset[str]:
    if not any(text in context.source.text for text in DRF_PROVIDING_TEXT):
        return frozenset()
    return frozenset(context.paths_by_target)


def _provided_actions(context: DiscoveryContext, cls: ast.ClassDef) -> list[str]:
    actions: list[str] = []
    for dotted in context.ancestors(cls):
        for action in DRF_PROVIDED_ACTIONS.get(package_and_name(dotted), ()):
            if action not in actions:
                actions.append(action)
    return actions


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
