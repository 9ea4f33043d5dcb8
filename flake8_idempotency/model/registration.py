"""What a route table or registration call says: a handler's name, path and methods."""

from __future__ import annotations

from typing import NamedTuple


class Target(NamedTuple):
    """What a registration points at: its local name and its dotted origin."""

    name: str
    #: ``views.OrderView`` -> ``.views.OrderView`` through the file's imports.
    reference: str


class Registration(NamedTuple):
    """A handler or view class named by a route table / registration call."""

    target: str
    path: str | None
    framework: str
    #: Methods the registration declares; None when the target's own code decides.
    methods: tuple[str, ...] | None = None
    #: Dotted origin of the target in the registering file (for the project index).
    reference: str | None = None
    #: DRF routers: True for the detail route (``/orders/{pk}/``), False for the
    #: collection route, None when the path serves every handler of the target.
    detail: bool | None = None

    @classmethod
    def to(
        cls, target: Target, path: str | None, framework: str, methods: tuple[str, ...] | None = None
    ) -> Registration:
        return cls(target.name, path, framework, methods, target.reference)
