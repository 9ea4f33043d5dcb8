"""The endpoint inventory: one line per endpoint, what the plugin sees."""

from __future__ import annotations

from collections.abc import Iterable

from ..model.endpoint import Endpoint


def inventory_line(endpoint: Endpoint) -> str:
    path = endpoint.path if endpoint.path is not None else "?"
    where = f"{endpoint.filename}:{endpoint.line}"
    return f"{where} {endpoint.method} {path} {endpoint.framework} {endpoint.qualified_handler}"


def render_endpoints(endpoints: Iterable[Endpoint], form: str = "text") -> str:
    """The inventory as text (one line per endpoint) or as a JSON list."""
    ordered = sorted(endpoints, key=lambda e: (e.filename, e.line, e.method, e.path or ""))
    if form == "json":
        import json

        rows = [
            {
                "file": endpoint.filename,
                "line": endpoint.line,
                "method": endpoint.method,
                "path": endpoint.path,
                "framework": endpoint.framework,
                "handler": endpoint.qualified_handler,
            }
            for endpoint in ordered
        ]
        return json.dumps(rows, indent=2) + "\n"
    return "".join(inventory_line(endpoint) + "\n" for endpoint in ordered)
