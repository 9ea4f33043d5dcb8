"""Rules: one module per code.

A rule module holds ``CODE``, its message templates as module constants, and
``check(endpoint, context) -> Iterator[Finding]``. Registering a rule is adding
its module to ``RULES``.
"""

from __future__ import annotations

from . import idm002
from .base import Finding, RuleContext

RULES: tuple = (idm002,)

__all__ = ["RULES", "Finding", "RuleContext"]
