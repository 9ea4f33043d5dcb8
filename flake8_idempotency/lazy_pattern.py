"""Regular expressions compiled on first use.

flake8 imports the plugin on every run and editors run flake8 on every keystroke;
compiling the rules' ~30 patterns at import would cost every lint ~10 ms, also the
lints of files that never reach a rule.
"""

from __future__ import annotations

import re


class LazyPattern:
    """Stands in for ``re.compile(pattern, flags)``: ``search``, ``match``, ``sub``... compile it."""

    __slots__ = ("_pattern", "_flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        return getattr(self._compiled, name)
