"""Rules: one module per code.

A rule module holds ``CODE``, its message templates as module constants,
``CHECK`` (the summary check it belongs to: ``put``, ``delete`` or
``critical_post``), ``SUMMARY`` (how the summary's fail detail says what is
wrong, after the endpoint's name), ``applies(endpoint, context) -> bool`` (does
the check cover this endpoint) and ``check(endpoint, context) -> Iterator[Finding]``.
Registering a rule is adding its module to ``RULES``.
"""

from __future__ import annotations

from . import idm001, idm002, idm003, idm004
from .base import Finding, RuleContext

RULES: tuple = (idm001, idm002, idm003, idm004)

__all__ = ["RULES", "Finding", "RuleContext"]
