"""Rules: one module per code, each a ``check(endpoint, context)`` over discovered endpoints.

A rule module exposes ``CODE``, ``MESSAGE`` (format string, the message as data)
and ``check``; registering it is adding it to ``RULES``. None exist yet: the
foundation ships discovery only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    line: int
    col: int
    code: str
    message: str  # starts with the code, as flake8 expects

RULES: tuple = ()
