"""Rules: one module per code, each a ``Rule`` (``base.py``).

A rule module holds ``CODE``, its message templates as module constants, ``CHECK``
(the summary line it counts toward), ``SUMMARY`` (how the summary's fail detail says
what is wrong, after the endpoint's name), ``facts(config)`` (project-wide facts it
reads from other files), ``applies(endpoint, context)`` and ``check(endpoint, context)``.
Registering a rule is adding its module to ``RULES``; the summary's checks, the SARIF
rules and the docs checks all follow from this table.
"""

from __future__ import annotations

from . import idm001, idm002, idm003, idm004
from .base import Rule, RuleContext, SummaryCheck

RULES: tuple[Rule, ...] = (idm001, idm002, idm003, idm004)

#: The summary's lines, in the order it lists them.
CHECKS: tuple[SummaryCheck, ...] = tuple(sorted({rule.CHECK for rule in RULES}, key=lambda check: check.rank))

__all__ = ["CHECKS", "RULES", "Rule", "RuleContext", "SummaryCheck"]
