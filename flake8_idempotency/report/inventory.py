"""The endpoint inventory: one line per endpoint, what the plugin sees."""

from __future__ import annotations

from collections.abc import Iterable

from ..model.endpoint import Endpoint


def inventory_line(endpoint: Endpoint) -> str:
    path = endpoint.path if endpoint.path is not None else "?"
    where = f"{endpoint.filename}:{endpoint.line}"
    return f"{where} {endpoint.method} {path} {endpoint.framework} {endpoint.qualified_handler}"


def inventory(endpoints: Iterable[Endpoint]) -> list[str]:
    """Sorted by file, line, method: stable for diffs and tests."""
    ordered = sorted(endpoints, key=lambda e: (e.filename, e.line, e.method, e.path or ""))
    return [inventory_line(endpoint) for endpoint in ordered]
