"""Rules: one module per code.

A rule module holds ``CODE``, its message templates as module constants, and
``check(endpoint, context) -> Iterator[Finding]``. Registering a rule is adding
its module to ``RULES``.
"""

from __future__ import annotations

from . import idm001, idm004
from .base import Finding, RuleContext

RULES: tuple = (idm001, idm004)

__all__ = ["RULES", "Finding", "RuleContext"]
